import { env, runDurableObjectAlarm, runInDurableObject, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { consumeRateLimit, decideRateLimit, type RateLimiter, rateLimitHeaders } from "../src";

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

describe("RateLimiter.decide (windows, several limits at once)", () => {
  const stubOf = (key: string) => env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(key));

  it.each(["fixed-window", "sliding-window", "gcra"] as const)(
    "%s is exact: 20 simultaneous calls against 7 → exactly 7 pass",
    async (algorithm) => {
      const key = `decide:${algorithm}:${crypto.randomUUID()}`;
      const limit =
        algorithm === "gcra"
          ? { name: "rate", algorithm, policy: { limit: 7, periodMs: 3_600_000 } }
          : { name: "rate", algorithm, policy: { limit: 7, windowMs: 3_600_000 } };
      const at = Date.UTC(2026, 5, 1, 0, 10);
      const outcomes = await Promise.all(Array.from({ length: 20 }, () => decideRateLimit(env.RATE_LIMITER, key, [limit], 1, at)));
      expect(outcomes.filter((o) => o.allowed)).toHaveLength(7);
    },
  );

  it("takes from every limit or from none: a refused request does not use the quota", async () => {
    const key = `decide:quota:${crypto.randomUUID()}`;
    const limits = [
      { name: "rate", algorithm: "fixed-window", policy: { limit: 2, windowMs: 60_000 } },
      { name: "quota", algorithm: "fixed-window", policy: { limit: 3, period: "month" } },
    ] as const;
    const t0 = Date.UTC(2026, 5, 1, 0, 0);
    const run = (at: number) => decideRateLimit(env.RATE_LIMITER, key, [...limits], 1, at);
    expect((await run(t0)).allowed).toBe(true);
    expect((await run(t0)).allowed).toBe(true);
    const third = await run(t0);
    expect(third.allowed).toBe(false);
    expect(third.decisions.map((d) => d.allowed)).toEqual([false, true]);
    // next minute: the rate has room, the quota had 2 of 3 taken (the refusal took none)
    expect((await run(t0 + 60_000)).allowed).toBe(true);
    const fifth = await run(t0 + 60_000);
    expect(fifth.decisions.map((d) => d.allowed)).toEqual([true, false]);
    expect(fifth.decisions[1]?.retryAfterMs).toBe(Date.UTC(2026, 6, 1) - (t0 + 60_000));
  });

  it("keeps the window state until it expires (the alarm does not drop it early)", async () => {
    const stub = stubOf(`decide:alarm:${crypto.randomUUID()}`);
    await stub.decide([{ name: "rate", algorithm: "fixed-window", policy: { limit: 1, windowMs: 3_600_000 } }]);
    await runDurableObjectAlarm(stub);
    expect((await stub.decide([{ name: "rate", algorithm: "fixed-window", policy: { limit: 1, windowMs: 3_600_000 } }])).allowed).toBe(
      false,
    );
    await runInDurableObject(stub, async (_instance, state) => {
      expect(await state.storage.getAlarm()).toBeGreaterThan(Date.now());
    });
  });

  it("refuses a call without limits or with too many", async () => {
    const stub = stubOf(`decide:bad:${crypto.randomUUID()}`);
    await runInDurableObject(stub, async (instance: RateLimiter) => {
      await expect(instance.decide([])).rejects.toThrow(RangeError);
    });
  });
});
