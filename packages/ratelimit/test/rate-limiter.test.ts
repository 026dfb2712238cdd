import { env, runDurableObjectAlarm, runInDurableObject, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { consumeRateLimit, rateLimitHeaders } from "../src";

describe("RateLimiter Durable Object", () => {
  it.each([1, 5, 25])("is exact under concurrency: a limit of %i allows exactly that many of limit+1 simultaneous calls", async (n) => {
    const key = `exact:${n}:${crypto.randomUUID()}`;
    const policy = { limit: n, periodMs: 3_600_000 };
    const decisions = await Promise.all(Array.from({ length: n + 1 }, () => consumeRateLimit(env.RATE_LIMITER, key, policy)));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(n);
    const refused = decisions.filter((d) => !d.allowed);
    expect(refused).toHaveLength(1);
    expect(refused[0]?.retryAfterMs).toBeGreaterThan(0);
  });

  it("keeps keys independent", async () => {
    const policy = { limit: 1, periodMs: 60_000 };
    const a = await consumeRateLimit(env.RATE_LIMITER, `a:${crypto.randomUUID()}`, policy);
    const b = await consumeRateLimit(env.RATE_LIMITER, `b:${crypto.randomUUID()}`, policy);
    expect([a.allowed, b.allowed]).toEqual([true, true]);
  });

  it("reset() forgets a key", async () => {
    const key = `reset:${crypto.randomUUID()}`;
    const policy = { limit: 1, periodMs: 60_000 };
    await consumeRateLimit(env.RATE_LIMITER, key, policy);
    expect((await consumeRateLimit(env.RATE_LIMITER, key, policy)).allowed).toBe(false);
    await env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(key)).reset();
    expect((await consumeRateLimit(env.RATE_LIMITER, key, policy)).allowed).toBe(true);
  });

  it("stores one number and cleans up with an alarm once the bucket is full again", async () => {
    const key = `alarm:${crypto.randomUUID()}`;
    const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(key));
    await stub.consume({ limit: 10, periodMs: 2000 }); // full again 200 ms later
    await runInDurableObject(stub, async (_instance, state) => {
      expect(typeof state.storage.kv.get("tat")).toBe("number");
      expect(await state.storage.getAlarm()).toBeGreaterThan(Date.now());
    });
    await new Promise((r) => setTimeout(r, 250));
    await runDurableObjectAlarm(stub); // false if it already fired on its own
    await runInDurableObject(stub, async (_instance, state) => {
      expect(state.storage.kv.get("tat")).toBeUndefined();
    });
  });
});

describe("rateLimit middleware", () => {
  it("sets RateLimit-* headers and answers 429 with Retry-After and a problem body", async () => {
    const client = crypto.randomUUID();
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await SELF.fetch("http://x/limited", { headers: { "X-Client": client } });
      expect(res.status).toBe(200);
      expect(res.headers.get("RateLimit-Limit")).toBe("3");
      remaining.push(res.headers.get("RateLimit-Remaining") ?? "");
    }
    expect(remaining).toEqual(["2", "1", "0"]);
    const res = await SELF.fetch("http://x/limited", { headers: { "X-Client": client } });
    expect(res.status).toBe(429);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    expect(res.headers.get("Retry-After")).toBe("20");
    expect(res.headers.get("RateLimit-Remaining")).toBe("0");
    expect(await res.json()).toMatchObject({ status: 429, code: "rate_limited", title: "Too many requests" });
  });

  it("skips limiting when the key function returns null", async () => {
    for (let i = 0; i < 5; i++) {
      const res = await SELF.fetch("http://x/limited");
      expect(res.status).toBe(200);
      expect(res.headers.get("RateLimit-Limit")).toBeNull();
    }
  });

  it("formats headers in delta seconds", () => {
    expect(rateLimitHeaders({ allowed: false, limit: 5, remaining: 0, resetMs: 1500, retryAfterMs: 200 })).toEqual({
      "RateLimit-Limit": "5",
      "RateLimit-Remaining": "0",
      "RateLimit-Reset": "2",
      "Retry-After": "1",
    });
  });
});
