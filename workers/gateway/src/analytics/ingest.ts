import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../deps";
import { ERROR_STATUS_MIN, type LogRecord } from "./record";
import { gatewayLogs, gatewayLogTotals } from "./schema";
import { BUCKETS_MS } from "./totals";

// Writing a queue batch of log records: two statements that read the whole batch from one JSON parameter
// (json_each), so 100 records are 2 statements, not 100 (D1 caps a statement at 100 bound parameters).
// Both run in the caller's one db.batch (a transaction), together with the retention step.

/** A record with the Queue message id it arrived in (the row's primary key: redelivery inserts nothing twice). */
export interface LogEntry {
  id: string;
  record: LogRecord;
}

const field = (name: string): SQL => sql.raw(`json_extract(value, '$.${name}')`);

/** The table's columns in order, each from its record field (insert … select fills every column in order). */
const ROW_FIELDS = [
  "id",
  "workspaceId",
  "requestId",
  "at",
  "routeId",
  "serviceId",
  "consumerId",
  "method",
  "path",
  "status",
  "latencyMs",
  "upstreamLatencyMs",
  "targetId",
  "cache",
  "bytesIn",
  "bytesOut",
  "error",
] as const satisfies readonly (keyof typeof gatewayLogs.$inferInsert)[];

/**
 * Adds the batch to the running totals, counting only records not stored yet (a redelivered batch whose
 * first delivery committed changes nothing). Must run before {@link insertLogs} in the same batch.
 */
export function addToTotals(db: Db, json: string) {
  const latency = field("latencyMs");
  const buckets = BUCKETS_MS.map((le) => sql`sum(${latency} <= ${sql.raw(String(le))})`);
  const added = (column: string) => sql.raw(`${column} + excluded.${column}`);
  return db
    .insert(gatewayLogTotals)
    .select(
      sql`SELECT ${field("workspaceId")} AS w, coalesce(${field("routeId")}, '') AS r, ${field("status")} AS s,
        count(*), sum(${field("status")} >= ${sql.raw(String(ERROR_STATUS_MIN))}), sum(${latency}), ${sql.join(buckets, sql`, `)}
      FROM json_each(${json})
      WHERE NOT EXISTS (SELECT 1 FROM gateway_logs g WHERE g.id = ${field("id")})
      GROUP BY w, r, s`,
    )
    .onConflictDoUpdate({
      target: [gatewayLogTotals.workspaceId, gatewayLogTotals.routeId, gatewayLogTotals.status],
      set: {
        requests: added("requests"),
        errors: added("errors"),
        latencyMsSum: added("latency_ms_sum"),
        ...Object.fromEntries(BUCKETS_MS.map((le) => [`le${le}`, added(`le_${le}`)])),
      },
    });
}

/** Stores the raw rows; a message id already stored is skipped. */
export function insertLogs(db: Db, json: string) {
  const values = sql.join(
    ROW_FIELDS.map((f) => field(f)),
    sql`, `,
  );
  // `WHERE true` lets SQLite parse the conflict clause after a SELECT
  return db.insert(gatewayLogs).select(sql`SELECT ${values} FROM json_each(${json}) WHERE true`).onConflictDoNothing();
}

/** The batch as the one JSON parameter both statements read. */
export const batchJson = (entries: LogEntry[]): string => JSON.stringify(entries.map((e) => ({ ...e.record, id: e.id })));
