import { sql } from "drizzle-orm";
import type { Db } from "../deps";
import { ERROR_STATUS_MIN } from "./record";

// Analytics over the raw logs of one workspace and time range: counts, errors and exact nearest-rank
// percentiles, per group and in total, in one statement (SQL window functions rank each group's latencies).

/** What a range can be grouped by; `minute` is the traffic chart's time series (epoch-ms minute starts). */
export const GROUP_BY = ["route", "consumer", "status", "minute"] as const;
export type GroupBy = (typeof GROUP_BY)[number];

/** The stats of a set of requests. Percentiles are null when there are none. */
export interface Stats {
  count: number;
  /** Responses with status ≥ ERROR_STATUS_MIN (500). */
  errors: number;
  /** errors / count, 0 when count is 0. */
  errorRate: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** One group: its key (route id, consumer id, status as text, or the minute's ISO start); null for none (no route, anonymous). */
export interface GroupStats extends Stats {
  key: string | null;
}

// fixed expressions, never user input: the groupBy value only picks one of them
const KEY_SQL: Record<GroupBy, string> = {
  route: "route_id",
  consumer: "consumer_id",
  status: "status",
  minute: "(at / 60000) * 60000",
};

/** Nearest-rank: the smallest latency whose rank is ≥ ceil(p·n/100) (integer arithmetic: SQLite may lack ceil()). */
const percentile = (p: number) => sql.raw(`min(CASE WHEN rn >= (${p} * n + 99) / 100 THEN l END)`);

interface Raw {
  total: number;
  k: string | number | null;
  count: number;
  errors: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

const statsOf = (r: Pick<Raw, "count" | "errors" | "p50" | "p95" | "p99">): Stats => ({
  count: r.count,
  errors: r.errors,
  errorRate: r.count === 0 ? 0 : r.errors / r.count,
  p50: r.p50,
  p95: r.p95,
  p99: r.p99,
});

/**
 * Requests of `workspaceId` with `from ≤ at < to` (epoch ms): totals and one row per group, exact.
 * Rows are by count (desc) then key, except `minute`, which is chronological. The caller bounds the range.
 *
 * @example const { totals, rows } = await analytics(db, ws.id, { from, to, groupBy: "route" });
 */
export async function analytics(
  db: Db,
  workspaceId: string,
  q: { from: number; to: number; groupBy: GroupBy },
): Promise<{ totals: Stats; rows: GroupStats[] }> {
  const key = sql.raw(KEY_SQL[q.groupBy]);
  const raw = await db.all<Raw>(sql`
    WITH base AS (
      SELECT ${key} AS k, latency_ms AS l, status FROM gateway_logs
      WHERE workspace_id = ${workspaceId} AND at >= ${q.from} AND at < ${q.to}
    ), ranked AS (
      SELECT 0 AS total, k, l, status, row_number() OVER (PARTITION BY k ORDER BY l) AS rn, count(*) OVER (PARTITION BY k) AS n FROM base
      UNION ALL
      SELECT 1 AS total, NULL AS k, l, status, row_number() OVER (ORDER BY l) AS rn, count(*) OVER () AS n FROM base
    )
    SELECT total, k, count(*) AS count, sum(status >= ${sql.raw(String(ERROR_STATUS_MIN))}) AS errors,
      ${percentile(50)} AS p50, ${percentile(95)} AS p95, ${percentile(99)} AS p99
    FROM ranked GROUP BY total, k`);
  const total = raw.find((r) => r.total === 1);
  const rows = raw
    .filter((r) => r.total === 0)
    .map((r) => ({ key: keyText(q.groupBy, r.k), ...statsOf(r) }))
    // ISO minutes sort chronologically as text
    .sort(q.groupBy === "minute" ? (a, b) => compareKeys(a.key, b.key) : byCountThenKey);
  return { totals: total ? statsOf(total) : statsOf({ count: 0, errors: 0, p50: null, p95: null, p99: null }), rows };
}

const keyText = (groupBy: GroupBy, k: string | number | null): string | null =>
  k === null ? null : groupBy === "minute" ? new Date(Number(k)).toISOString() : String(k);

/** null (none) first, then by code unit order. */
const compareKeys = (a: string | null, b: string | null): number => {
  const ka = a ?? "";
  const kb = b ?? "";
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

const byCountThenKey = (a: GroupStats, b: GroupStats): number => (a.count !== b.count ? b.count - a.count : compareKeys(a.key, b.key));
