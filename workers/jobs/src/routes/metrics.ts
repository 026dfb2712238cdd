import { createRouter } from "@edgeworks/http";
import { callerMetrics, PROMETHEUS_CONTENT_TYPE } from "../metrics";
import { depsOf, type JobsEnv } from "../product";
import { getMetricsRoute } from "./metrics.openapi";

/** GET /metrics: every queue of the caller in Prometheus' text format. */
export const metricsRouter = createRouter<JobsEnv>().openapi(getMetricsRoute, async (c) =>
  c.text(await callerMetrics(depsOf(c)), 200, { "Content-Type": PROMETHEUS_CONTENT_TYPE }),
);
