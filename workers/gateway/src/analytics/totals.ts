import { eq } from "drizzle-orm";
import type { Db } from "../deps";
import { type GatewayLogTotalsRow, gatewayLogTotals } from "./schema";

/** Latency histogram bounds in ms (Prometheus' default buckets, 5 ms .. 10 s); one `le_<ms>` column each. */
export const BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000] as const;

/** One (route, status) line of a workspace's running totals. */
export interface TotalsLine {
  /** null: requests that matched no route. */
  routeId: string | null;
  status: number;
  requests: number;
  errors: number;
  latencyMsSum: number;
  /** Cumulative: `buckets[i]` = requests with latency ≤ BUCKETS_MS[i]. */
  buckets: number[];
}

const bucketsOf = (row: GatewayLogTotalsRow): number[] => BUCKETS_MS.map((le) => row[`le${le}`]);

/**
 * The workspace's running totals (never pruned, so counters only go up), by route then status.
 *
 * @example const lines = await readTotals(db, ws.id);
 */
export async function readTotals(db: Db, workspaceId: string): Promise<TotalsLine[]> {
  const rows = await db
    .select()
    .from(gatewayLogTotals)
    .where(eq(gatewayLogTotals.workspaceId, workspaceId))
    .orderBy(gatewayLogTotals.routeId, gatewayLogTotals.status);
  return rows.map((row) => ({
    routeId: row.routeId === "" ? null : row.routeId,
    status: row.status,
    requests: row.requests,
    errors: row.errors,
    latencyMsSum: row.latencyMsSum,
    buckets: bucketsOf(row),
  }));
}
