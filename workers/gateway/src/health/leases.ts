// Half-open probe leases in the ServiceHealth object's storage: a granted probe holds a slot until its outcome
// is reported or its lease runs out (a probe whose request died must not hold the slot forever).

/**
 * Half-open probes granted and not yet reported (nor expired).
 *
 * @example if (probesInFlight(sql, "tgt_a", now) >= breaker.halfOpenProbes) return false;
 */
export function probesInFlight(sql: SqlStorage, targetId: string, now: number): number {
  sql.exec("DELETE FROM probes WHERE expires_at <= ?", now);
  return Number(sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM probes WHERE target_id = ?", targetId).one().n);
}

/**
 * Records a granted half-open probe with the time its slot frees itself.
 *
 * @example grantProbe(sql, "tgt_a", now + 15_000);
 */
export function grantProbe(sql: SqlStorage, targetId: string, expiresAt: number): void {
  sql.exec("INSERT INTO probes (target_id, expires_at) VALUES (?, ?)", targetId, expiresAt);
}

/**
 * A probe's outcome arrived: its lease (the oldest) is released.
 *
 * @example releaseProbe(sql, "tgt_a");
 */
export function releaseProbe(sql: SqlStorage, targetId: string): void {
  sql.exec("DELETE FROM probes WHERE id = (SELECT id FROM probes WHERE target_id = ? ORDER BY id LIMIT 1)", targetId);
}

/**
 * Drops a target's probe leases (every target's without `targetId`).
 *
 * @example clearProbes(sql); // every target
 */
export function clearProbes(sql: SqlStorage, targetId?: string): void {
  if (targetId === undefined) sql.exec("DELETE FROM probes");
  else sql.exec("DELETE FROM probes WHERE target_id = ?", targetId);
}
