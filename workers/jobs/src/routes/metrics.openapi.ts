import { errors } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";

export const getMetricsRoute = createRoute({
  tags: ["Metrics"],
  security: [{ bearerAuth: [] }],
  operationId: "getMetrics",
  method: "get",
  path: "/metrics",
  summary: "Prometheus metrics of the caller's queues",
  description:
    "Text exposition format 0.0.4: `jobs_queue_jobs{queue,state}` (gauge), `jobs_completed_total{queue}` and " +
    "`jobs_failed_total{queue}` (counters), `jobs_wait_seconds` and `jobs_run_seconds` (histograms: `_bucket{le}`, " +
    "`_sum`, `_count`). Scrape with a `jobs:read` API key as the Bearer token.",
  responses: {
    200: {
      description: "The metrics",
      content: {
        "text/plain": {
          schema: z.string().openapi({
            example:
              '# HELP jobs_queue_jobs Jobs in each state, per queue.\n# TYPE jobs_queue_jobs gauge\njobs_queue_jobs{queue="emails",state="waiting"} 3\n',
          }),
        },
      },
    },
    ...errors(401, 403),
  },
});
