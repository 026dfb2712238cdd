import { DurableObject } from "cloudflare:workers";
import { gcra, type RateDecision, type RatePolicy } from "./gcra";
import { fixedWindow, slidingWindow, type WindowPolicy, type WindowState } from "./windows";

const TAT_KEY = "tat";
/** When the state of every {@link RateLimiter.decide} limit can be forgotten (epoch ms). */
const EXPIRES_KEY = "exp";
const MAX_LIMITS = 4;
const CLEANUP_GRACE_MS = 60_000;

/** One limit of a {@link RateLimiter.decide} call: its name (its state's key inside the object) and algorithm. */
export type LimitSpec =
  | { name: string; algorithm: "gcra"; policy: RatePolicy }
  | { name: string; algorithm: "fixed-window" | "sliding-window"; policy: WindowPolicy };

/** The outcome of a {@link RateLimiter.decide} call: allowed only when every limit allows, with each limit's decision. */
export interface MultiDecision {
  allowed: boolean;
  decisions: RateDecision[];
}

type Stored = { a: "gcra"; s: number } | { a: "fixed-window" | "sliding-window"; s: WindowState };

/**
 * One instance per rate-limited key (`idFromName(key)`). A Durable Object runs one request at a time
 * and `consume` does not await between reading and writing the state, so decisions are exact under
 * any concurrency: of N+1 simultaneous calls against a limit of N, exactly one is refused.
 * State lives in SQLite-backed synchronous KV and is deleted by an alarm once the bucket is full again.
 *
 * @example
 * export { RateLimiter } from "@edgeworks/ratelimit"; // in a Worker's index.ts
 */
export class RateLimiter extends DurableObject {
  /** Takes `cost` tokens for this key under `policy`, or refuses. */
  async consume(policy: RatePolicy, cost = 1): Promise<RateDecision> {
    const now = Date.now();
    const prev = this.ctx.storage.kv.get<number>(TAT_KEY) ?? 0;
    const { decision, tat } = gcra(prev, now, policy, cost);
    if (tat !== prev) {
      this.ctx.storage.kv.put(TAT_KEY, tat);
      // no await: output gates hold the response until the write is durable
      void this.ctx.storage.setAlarm(Math.max(tat, this.ctx.storage.kv.get<number>(EXPIRES_KEY) ?? 0));
    }
    return decision;
  }

  /**
   * Takes `cost` from every limit at once (e.g. a per-minute rate and a monthly quota of one client), or
   * from none: a request refused by one limit does not count against the others. `at` is the caller's
   * clock (default: this object's); a clock behind a limit's stored window counts in that window.
   * Limits are kept by name; a name whose algorithm changed starts afresh. At most 4 limits.
   *
   * @example const { allowed, decisions } = await stub.decide([{ name: "rate", algorithm: "sliding-window", policy: { limit: 10, windowMs: 60_000 } }]);
   */
  async decide(limits: LimitSpec[], cost = 1, at?: number): Promise<MultiDecision> {
    if (limits.length === 0 || limits.length > MAX_LIMITS) throw new RangeError(`decide takes 1..${MAX_LIMITS} limits`);
    const now = at ?? Date.now();
    const kv = this.ctx.storage.kv;
    const steps = limits.map((limit) => {
      const stored = kv.get<Stored>(`lim:${limit.name}`);
      if (limit.algorithm === "gcra") {
        const prev = stored?.a === "gcra" ? stored.s : 0;
        const { decision, tat } = gcra(prev, now, limit.policy, cost);
        return { decision, stored: { a: "gcra", s: tat } as Stored, expiresAt: tat };
      }
      const prev = stored?.a === limit.algorithm ? stored.s : undefined;
      const step = (limit.algorithm === "fixed-window" ? fixedWindow : slidingWindow)(prev, now, limit.policy, cost);
      return { decision: step.decision, stored: { a: limit.algorithm, s: step.state } as Stored, expiresAt: step.expiresAt };
    });
    const allowed = steps.every((s) => s.decision.allowed);
    if (allowed) {
      let expires = kv.get<number>(EXPIRES_KEY) ?? 0;
      // the alarm runs on this object's clock, a minute after the state stops mattering: callers' clocks
      // (`at`) may lag this one a little, and a window must not be forgotten while one of them is still in it
      const real = Date.now() + CLEANUP_GRACE_MS;
      limits.forEach((limit, i) => {
        const step = steps[i];
        if (!step) return;
        kv.put(`lim:${limit.name}`, step.stored);
        expires = Math.max(expires, real + (step.expiresAt - now));
      });
      kv.put(EXPIRES_KEY, expires);
      void this.ctx.storage.setAlarm(Math.max(expires, kv.get<number>(TAT_KEY) ?? 0));
    }
    // when refused, a limit that would have allowed reports `remaining` as if taken: callers show the refusing one
    return { allowed, decisions: steps.map((s) => s.decision) };
  }

  /** Forgets this key (e.g. after a successful login, clear the failure counter). */
  async reset(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }

  override async alarm(): Promise<void> {
    const until = Math.max(this.ctx.storage.kv.get<number>(TAT_KEY) ?? 0, this.ctx.storage.kv.get<number>(EXPIRES_KEY) ?? 0);
    if (Date.now() >= until) await this.ctx.storage.deleteAll();
    else await this.ctx.storage.setAlarm(until);
  }
}
