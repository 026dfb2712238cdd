import { DurableObject } from "cloudflare:workers";
import { migrate } from "@edgeworks/realtime";
import type { AttemptOutcome, CompiledService } from "../contract";
import { acquire, applyConfig, recordOutcomes, recordProbe, statesOf } from "../health/engine";
import { defaultFetcher, probeTarget, type TargetFetcher } from "../health/probe";
import { HEALTH_MIGRATIONS, readConfig } from "../health/store";
import type { HealthStates } from "../health/types";

/**
 * An object whose config has not been refreshed for this long (ms) stops its active checks: its service was
 * deleted or its workspace is gone (the cron configures every live service every minute).
 */
export const STALE_CONFIG_MS = 3 * 60_000;

/** Most outcomes one report() takes (a request makes at most 1 + 5 retries; a batch of several requests fits too). */
const MAX_OUTCOMES = 1000;

/**
 * One object per service (`idFromName(workspaceId + "/" + serviceId)`): its targets' health and circuit
 * breakers, in its own SQLite storage (realtime's `migrate`). The proxy's isolates read `states()` (cached
 * ≤ 1 s), send each request's attempt outcomes to `report()`, and ask `acquireProbe()` for half-open targets;
 * `configure()` (on publish and every cron minute) sets the config and arms the active checks, which the
 * alarm runs every `intervalSeconds`. RPC methods return plain values: their input is the gateway's own
 * compiled config, so there is no expected failure to carry as a Result.
 *
 * @example const states = await env.SERVICE_HEALTH.get(env.SERVICE_HEALTH.idFromName(`${ws}/${svc}`)).states();
 */
export class ServiceHealth extends DurableObject<Env> {
  /** The object's clock (epoch ms) for every decision; tests replace it through runInDurableObject. */
  now: () => number = Date.now;
  /** How active checks reach a target (the proxy's SSRF-checked fetchTarget; tests may replace it). */
  fetcher: TargetFetcher = defaultFetcher;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // no call reaches the object before its storage is migrated
    ctx.blockConcurrencyWhile(async () => migrate(ctx.storage, HEALTH_MIGRATIONS));
  }

  /**
   * Sets the service's config for `version` (ignored, false, when older than the stored one, so a late call
   * from an isolate on an old snapshot never undoes a newer config); new targets start healthy and closed,
   * removed ones are forgotten. Arms the active checks (first run one interval from now) or clears them.
   */
  async configure(service: CompiledService, version: number): Promise<boolean> {
    const sql = this.ctx.storage.sql;
    const stored = readConfig(sql);
    const applied = this.ctx.storage.transactionSync(() => applyConfig(sql, stored, service, version, this.now()));
    if (!applied) return false;
    const check = service.healthCheck;
    if (check === null) {
      await this.ctx.storage.deleteAlarm();
      return true;
    }
    // the alarm runs on the runtime's clock, not the injectable one
    const next = Date.now() + check.intervalSeconds * 1000;
    const armed = await this.ctx.storage.getAlarm();
    const intervalChanged = stored?.service.healthCheck?.intervalSeconds !== check.intervalSeconds;
    if (armed === null || intervalChanged || armed > next) await this.ctx.storage.setAlarm(next);
    return true;
  }

  /** Records attempt outcomes (passive health, breaker windows, half-open probes); returns the states after them. */
  async report(outcomes: AttemptOutcome[]): Promise<HealthStates> {
    const sql = this.ctx.storage.sql;
    const config = readConfig(sql);
    const now = this.now();
    if (config !== null && Array.isArray(outcomes)) {
      this.ctx.storage.transactionSync(() => recordOutcomes(sql, config, outcomes.slice(0, MAX_OUTCOMES), now));
    }
    return statesOf(sql, config, now);
  }

  /**
   * Whether a request may go to `targetId` now: true for a closed breaker (or none), false for an open one;
   * for a half-open one, true for at most `halfOpenProbes` requests at once (a granted probe's slot is freed
   * when its outcome is reported, or after connectTimeoutMs + 10 s if it never is).
   */
  async acquireProbe(targetId: string): Promise<boolean> {
    const sql = this.ctx.storage.sql;
    const config = readConfig(sql);
    if (config === null) return true;
    return this.ctx.storage.transactionSync(() => acquire(sql, config, targetId, this.now()));
  }

  /** Every target's state with its numbers (`{ version: null, targets: {} }` before the first configure). */
  async states(): Promise<HealthStates> {
    const sql = this.ctx.storage.sql;
    return this.ctx.storage.transactionSync(() => statesOf(sql, readConfig(sql), this.now()));
  }

  /** The active checks: every target probed at once; re-armed for the next interval unless the config went stale. */
  override async alarm(): Promise<void> {
    const sql = this.ctx.storage.sql;
    const config = readConfig(sql);
    const check = config?.service.healthCheck ?? null;
    if (config === null || check === null || this.now() - config.configuredAt > STALE_CONFIG_MS) return;
    // armed first: a probe that hangs past the interval must not stop the next round
    await this.ctx.storage.setAlarm(Date.now() + check.intervalSeconds * 1000);
    const targets = config.service.targets;
    const results = await Promise.all(
      targets.map(async (t) => ({ id: t.id, result: await probeTarget(this.env, this.fetcher, t, check, this.now) })),
    );
    // the config may have changed while the probes were out: record against the current one
    const current = readConfig(sql);
    if (current === null) return;
    this.ctx.storage.transactionSync(() => {
      for (const { id, result } of results) recordProbe(sql, current, id, result, this.now());
    });
  }
}
