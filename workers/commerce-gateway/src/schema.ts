import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * The log sink: one row per structured log entry any commerce service shipped to `edgeworks-commerce-logs`
 * (contracts `logEntry`). `id` is the queue message id, so a redelivered message is stored once. Times are
 * epoch milliseconds; `fields` is JSON cut to 4 KB. Kept LOG_RETENTION_DAYS (7) days by the daily cron.
 * The source of truth for tables and indexes: migrations/commerce-gateway/*.sql must say the same
 * (test/conformance.test.ts compares them).
 */
export const logs = sqliteTable(
  "logs",
  {
    id: text("id").primaryKey(),
    time: integer("time").notNull(),
    level: text("level").notNull(),
    service: text("service").notNull(),
    msg: text("msg").notNull(),
    requestId: text("request_id"),
    correlationId: text("correlation_id"),
    fields: text("fields").notNull(),
    receivedAt: integer("received_at").notNull(),
  },
  (t) => [
    // one order's logs across services, oldest first, keyset on (time, id)
    index("logs_correlation_time").on(t.correlationId, t.time, t.id),
    // one request's logs
    index("logs_request_time").on(t.requestId, t.time, t.id),
    // the unfiltered listing and the retention prune
    index("logs_time").on(t.time, t.id),
  ],
);

export type LogRow = typeof logs.$inferSelect;
