// What the ServiceHealth object does with its storage: passive health, breaker transitions, active-check
// results, probe leases and the states it answers. Synchronous SQL only, so every call is atomic.

import type { AttemptOutcome, CompiledService } from "../contract";
import { bucketOf, isSlow, shouldOpen } from "./breaker";
import { clearProbes, grantProbe, probesInFlight, releaseProbe } from "./leases";
import {
  addToBucket,
  clearWindow,
  parseProbe,
  readTarget,
  readTargets,
  reconcileTargets,
  type StoredConfig,
  updateTarget,
  windowCounts,
  writeConfig,
} from "./store";
import type { HealthStates, ProbeResult, TargetHealth } from "./types";

/** Without active checks, a target taken out by passive checks is let back in after this (ms) to try again. */
export const PASSIVE_RETRY_MS = 30_000;
/** A granted half-open probe whose outcome never arrives frees its slot after connect timeout + this (ms). */
export const PROBE_LEASE_EXTRA_MS = 10_000;

/**
 * Applies a config (unless older than the stored one); resets what the new config no longer watches.
 *
 * @example const applied = storage.transactionSync(() => applyConfig(sql, readConfig(sql), service, 7, now));
 */
export function applyConfig(sql: SqlStorage, stored: StoredConfig | null, service: CompiledService, version: number, now: number): boolean {
  if (stored !== null && version < stored.version) return false;
  writeConfig(sql, service, version, now);
  reconcileTargets(
    sql,
    service.targets.map((t) => t.id),
  );
  const before = stored?.service;
  if (service.breaker === null) {
    sql.exec("UPDATE targets SET breaker = 'closed', opened_at = NULL, half_open_successes = 0");
    clearWindow(sql);
    clearProbes(sql);
  } else if (JSON.stringify(before?.breaker ?? null) !== JSON.stringify(service.breaker)) {
    // the counts were judged against the old limits (slow is relative to p95LatencyMs): start afresh
    clearWindow(sql);
  }
  if (service.passiveUnhealthyThreshold === 0) restore(sql, "passive", now);
  if (service.healthCheck === null) restore(sql, "active", now);
  return true;
}

function restore(sql: SqlStorage, by: "passive" | "active", now: number): void {
  sql.exec(
    "UPDATE targets SET healthy = 1, unhealthy_by = NULL, changed_at = ?, consecutive_failures = 0 WHERE healthy = 0 AND unhealthy_by = ?",
    now,
    by,
  );
}

/**
 * Moves what time has changed: open breakers past openSeconds → half-open; passive outs past their retry → back in.
 *
 * @example settle(sql, config, now); // then read the targets
 */
export function settle(sql: SqlStorage, config: StoredConfig, now: number): void {
  const { breaker, healthCheck } = config.service;
  if (breaker !== null) {
    sql.exec(
      "UPDATE targets SET breaker = 'half-open', half_open_successes = 0 WHERE breaker = 'open' AND opened_at + ? <= ?",
      breaker.openSeconds * 1000,
      now,
    );
  }
  if (healthCheck === null) {
    sql.exec(
      "UPDATE targets SET healthy = 1, unhealthy_by = NULL, changed_at = ?, consecutive_failures = 0 WHERE healthy = 0 AND unhealthy_by = 'passive' AND changed_at + ? <= ?",
      now,
      PASSIVE_RETRY_MS,
      now,
    );
  }
}

/**
 * Records live attempts: consecutive failures (passive health) and the breaker's window or half-open probes.
 *
 * @example storage.transactionSync(() => recordOutcomes(sql, config, outcomes, now));
 */
export function recordOutcomes(sql: SqlStorage, config: StoredConfig, outcomes: readonly AttemptOutcome[], now: number): void {
  const { breaker, passiveUnhealthyThreshold: threshold } = config.service;
  settle(sql, config, now);
  for (const outcome of outcomes) {
    const row = readTarget(sql, outcome.targetId);
    if (row === null) continue; // a target this config no longer has
    if (threshold > 0) {
      const failures = outcome.failed ? row.consecutive_failures + 1 : 0;
      const out = row.healthy === 1 && failures >= threshold;
      updateTarget(sql, row.target_id, {
        consecutive_failures: failures,
        ...(out ? { healthy: 0, unhealthy_by: "passive", changed_at: now, probe_passes: 0, probe_failures: 0 } : {}),
      });
    }
    if (breaker === null) continue;
    if (row.breaker === "closed") {
      addToBucket(sql, row.target_id, bucketOf(outcome.at, now, breaker.windowSeconds), outcome.failed, isSlow(breaker, outcome));
      if (shouldOpen(breaker, windowCounts(sql, row.target_id, now, breaker.windowSeconds))) openBreaker(sql, row.target_id, now);
    } else if (row.breaker === "half-open") {
      // every outcome for a half-open target is a probe's: one failure reopens, halfOpenProbes successes close
      releaseProbe(sql, row.target_id);
      if (outcome.failed) openBreaker(sql, row.target_id, now);
      else if (row.half_open_successes + 1 >= breaker.halfOpenProbes) closeBreaker(sql, row.target_id);
      else updateTarget(sql, row.target_id, { half_open_successes: row.half_open_successes + 1 });
    } // open: an attempt that started before it opened says nothing new
  }
}

function openBreaker(sql: SqlStorage, targetId: string, now: number): void {
  updateTarget(sql, targetId, { breaker: "open", opened_at: now, half_open_successes: 0 });
  clearWindow(sql, targetId);
  clearProbes(sql, targetId);
}

function closeBreaker(sql: SqlStorage, targetId: string): void {
  updateTarget(sql, targetId, { breaker: "closed", opened_at: null, half_open_successes: 0 });
  clearWindow(sql, targetId);
  clearProbes(sql, targetId);
}

/**
 * Grants a half-open probe when fewer than halfOpenProbes are in flight; closed → yes, open → no.
 *
 * @example const granted = storage.transactionSync(() => acquire(sql, config, "tgt_a", now));
 */
export function acquire(sql: SqlStorage, config: StoredConfig, targetId: string, now: number): boolean {
  const { breaker, connectTimeoutMs } = config.service;
  if (breaker === null) return true;
  settle(sql, config, now);
  const row = readTarget(sql, targetId);
  if (row === null || row.breaker === "closed") return true;
  if (row.breaker === "open") return false;
  if (probesInFlight(sql, targetId, now) >= breaker.halfOpenProbes) return false;
  grantProbe(sql, targetId, now + connectTimeoutMs + PROBE_LEASE_EXTRA_MS);
  return true;
}

/**
 * Records one active health-check probe: unhealthyThreshold failures in a row out, healthyThreshold passes in a row back.
 *
 * @example recordProbe(sql, config, "tgt_a", { at: now, ok: false, status: 503, error: "status 503" }, now);
 */
export function recordProbe(sql: SqlStorage, config: StoredConfig, targetId: string, result: ProbeResult, now: number): void {
  const check = config.service.healthCheck;
  const row = readTarget(sql, targetId);
  if (check === null || row === null) return;
  const passes = result.ok ? row.probe_passes + 1 : 0;
  const failures = result.ok ? 0 : row.probe_failures + 1;
  const back = row.healthy === 0 && passes >= check.healthyThreshold;
  const out = row.healthy === 1 && failures >= check.unhealthyThreshold;
  updateTarget(sql, targetId, {
    probe_passes: passes,
    probe_failures: failures,
    last_probe: JSON.stringify(result),
    ...(back ? { healthy: 1, unhealthy_by: null, changed_at: now, consecutive_failures: 0 } : {}),
    ...(out ? { healthy: 0, unhealthy_by: "active", changed_at: now } : {}),
  });
}

/**
 * Every target's state and numbers, in the service's target order.
 *
 * @example return statesOf(sql, readConfig(sql), now);
 */
export function statesOf(sql: SqlStorage, config: StoredConfig | null, now: number): HealthStates {
  if (config === null) return { version: null, at: now, targets: {} };
  settle(sql, config, now);
  const { breaker } = config.service;
  const rows = new Map(readTargets(sql).map((r) => [r.target_id, r]));
  const targets: Record<string, TargetHealth> = {};
  for (const { id } of config.service.targets) {
    const row = rows.get(id);
    if (row === undefined) continue;
    const open = row.breaker === "open" && breaker !== null && row.opened_at !== null;
    targets[id] = {
      targetId: id,
      healthy: row.healthy === 1,
      breaker: row.breaker,
      consecutiveFailures: row.consecutive_failures,
      window: breaker === null ? { requests: 0, errors: 0, slow: 0 } : windowCounts(sql, id, now, breaker.windowSeconds),
      openedAt: row.opened_at,
      halfOpenAt: open ? (row.opened_at as number) + breaker.openSeconds * 1000 : null,
      probesInFlight: row.breaker === "half-open" ? probesInFlight(sql, id, now) : 0,
      changedAt: row.changed_at,
      lastProbe: parseProbe(row.last_probe),
    };
  }
  return { version: config.version, at: now, targets };
}
