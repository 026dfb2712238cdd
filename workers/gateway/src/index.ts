import { observabilityRouter } from "./analytics/routes";
import { runHealthCron } from "./health/cron";
import { consumeLogs } from "./logs.queue";
import { gateway } from "./product";
import { proxyFetch } from "./proxy/handle";
import { adminRouter } from "./routes";
import { webRouter } from "./web/routes";

export { RateLimiter } from "@edgeworks/ratelimit";
export { ServiceHealth } from "./do/service-health";

gateway.v1.route("/", adminRouter);
gateway.v1.route("/", observabilityRouter);
// the dashboard page (/gateway/ and its hashed assets)
gateway.app.route("/", webRouter);

export default gateway.worker({
  // proxied traffic (/gw/{workspace}/…) answers before the admin app, without its guard or request logging
  fetch: proxyFetch,
  queue: consumeLogs,
  // active health checks: every service's ServiceHealth object is (re)armed
  scheduled: runHealthCron,
});
