import { createRouter } from "@edgeworks/http";
import type { JobsEnv } from "../product";
import { dlqRouter } from "./dlq";
import { jobsRouter } from "./jobs";
import { metricsRouter } from "./metrics";
import { queuesRouter } from "./queues";
import { schedulesRouter } from "./schedules";
import { workersRouter } from "./workers";

/** Every guarded route of /jobs/v1 (src/index.ts mounts it on `jobs.v1`). */
export const apiRouter = createRouter<JobsEnv>()
  .route("/", queuesRouter)
  .route("/", jobsRouter)
  .route("/", workersRouter)
  .route("/", dlqRouter)
  .route("/", schedulesRouter)
  .route("/", metricsRouter);
