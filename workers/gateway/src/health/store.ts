// The ServiceHealth object's SQLite storage: its schema and the row reads/writes its methods share.

import type { MigrationStep } from "@edgeworks/realtime";
import type { CompiledService } from "../contract";
import { type WindowCounts, windowStart } from "./breaker";
import { clearProbes } from "./leases";
import type { ProbeResult } from "./types";

/** The object's schema: append a step for every change, never edit a deployed one. */
export const HEALTH_MIGRATIONS: readonly MigrationStep[] = [
  `CREATE TABLE config (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL, service TEXT NOT NULL, configured_at INTEGER NOT NULL);
   CREATE TABLE targets (
     target_id TEXT PRIMARY KEY NOT NULL,
     healthy INTEGER NOT NULL DEFAULT 1,
     unhealthy_by TEXT,
     changed_at INTEGER,
     consecutive_failures INTEGER NOT NULL DEFAULT 0,
     probe_passes INTEGER NOT NULL DEFAULT 0,
     probe_failures INTEGER NOT NULL DEFAULT 0,
     last_probe TEXT,
     breaker TEXT NOT NULL DEFAULT 'closed',
     opened_at INTEGER,
     half_open_successes INTEGER NOT NULL DEFAULT 0
   );
   CREATE TABLE buckets (
     target_id TEXT NOT NULL, second INTEGER NOT NULL,
     requests INTEGER NOT NULL, errors INTEGER NOT NULL, slow INTEGER NOT NULL,
     PRIMARY KEY (target_id, second)
   ) WITHOUT ROWID;
   CREATE TABLE probes (id INTEGER PRIMARY KEY, target_id TEXT NOT NULL, expires_at INTEGER NOT NULL);`,
];

/** One row of `targets`. */
export interface TargetRow extends Record<string, SqlStorageValue> {
  target_id: string;
  healthy: number;
  /** "passive" | "active" while unhealthy. */
  unhealthy_by: string | null;
  changed_at: number | null;
  consecutive_failures: number;
  probe_passes: number;
  probe_failures: number;
  last_probe: string | null;
  breaker: "closed" | "open" | "half-open";
  opened_at: number | null;
  half_open_successes: number;
}

/** The stored config. */
export interface StoredConfig {
  version: number;
  service: CompiledService;
  configuredAt: number;
}

/**
 * The stored config (null before the first configure).
 *
 * @example const config = readConfig(ctx.storage.sql); if (config === null) return true;
 */
export function readConfig(sql: SqlStorage): StoredConfig | null {
  const row = sql.exec<{ version: number; service: string; configured_at: number }>("SELECT * FROM config").toArray()[0];
  return row === undefined ? null : { version: row.version, service: JSON.parse(row.service), configuredAt: row.configured_at };
}

/**
 * Stores the config and when it was (re)configured.
 *
 * @example writeConfig(sql, service, 7, now);
 */
export function writeConfig(sql: SqlStorage, service: CompiledService, version: number, now: number): void {
  sql.exec(
    "INSERT INTO config (id, version, service, configured_at) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version, service = excluded.service, configured_at = excluded.configured_at",
    version,
    JSON.stringify(service),
    now,
  );
}

/**
 * Every target row.
 *
 * @example for (const row of readTargets(sql)) console.log(row.target_id, row.breaker);
 */
export function readTargets(sql: SqlStorage): TargetRow[] {
  return sql.exec<TargetRow>("SELECT * FROM targets").toArray();
}

/**
 * One target row (null when the config has no such target).
 *
 * @example const row = readTarget(sql, "tgt_a"); if (row?.breaker === "open") return false;
 */
export function readTarget(sql: SqlStorage, targetId: string): TargetRow | null {
  return sql.exec<TargetRow>("SELECT * FROM targets WHERE target_id = ?", targetId).toArray()[0] ?? null;
}

/**
 * Writes the given columns of one target.
 *
 * @example updateTarget(sql, "tgt_a", { breaker: "open", opened_at: now });
 */
export function updateTarget(sql: SqlStorage, targetId: string, changes: Partial<Omit<TargetRow, "target_id">>): void {
  const columns = Object.keys(changes);
  if (columns.length === 0) return;
  // column names come from TargetRow's keys (our code), never from input
  sql.exec(
    `UPDATE targets SET ${columns.map((c) => `${c} = ?`).join(", ")} WHERE target_id = ?`,
    ...columns.map((c) => changes[c as keyof typeof changes] ?? null),
    targetId,
  );
}

/**
 * Keeps exactly the service's targets: new ones start healthy and closed, removed ones are forgotten.
 *
 * @example reconcileTargets(sql, service.targets.map((t) => t.id));
 */
export function reconcileTargets(sql: SqlStorage, targetIds: readonly string[]): void {
  const keep = new Set(targetIds);
  for (const row of readTargets(sql)) if (!keep.has(row.target_id)) forgetTarget(sql, row.target_id);
  for (const id of targetIds) sql.exec("INSERT INTO targets (target_id) VALUES (?) ON CONFLICT (target_id) DO NOTHING", id);
}

function forgetTarget(sql: SqlStorage, targetId: string): void {
  sql.exec("DELETE FROM targets WHERE target_id = ?", targetId);
  clearWindow(sql, targetId);
  clearProbes(sql, targetId);
}

/**
 * Adds one attempt to a target's bucket.
 *
 * @example addToBucket(sql, "tgt_a", Math.floor(now / 1000), true, false);
 */
export function addToBucket(sql: SqlStorage, targetId: string, second: number, failed: boolean, slow: boolean): void {
  sql.exec(
    "INSERT INTO buckets (target_id, second, requests, errors, slow) VALUES (?, ?, 1, ?, ?) ON CONFLICT (target_id, second) DO UPDATE SET requests = requests + 1, errors = errors + excluded.errors, slow = slow + excluded.slow",
    targetId,
    second,
    failed ? 1 : 0,
    slow ? 1 : 0,
  );
}

/**
 * A target's counts over the window ending now (older buckets are deleted on the way).
 *
 * @example const { requests, errors } = windowCounts(sql, "tgt_a", now, 30);
 */
export function windowCounts(sql: SqlStorage, targetId: string, now: number, windowSeconds: number): WindowCounts {
  const start = windowStart(now, windowSeconds);
  sql.exec("DELETE FROM buckets WHERE target_id = ? AND second < ?", targetId, start);
  const row = sql
    .exec<{ requests: number; errors: number; slow: number }>(
      "SELECT COALESCE(SUM(requests), 0) AS requests, COALESCE(SUM(errors), 0) AS errors, COALESCE(SUM(slow), 0) AS slow FROM buckets WHERE target_id = ?",
      targetId,
    )
    .one();
  return { requests: Number(row.requests), errors: Number(row.errors), slow: Number(row.slow) };
}

/**
 * Forgets a target's breaker window (every target's without `targetId`).
 *
 * @example clearWindow(sql, "tgt_a"); // the breaker just opened or closed
 */
export function clearWindow(sql: SqlStorage, targetId?: string): void {
  if (targetId === undefined) sql.exec("DELETE FROM buckets");
  else sql.exec("DELETE FROM buckets WHERE target_id = ?", targetId);
}

/**
 * The stored last probe, parsed.
 *
 * @example lastProbe: parseProbe(row.last_probe)
 */
export function parseProbe(text: string | null): ProbeResult | null {
  return text === null ? null : (JSON.parse(text) as ProbeResult);
}
