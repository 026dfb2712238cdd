import type { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ConsumerIdentity } from "../../src/contract";
import { plugin as auth } from "../../src/plugins/auth";
import { sha256Hex } from "../../src/plugins/auth/credentials";
import { plugin } from "../../src/plugins/rate-limit";
import { gw } from "../helpers";
import { fakeConsumer, fakeContext, fakeRoute, fakeSnapshot } from "../support/context";
import { gatewayWith } from "../support/e2e";

/** A fresh workspace per test, so buckets (Durable Objects keyed by workspace) never carry over. */
const fresh = () => fakeSnapshot({ workspaceId: `ws_${crypto.randomUUID()}` });
const who = (id: string): ConsumerIdentity => ({ id, username: id, groups: [], via: "key" });

type Options = { snapshot: ReturnType<typeof fresh>; at: number; consumer?: string; ip?: string; headers?: Record<string, string> };
const hit = (config: unknown, o: Options) => {
  const ctx = fakeContext({
    snapshot: o.snapshot,
    receivedAt: o.at,
    consumer: o.consumer ? who(o.consumer) : null,
    clientIp: o.ip ?? "198.51.100.1",
    init: { headers: o.headers ?? {} },
  });
  return ctx.run(plugin.create(plugin.schema.parse(config), ctx.route));
};
const T0 = Date.UTC(2026, 11, 5, 12, 0, 0);

describe("rate-limit plugin", () => {
  it.each(["fixed-window", "sliding-window", "gcra"])(
    "%s is exact: limit 10, 30 concurrent → exactly 10 pass, the rest 429",
    async (algorithm) => {
      const snapshot = fresh();
      const config = { algorithm, limit: 10, windowSeconds: 3600, by: "route" };
      const results = await Promise.all(Array.from({ length: 30 }, () => hit(config, { snapshot, at: T0 + 1000 })));
      expect(results.filter((r) => r.status === 200)).toHaveLength(10);
      const refused = results.filter((r) => r.status === 429);
      expect(refused).toHaveLength(20);
      const first = refused[0];
      expect(first?.headers.get("Content-Type")).toBe("application/problem+json");
      expect(Number(first?.headers.get("Retry-After"))).toBeGreaterThan(0);
      expect(await first?.json()).toMatchObject({ code: "rate_limited", limit: "rate" });
    },
  );

  it("puts RateLimit-* and RateLimit-Policy on every response", async () => {
    const snapshot = fresh();
    const config = { algorithm: "fixed-window", limit: 3, windowSeconds: 60, by: "ip" };
    const at = T0 + 15_000; // 45 s left in the minute
    const seen = [];
    for (let i = 0; i < 4; i++) {
      const res = await hit(config, { snapshot, at });
      seen.push([res.status, res.headers.get("RateLimit-Remaining"), res.headers.get("RateLimit-Reset")]);
      expect(res.headers.get("RateLimit-Limit")).toBe("3");
      expect(res.headers.get("RateLimit-Policy")).toBe("3;w=60");
    }
    expect(seen).toEqual([
      [200, "2", "45"],
      [200, "1", "45"],
      [200, "0", "45"],
      [429, "0", "45"],
    ]);
  });

  it("fixed window: the count starts again exactly at the boundary (injected clock)", async () => {
    const snapshot = fresh();
    const config = { algorithm: "fixed-window", limit: 2, windowSeconds: 60, by: "route" };
    const end = T0 + 60_000;
    expect((await hit(config, { snapshot, at: end - 2 })).status).toBe(200);
    expect((await hit(config, { snapshot, at: end - 1 })).status).toBe(200);
    const last = await hit(config, { snapshot, at: end - 1 });
    expect(last.status).toBe(429);
    expect(last.headers.get("Retry-After")).toBe("1");
    expect((await hit(config, { snapshot, at: end })).status).toBe(200);
  });

  it("sliding window: the previous window still counts after the boundary", async () => {
    const snapshot = fresh();
    const config = { algorithm: "sliding-window", limit: 4, windowSeconds: 60, by: "route" };
    for (let i = 0; i < 4; i++) expect((await hit(config, { snapshot, at: T0 + 59_000 })).status).toBe(200);
    // a fixed window would allow 4 more here; the sliding one weighs the last window at 0.75 (3): one fits
    expect((await hit(config, { snapshot, at: T0 + 75_000 })).status).toBe(200);
    expect((await hit(config, { snapshot, at: T0 + 75_000 })).status).toBe(429);
    // two windows on, the old count is gone
    expect((await hit(config, { snapshot, at: T0 + 120_000 })).status).toBe(200);
  });

  it("keeps consumers apart: one consumer using up its limit does not touch another's", async () => {
    const snapshot = fresh();
    const config = { algorithm: "fixed-window", limit: 5, windowSeconds: 3600, by: "consumer" };
    const a = await Promise.all(Array.from({ length: 8 }, () => hit(config, { snapshot, at: T0, consumer: "csm_a" })));
    expect(a.filter((r) => r.status === 200)).toHaveLength(5);
    const b = await Promise.all(Array.from({ length: 5 }, () => hit(config, { snapshot, at: T0, consumer: "csm_b" })));
    expect(b.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
  });

  it("keeps routes and workspaces apart", async () => {
    const config = { algorithm: "fixed-window", limit: 1, windowSeconds: 3600, by: "route" };
    const one = fresh();
    const two = fresh();
    expect((await hit(config, { snapshot: one, at: T0 })).status).toBe(200);
    expect((await hit(config, { snapshot: one, at: T0 })).status).toBe(429);
    expect((await hit(config, { snapshot: two, at: T0 })).status).toBe(200);
    const other = fakeContext({ snapshot: one, route: fakeRoute({ id: "rte_2" }), receivedAt: T0 });
    expect((await other.run(plugin.create(plugin.schema.parse(config), other.route))).status).toBe(200);
  });

  it("by ip buckets an IPv6 /64 together; by header by the header's value (absent: by ip)", async () => {
    const snapshot = fresh();
    const byIp = { algorithm: "fixed-window", limit: 1, windowSeconds: 3600, by: "ip" };
    expect((await hit(byIp, { snapshot, at: T0, ip: "2001:db8:1:2::1" })).status).toBe(200);
    expect((await hit(byIp, { snapshot, at: T0, ip: "2001:db8:1:2:ffff::9" })).status).toBe(429);
    expect((await hit(byIp, { snapshot, at: T0, ip: "2001:db8:1:3::1" })).status).toBe(200);
    const byHeader = { algorithm: "fixed-window", limit: 1, windowSeconds: 3600, by: "header", header: "X-Tenant" };
    const s2 = fresh();
    expect((await hit(byHeader, { snapshot: s2, at: T0, headers: { "X-Tenant": "a" } })).status).toBe(200);
    expect((await hit(byHeader, { snapshot: s2, at: T0, headers: { "X-Tenant": "a" } })).status).toBe(429);
    expect((await hit(byHeader, { snapshot: s2, at: T0, headers: { "X-Tenant": "b" } })).status).toBe(200);
  });

  it("by key: two keys of one consumer have a bucket each (the key auth accepted, hashed)", async () => {
    const keyA = "ewg_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const keyB = "ewg_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    const snapshot = fakeSnapshot({
      workspaceId: `ws_${crypto.randomUUID()}`,
      consumers: { csm_1: fakeConsumer({ id: "csm_1" }) },
      keyHashes: { [await sha256Hex(keyA)]: "csm_1", [await sha256Hex(keyB)]: "csm_1" },
    });
    const limit = plugin.create(plugin.schema.parse({ algorithm: "fixed-window", limit: 1, windowSeconds: 3600, by: "key" }), fakeRoute());
    const authMw = auth.create(auth.schema.parse({}), fakeRoute());
    const as = (key: string) => fakeContext({ snapshot, receivedAt: T0, init: { headers: { apikey: key } } }).run(authMw, limit);
    expect((await as(keyA)).status).toBe(200);
    expect((await as(keyA)).status).toBe(429);
    expect((await as(keyB)).status).toBe(200);
  });

  it("monthly quota: refused until the first of next month (UTC), and a rate refusal does not use it", async () => {
    const snapshot = fresh();
    const config = { algorithm: "fixed-window", limit: 2, windowSeconds: 60, by: "consumer", quota: { limit: 3 } };
    const lastDay = Date.UTC(2026, 11, 31, 23, 58, 0);
    const o = { snapshot, consumer: "csm_q" };
    expect((await hit(config, { ...o, at: lastDay })).status).toBe(200);
    expect((await hit(config, { ...o, at: lastDay })).status).toBe(200);
    const rate = await hit(config, { ...o, at: lastDay });
    expect(rate.status).toBe(429);
    expect(await rate.json()).toMatchObject({ limit: "rate" });
    expect((await hit(config, { ...o, at: lastDay + 60_000 })).status).toBe(200); // 3rd of 3 this month
    const quota = await hit(config, { ...o, at: lastDay + 60_000 });
    expect(quota.status).toBe(429);
    expect(await quota.json()).toMatchObject({ code: "rate_limited", limit: "quota", detail: expect.stringContaining("monthly quota") });
    expect(quota.headers.get("Retry-After")).toBe("60"); // 23:59 → midnight, January 1st
    expect(quota.headers.get("RateLimit-Policy")).toBe('2;w=60, 3;w=2592000;comment="month"');
    expect((await hit(config, { ...o, at: Date.UTC(2027, 0, 1) })).status).toBe(200);
  });

  it("fails open when the limiter cannot be reached (the route keeps working)", async () => {
    const ctx = fakeContext({ env: { RATE_LIMITER: undefined as unknown as typeof env.RATE_LIMITER } });
    const res = await ctx.run(plugin.create(plugin.schema.parse({ limit: 1, by: "route" }), ctx.route));
    expect(res.status).toBe(200);
    expect(res.headers.get("RateLimit-Limit")).toBeNull();
  });

  it("refuses configs without a limit, by header without a header, or beyond the caps", () => {
    expect(plugin.schema.safeParse({}).success).toBe(false);
    expect(plugin.schema.safeParse({ limit: 1, by: "header" }).success).toBe(false);
    expect(plugin.schema.safeParse({ limit: 1, windowSeconds: 86_401 }).success).toBe(false);
    expect(plugin.schema.safeParse({ limit: 0 }).success).toBe(false);
    expect(plugin.schema.safeParse({ limit: 1, quota: { limit: 5, period: "week" } }).success).toBe(false);
    expect(plugin.schema.parse({ limit: 5 })).toEqual({ algorithm: "sliding-window", limit: 5, windowSeconds: 60, by: "consumer" });
  });
});

describe("rate-limit through the proxy (/gw/<slug>/…)", () => {
  it("limit 5, 25 concurrent requests from one consumer → exactly 5 pass; another consumer is untouched", async () => {
    const ws = await gatewayWith(
      [
        { name: "auth", config: {} },
        { name: "rate-limit", config: { algorithm: "sliding-window", limit: 5, windowSeconds: 3600, by: "consumer" } },
      ],
      { consumers: [{ username: "alice" }, { username: "bob" }] },
    );
    const as = (who: string) => gw(ws.slug, "/v1/items", { headers: { apikey: ws.keys[who] ?? "" } });
    const burst = await Promise.all(Array.from({ length: 25 }, () => as("alice")));
    expect(burst.filter((r) => r.status === 200)).toHaveLength(5);
    const refused = burst.filter((r) => r.status === 429);
    expect(refused).toHaveLength(20);
    expect(refused[0]?.headers.get("Retry-After")).toMatch(/^\d+$/);
    expect(refused[0]?.headers.get("RateLimit-Remaining")).toBe("0");
    expect(await refused[0]?.json()).toMatchObject({ code: "rate_limited" });
    const bob = await as("bob");
    expect(bob.status).toBe(200);
    expect(bob.headers.get("RateLimit-Limit")).toBe("5");
    expect(bob.headers.get("RateLimit-Remaining")).toBe("4");
    expect(bob.headers.get("RateLimit-Policy")).toBe("5;w=3600");
    await Promise.all(burst.filter((r) => !r.bodyUsed).map((r) => r.body?.cancel()));
  });

  it("a consumer's override replaces the route's limit once auth knows who it is", async () => {
    const ws = await gatewayWith(
      [
        { name: "auth", config: {} },
        { name: "rate-limit", config: { algorithm: "fixed-window", limit: 1, windowSeconds: 3600 } },
      ],
      {
        consumers: [
          { username: "gold", plugins: [{ name: "rate-limit", config: { algorithm: "fixed-window", limit: 3, windowSeconds: 3600 } }] },
          { username: "basic" },
        ],
      },
    );
    const as = (who: string) => gw(ws.slug, "/v1/x", { headers: { apikey: ws.keys[who] ?? "" } });
    const gold = [await as("gold"), await as("gold"), await as("gold"), await as("gold")].map((r) => r.status);
    expect(gold).toEqual([200, 200, 200, 429]);
    expect([(await as("basic")).status, (await as("basic")).status]).toEqual([200, 429]);
  });
});
