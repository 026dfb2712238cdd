import { sql } from "drizzle-orm";
import type { Db } from "../deps";
import { gatewayLogs } from "./schema";

/** Raw request logs are kept this long; analytics ranges can reach back this far (the running totals stay). */
export const RETENTION_DAYS = 7;
export const RETENTION_MS = RETENTION_DAYS * 24 * 60 * 60 * 1000;
/**
 * Rows deleted at most per queue batch: ten times the largest batch (100), so retention keeps up with any
 * ingest rate while each batch's transaction stays small.
 */
export const PRUNE_LIMIT = 1000;

/**
 * Deletes up to PRUNE_LIMIT of the oldest rows older than RETENTION_DAYS (the `at` index finds them; when
 * there are none it costs one index probe). The log consumer runs it in every batch's transaction, so no
 * cron is needed.
 *
 * @example await db.batch([addToTotals(db, json), insertLogs(db, json), pruneLogs(db, Date.now())]);
 */
export function pruneLogs(db: Db, now: number) {
  return db
    .delete(gatewayLogs)
    .where(sql`${gatewayLogs.id} IN (SELECT id FROM gateway_logs WHERE at < ${now - RETENTION_MS} ORDER BY at LIMIT ${PRUNE_LIMIT})`);
}
