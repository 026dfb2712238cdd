import { DurableObject } from "cloudflare:workers";
import { gcra, type RateDecision, type RatePolicy } from "./gcra";

const TAT_KEY = "tat";

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
      void this.ctx.storage.setAlarm(tat);
    }
    return decision;
  }

  /** Forgets this key (e.g. after a successful login, clear the failure counter). */
  async reset(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }

  override async alarm(): Promise<void> {
    const tat = this.ctx.storage.kv.get<number>(TAT_KEY) ?? 0;
    if (Date.now() >= tat) await this.ctx.storage.deleteAll();
    else await this.ctx.storage.setAlarm(tat);
  }
}
