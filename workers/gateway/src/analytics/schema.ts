import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

// The log tables of the gateway's analytics (migrations/gateway/0002_logs.sql says the same; the drift
// check in test/conformance.test.ts compares them). src/schema.ts re-exports this module.

/**
 * One row per proxied request (a ProxyLogRecord), kept RETENTION_DAYS (analytics/retention.ts). `id` is the
 * Queue message id, so a redelivered batch inserts nothing twice. Times are epoch ms.
 */
export const gatewayLogs = sqliteTable(
  "gateway_logs",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull(),
    requestId: text("request_id").notNull(),
    at: integer("at").notNull(),
    routeId: text("route_id"),
    serviceId: text("service_id"),
    consumerId: text("consumer_id"),
    method: text("method").notNull(),
    path: text("path").notNull(),
    status: integer("status").notNull(),
    latencyMs: integer("latency_ms").notNull(),
    upstreamLatencyMs: integer("upstream_latency_ms"),
    targetId: text("target_id"),
    cache: text("cache"),
    bytesIn: integer("bytes_in").notNull(),
    bytesOut: integer("bytes_out").notNull(),
    error: text("error"),
  },
  (t) => [
    // every analytics query is one workspace's time range
    index("gateway_logs_workspace_at").on(t.workspaceId, t.at),
    // retention deletes the oldest rows of every workspace
    index("gateway_logs_at").on(t.at),
  ],
);

/**
 * Running totals per (workspace, route, status) since the workspace's first request: the Prometheus
 * counters and latency histogram, which must never go down (raw logs are pruned, these are not).
 * `route_id` is "" for requests that matched no route. `le_*` are cumulative: requests with latency ≤ N ms.
 */
export const gatewayLogTotals = sqliteTable(
  "gateway_log_totals",
  {
    workspaceId: text("workspace_id").notNull(),
    routeId: text("route_id").notNull(),
    status: integer("status").notNull(),
    requests: integer("requests").notNull(),
    errors: integer("errors").notNull(),
    latencyMsSum: integer("latency_ms_sum").notNull(),
    le5: integer("le_5").notNull(),
    le10: integer("le_10").notNull(),
    le25: integer("le_25").notNull(),
    le50: integer("le_50").notNull(),
    le100: integer("le_100").notNull(),
    le250: integer("le_250").notNull(),
    le500: integer("le_500").notNull(),
    le1000: integer("le_1000").notNull(),
    le2500: integer("le_2500").notNull(),
    le5000: integer("le_5000").notNull(),
    le10000: integer("le_10000").notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.routeId, t.status] })],
);

export type GatewayLogRow = typeof gatewayLogs.$inferSelect;
export type GatewayLogTotalsRow = typeof gatewayLogTotals.$inferSelect;
