import { errors, isoDateTime, jsonResponse } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import { wsParams } from "../routes/schemas";
import { GROUP_BY } from "./queries";
import { RETENTION_DAYS } from "./retention";

// The observability operations of a workspace (any member: viewer and up): analytics over the raw logs,
// Prometheus metrics, and the health and breaker state of every service's targets.

const base = { tags: ["Observability"], security: [{ bearerAuth: [] }] };
const ms = (what: string) =>
  z
    .number()
    .nullable()
    .openapi({ description: `${what} latency in ms (nearest-rank, exact); null without requests` });
const stats = {
  count: z.number().int().openapi({ example: 1200 }),
  errors: z.number().int().openapi({ description: "Responses with a 5xx status", example: 12 }),
  errorRate: z.number().openapi({ description: "errors / count (0 without requests)", example: 0.01 }),
  p50: ms("Median"),
  p95: ms("95th percentile"),
  p99: ms("99th percentile"),
};

const analyticsQuery = z.object({
  from: isoDateTime()
    .optional()
    .openapi({ description: "Start (inclusive), ISO-8601 with a zone. Default: one hour before `to`", example: "2026-12-05T11:00:00Z" }),
  to: isoDateTime().optional().openapi({ description: "End (exclusive). Default: now", example: "2026-12-05T12:00:00Z" }),
  groupBy: z.enum(GROUP_BY).default("route").openapi({ description: "`minute`: a time series (ranges of at most 24 h)", example: "route" }),
});

const analyticsSchema = z
  .object({
    from: z.string().openapi({ format: "date-time" }),
    to: z.string().openapi({ format: "date-time" }),
    groupBy: z.enum(GROUP_BY),
    totals: z.object(stats).openapi("AnalyticsStats"),
    rows: z.array(
      z
        .object({
          key: z.string().nullable().openapi({
            description: "Route id, consumer id, status, or the minute's start (ISO); null: no route matched / anonymous",
            example: "rte_V1StGXR8",
          }),
          name: z
            .string()
            .nullable()
            .openapi({ description: "The route's or consumer's current name, when it still exists", example: "users" }),
          ...stats,
        })
        .openapi("AnalyticsRow"),
    ),
  })
  .openapi("Analytics");

export const getAnalyticsRoute = createRoute({
  ...base,
  operationId: "getWorkspaceAnalytics",
  method: "get",
  path: "/workspaces/{ws}/analytics",
  summary: "Request counts, error rate and latency percentiles",
  description:
    "Proxied requests of the workspace with `from ≤ time < to`, grouped by route, consumer, status or minute: " +
    "count, errors (5xx), error rate and exact p50/p95/p99 latency (nearest rank), plus the totals. Rows are by " +
    `count (minutes: in order). Logs arrive through a queue (seconds behind) and are kept ${RETENTION_DAYS} days; a range ` +
    `is at most ${RETENTION_DAYS} days (minute: 24 h), \`from\` before \`to\`, else 422.`,
  request: { params: wsParams, query: analyticsQuery },
  responses: { 200: jsonResponse(analyticsSchema, "The analytics of the range"), ...errors(401, 403, 404, 422) },
});

export const getMetricsRoute = createRoute({
  ...base,
  operationId: "getWorkspaceMetrics",
  method: "get",
  path: "/workspaces/{ws}/metrics",
  summary: "Prometheus metrics of the workspace",
  description:
    "Text exposition format 0.0.4: `gateway_requests_total{route,route_id,status}` and " +
    "`gateway_request_errors_total{route,route_id}` (counters since the workspace's first request), " +
    "`gateway_request_duration_seconds{route,route_id}` (histogram: `_bucket{le}`, `_sum`, `_count`), " +
    "`gateway_upstream_target_healthy{service,target}` (1/0) and `gateway_circuit_breaker_state{service,target,state}` " +
    '(1 for the current state). Requests that matched no route have `route="(unmatched)"`. Scrape with a `gateway:read` API key.',
  request: { params: wsParams },
  responses: {
    200: {
      description: "The metrics",
      content: {
        "text/plain": {
          schema: z.string().openapi({
            example:
              '# HELP gateway_requests_total Proxied requests, by route and response status.\n# TYPE gateway_requests_total counter\ngateway_requests_total{route="users",route_id="rte_V1StGXR8",status="200"} 42\n',
          }),
        },
      },
    },
    ...errors(401, 403, 404, 422),
  },
});

const iso = (description: string) => z.string().nullable().openapi({ format: "date-time", description });
const targetStatusSchema = z
  .object({
    targetId: z.string().openapi({ example: "tgt_V1StGXR8" }),
    url: z.string().nullable(),
    binding: z.string().nullable(),
    weight: z.number().int(),
    healthy: z.boolean(),
    breaker: z.enum(["closed", "open", "half-open"]),
    consecutiveFailures: z.number().int(),
    window: z
      .object({ requests: z.number().int(), errors: z.number().int(), slow: z.number().int() })
      .openapi({ description: "The breaker's current window: attempts, failed ones, ones at or over the p95 limit" }),
    openedAt: iso("When the breaker opened (null: not open)"),
    halfOpenAt: iso("When it turns half-open"),
    lastProbe: z
      .object({
        at: z.string().openapi({ format: "date-time" }),
        ok: z.boolean(),
        status: z.number().int().nullable(),
        error: z.string().nullable(),
      })
      .nullable()
      .openapi({ description: "The last active health check (null: none yet)" }),
  })
  .openapi("TargetStatus");
const statusSchema = z
  .object({
    version: z.number().int().openapi({ description: "The config version the services come from" }),
    services: z.array(
      z
        .object({
          serviceId: z.string(),
          name: z.string(),
          monitoring: z.object({ activeChecks: z.boolean(), passive: z.boolean(), breaker: z.boolean() }),
          available: z
            .boolean()
            .openapi({ description: "False when its health state could not be read (targets then show healthy/closed)" }),
          targets: z.array(targetStatusSchema),
        })
        .openapi("ServiceStatus"),
    ),
  })
  .openapi("WorkspaceStatus");

export const getStatusRoute = createRoute({
  ...base,
  operationId: "getWorkspaceStatus",
  method: "get",
  path: "/workspaces/{ws}/status",
  summary: "Health and circuit breaker state of every target",
  description:
    "Per service (by name), per target: in rotation or not (active and passive health checks), the breaker " +
    "(`closed`, `open`, `half-open`) with its current window, and the last active probe. At most ~1 s old.",
  request: { params: wsParams },
  responses: { 200: jsonResponse(statusSchema, "Every service's targets"), ...errors(401, 403, 404, 422) },
});
