export { JobsClient, type JobsClientOptions } from "./client.ts";
export * from "./errors.ts";
export type * from "./types.ts";
export { JOB_STATES } from "./types.ts";
export {
  JobCancelledError,
  type JobContext,
  JobTimeoutError,
  LeaseLostError,
  type Processor,
  UnrecoverableError,
  Worker,
  WorkerClosedError,
  type WorkerEvents,
  type WorkerOptions,
} from "./worker.ts";
