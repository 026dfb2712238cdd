// The room's producer side moved to packages/queue (one sendBatch per burst); re-exported here so the
// room objects keep their import.
export { QueueBatcher } from "@edgeworks/queue";
