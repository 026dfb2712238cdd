import { consumeJobsRun } from "./jobs-run.queue";
import { jobs } from "./product";
import { itemsRouter } from "./routes/items";

export { RateLimiter } from "@edgeworks/ratelimit";
export { QueueScheduler } from "./do/queue-scheduler";

jobs.v1.route("/", itemsRouter);

export default jobs.worker({ queue: consumeJobsRun });
