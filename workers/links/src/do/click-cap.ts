import { DurableObject } from "cloudflare:workers";

const COUNT_KEY = "count";

/** The answer of `take`: whether this click may redirect, and how many have been let through. */
export interface CapDecision {
  allowed: boolean;
  count: number;
  /** True once no further click fits under the cap (this one may have been the last). */
  exhausted: boolean;
}

/**
 * The exact click cap of one link (`idFromName(linkId)`). A Durable Object runs one call at a time and
 * `take` neither awaits nor yields between reading and writing the count (synchronous SQLite-backed
 * KV), so of any number of concurrent clicks on a cap of N exactly N are allowed.
 * The cap is passed on each call, so raising it with PATCH takes effect at once.
 *
 * @example const d = await env.CLICK_CAP.get(env.CLICK_CAP.idFromName(link.id)).take(link.maxClicks);
 */
export class ClickCap extends DurableObject<Env> {
  /** Counts one click if the cap allows it. */
  async take(cap: number): Promise<CapDecision> {
    const count = this.ctx.storage.kv.get<number>(COUNT_KEY) ?? 0;
    if (count >= cap) return { allowed: false, count, exhausted: true };
    this.ctx.storage.kv.put(COUNT_KEY, count + 1);
    return { allowed: true, count: count + 1, exhausted: count + 1 >= cap };
  }

  /** Whether the cap is reached, without counting (the password form asks before showing itself). */
  async peek(cap: number): Promise<CapDecision> {
    const count = this.ctx.storage.kv.get<number>(COUNT_KEY) ?? 0;
    return { allowed: count < cap, count, exhausted: count >= cap };
  }
}
