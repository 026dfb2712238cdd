import { drainMail } from "@edgeworks/mail";
import { runJobs } from "./engine/runner";
import { jobs } from "./product";
import { apiRouter } from "./routes";
import { liveOpenRouter, liveRouter } from "./web/live.routes";
import { webRouter } from "./web/routes";

export { RateLimiter } from "@edgeworks/ratelimit";
export { QueueScheduler } from "./engine/scheduler";

jobs.open.route("/", liveOpenRouter);
jobs.v1.route("/", apiRouter);
jobs.v1.route("/", liveRouter);
// the dashboard page (/jobs/ and its hashed assets), built by scripts/prepare.mjs
jobs.app.route("/", webRouter);

export default jobs.worker({
  queue: runJobs,
  // email.send drains the outbox itself; the cron sends what a failed drain left behind
  scheduled: async (_controller, env) => {
    await drainMail(env);
  },
});
