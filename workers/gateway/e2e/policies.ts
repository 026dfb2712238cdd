import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Admin, adminFor, type Echo, eventually, expectProblem, gwJson, type Reply, signUp, slugOf } from "./harness";
import { policiesYaml } from "./policies-config";
import { startUpstream, type Upstream } from "./upstream";

// The plugins on live traffic, configured by importing a YAML document: API keys (shown once, never sent
// upstream, revoked at once), an exact rate limit under concurrency with per-consumer isolation, the cache
// (HIT, purge, never Set-Cookie or private, never another consumer's answer), and one workspace's key refused
// by another workspace.

let admin: Admin;
let slug: string;
let upstream: Upstream;
const keys: Record<string, string> = {};

/** Creates an API key for the consumer and checks the one-time answer. */
async function newKey(a: Admin, ws: string, consumer: string): Promise<{ id: string; key: string }> {
  const created = await a.ok<{ id: string; key: string; prefix: string; createdAt: string }>(
    "POST",
    `/workspaces/${ws}/consumers/${consumer}/keys`,
    {},
    201,
  );
  expect(created.key).toMatch(/^ewg_[A-Za-z0-9]{32}$/);
  expect(created.key.startsWith(created.prefix)).toBe(true);
  return created;
}

/** Registers this file's tests (gateway.e2e.test.ts runs them against its dev server). */
export function policiesSuite(): void {
  describe("policies (e2e/policies.ts)", () => {
    beforeAll(async () => {
      upstream = await startUpstream("p");
      admin = adminFor(await signUp("policies"));
      slug = slugOf("policies");
      await admin.ok("POST", "/workspaces", { slug, name: "Policies e2e" }, 201);
      const put = await admin.call<{ version: number }>("PUT", `/workspaces/${slug}/config`, policiesYaml(upstream.url), {
        "Content-Type": "application/yaml",
      });
      expect(put.status).toBe(200);
      expect(put.body.version).toBe(2);
      keys.alice = (await newKey(admin, slug, "alice")).key;
      keys.bob = (await newKey(admin, slug, "bob")).key;
    });
    afterAll(async () => {
      await upstream?.stop();
    });

    const call = (path: string, init?: RequestInit) => gwJson<Echo>(slug, path, init);
    const withKey = (key: string | undefined, headers: Record<string, string> = {}) => ({ headers: { apikey: String(key), ...headers } });

    describe("auth with the gateway's API keys", () => {
      it("no key is a 401 with WWW-Authenticate; a key passes and does not travel upstream; keys are never listed or exported", async () => {
        const first = await eventually(
          "config in effect",
          () => call("/v1/keyed"),
          (r) => r.status === 401,
          15_000,
        );
        expectProblem(first, 401, "unauthorized");
        expect(first.headers.get("www-authenticate")).toBeTruthy();
        expectProblem(await call("/v1/keyed", withKey("ewg_notAKeyOfAnyoneAtAll000000000000")), 401, "unauthorized");
        expect(upstream.hitsOn("/v1/keyed")).toBe(0);

        const ok = await eventually(
          "the new key is known",
          () => call("/v1/keyed", withKey(keys.alice)),
          (r) => r.status === 200,
          15_000,
        );
        expect(ok.body.path).toBe("/v1/keyed");
        expect(ok.body.headers.apikey).toBeUndefined();
        // `Authorization: Bearer ewg_…` works too, and is stripped as well
        const bearer = await call("/v1/keyed", { headers: { Authorization: `Bearer ${keys.bob}` } });
        expect(bearer.status).toBe(200);
        expect(bearer.body.headers.authorization).toBeUndefined();

        const listed = await admin.ok<{ items: Record<string, unknown>[] }>("GET", `/workspaces/${slug}/consumers/alice/keys`);
        expect(listed.items).toHaveLength(1);
        expect(JSON.stringify(listed)).not.toContain(String(keys.alice));
        const exported = await admin.raw(`/workspaces/${slug}/config/export?format=yaml`);
        expect(exported.status).toBe(200);
        const text = await exported.text();
        expect(text).toContain("alice");
        expect(text).not.toContain("ewg_");
      });

      it("a revoked key is refused on the next requests", async () => {
        const { id, key } = await newKey(admin, slug, "bob");
        await eventually(
          "key works",
          async () => (await call("/v1/keyed", withKey(key))).status,
          (s) => s === 200,
          15_000,
        );
        const revoked = await admin.call("DELETE", `/workspaces/${slug}/consumers/bob/keys/${id}`);
        expect(revoked.status).toBe(204);
        const after = await eventually(
          "revocation in effect",
          () => call("/v1/keyed", withKey(key)),
          (r) => r.status === 401,
          5_000,
        );
        expectProblem(after, 401, "unauthorized");
        expect((await call("/v1/keyed", withKey(keys.bob))).status).toBe(200);
      });

      it("another workspace's consumer key is a 401 here, though it works in its own workspace", async () => {
        const other = adminFor(await signUp("policies-other"));
        const otherSlug = slugOf("other");
        await other.ok("POST", "/workspaces", { slug: otherSlug, name: "Another team" }, 201);
        await other.ok("PUT", `/workspaces/${otherSlug}/config`, {
          services: [{ name: "api", targets: [{ url: upstream.url }] }],
          routes: [{ name: "keyed", paths: ["/v1/keyed"], service: "api", plugins: [{ name: "auth", config: { methods: ["key"] } }] }],
          consumers: [{ username: "mallory", groups: [] }],
        });
        const { key: mallory } = await newKey(other, otherSlug, "mallory");
        await eventually(
          "mallory's key works at home",
          async () => (await gwJson(otherSlug, "/v1/keyed", withKey(mallory))).status,
          (s) => s === 200,
          15_000,
        );
        const hits = upstream.hits;
        const refused = await call("/v1/keyed", withKey(mallory));
        expectProblem(refused, 401, "unauthorized");
        expectProblem(await call("/v1/keyed", { headers: { Authorization: `Bearer ${mallory}` } }), 401, "unauthorized");
        expect(upstream.hits).toBe(hits);
        // nor can that user see this workspace through the admin API
        expectProblem(await other.call("GET", `/workspaces/${slug}/consumers`), 404, "not_found");
      });
    });

    describe("rate limit", () => {
      it("limit 10: of 30 concurrent requests with one key exactly 10 pass; the rest are 429 with Retry-After; another consumer is unaffected", async () => {
        await eventually(
          "limited route in effect",
          async () => (await call("/v1/limited")).status,
          (s) => s === 401,
          15_000,
        );
        const rs = await Promise.all(Array.from({ length: 30 }, () => call("/v1/limited", withKey(keys.alice))));
        const passed = rs.filter((r) => r.status === 200);
        const limited = rs.filter((r) => r.status === 429);
        expect({ passed: passed.length, limited: limited.length }).toEqual({ passed: 10, limited: 20 });
        expect(upstream.hitsOn("/v1/limited")).toBe(10);
        const refusal = limited[0] as Reply<unknown>;
        expectProblem(refusal, 429, "rate_limited");
        expect(Number(refusal.headers.get("retry-after"))).toBeGreaterThan(0);
        expect(refusal.headers.get("ratelimit-limit")).toBe("10");
        expect(refusal.headers.get("ratelimit-remaining")).toBe("0");
        expect((passed[0] as Reply<unknown>).headers.get("ratelimit-policy")).toContain("10");

        // still refused afterwards (state kept in the Durable Object), and bob has his own 10
        expectProblem(await call("/v1/limited", withKey(keys.alice)), 429, "rate_limited");
        const bob = await Promise.all(Array.from({ length: 12 }, () => call("/v1/limited", withKey(keys.bob))));
        expect(bob.filter((r) => r.status === 200)).toHaveLength(10);
        expect(upstream.hitsOn("/v1/limited")).toBe(20);
      });
    });

    describe("cache", () => {
      it("MISS then HIT with the same body and Age, MISS again after a purge of the route", async () => {
        const first = await eventually(
          "cached route in effect",
          () => call("/v1/cached/report?b=2&a=1"),
          (r) => r.status === 200,
          15_000,
        );
        expect(first.headers.get("x-cache")).toBe("MISS");
        const hit = await call("/v1/cached/report?b=2&a=1");
        expect(hit.status).toBe(200);
        expect(hit.headers.get("x-cache")).toBe("HIT");
        expect(hit.body).toEqual(first.body);
        expect(Number(hit.headers.get("age"))).toBeGreaterThanOrEqual(0);
        expect(upstream.hitsOn("/v1/cached/report")).toBe(1);

        const purged = await admin.ok<{ purged: number }>("POST", `/workspaces/${slug}/cache/purge`, { route: "cached" });
        expect(purged.purged).toBeGreaterThanOrEqual(1);
        const after = await eventually(
          "purge in effect",
          () => call("/v1/cached/report?b=2&a=1"),
          (r) => r.headers.get("x-cache") === "MISS",
          5_000,
        );
        expect(after.body.hit).toBeGreaterThan(first.body.hit);
        expect(upstream.hitsOn("/v1/cached/report")).toBe(2);
      });

      it("never stores an answer with Set-Cookie or Cache-Control: private", async () => {
        for (const path of ["/v1/cached/set-cookie", "/v1/cached/private"]) {
          const one = await call(path);
          const two = await call(path);
          expect([one.status, two.status]).toEqual([200, 200]);
          expect(two.headers.get("x-cache")).not.toBe("HIT");
          expect(two.body.hit).toBe(one.body.hit + 1);
          expect(upstream.hitsOn(path)).toBe(2);
        }
      });

      it("a route varying by Authorization never serves alice's cached answer to bob", async () => {
        const auth = (key: string | undefined) => ({ headers: { Authorization: `Bearer ${key}` } });
        const alice = await eventually(
          "mine route in effect",
          () => call("/v1/mine/profile", auth(keys.alice)),
          (r) => r.status === 200,
          15_000,
        );
        expect((await call("/v1/mine/profile", auth(keys.alice))).headers.get("x-cache")).toBe("HIT");
        const bob = await call("/v1/mine/profile", auth(keys.bob));
        expect({ status: bob.status, body: bob.status === 200 ? "echo" : bob.body }).toEqual({ status: 200, body: "echo" });
        expect(bob.headers.get("x-cache")).toBe("MISS");
        expect(bob.body.headers.authorization).toBe(`Bearer ${keys.bob}`);
        expect(bob.body.hit).not.toBe(alice.body.hit);
      });
    });
  });
}
