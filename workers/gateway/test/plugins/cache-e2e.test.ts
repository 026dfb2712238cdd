// cache end to end: configured through the admin API, traffic through /gw/<slug>/… to the fake upstream.
// The proxy stores in waitUntil, which SELF.fetch does not wait for: `untilHit` asks again (briefly) until
// the entry is there.
import { describe, expect, it, vi } from "vitest";
import { api, call, createWorkspace, gw, newUser } from "../helpers";
import { gatewayWith } from "../support/e2e";

interface Echo {
  headers: Record<string, string>;
  query: Record<string, string>;
}

async function get(slug: string, path: string, headers: Record<string, string> = {}) {
  const res = await gw(slug, path, { headers });
  return { status: res.status, xCache: res.headers.get("x-cache"), age: res.headers.get("age"), echo: (await res.json()) as Echo };
}

/** Repeats the request until it is served from the cache (the previous miss stores in waitUntil). */
const untilHit = (slug: string, path: string, headers: Record<string, string> = {}) =>
  vi.waitFor(
    async () => {
      const r = await get(slug, path, headers);
      expect(r.xCache).toBe("HIT");
      return r;
    },
    { timeout: 3000, interval: 10 },
  );

describe("cache through the proxy", () => {
  it("MISS then HIT with Age; varies by Authorization, so one caller never gets another's answer", async () => {
    const ws = await gatewayWith([{ name: "cache", config: { ttlSeconds: 60, varyHeaders: ["Authorization"] } }]);
    const alice = { authorization: "Bearer alice-token" };
    const bob = { authorization: "Bearer bob-token" };
    const first = await get(ws.slug, "/v1/me", alice);
    expect(first).toMatchObject({ status: 200, xCache: "MISS" });
    const hit = await untilHit(ws.slug, "/v1/me", alice);
    expect(hit.echo.headers.authorization).toBe("Bearer alice-token");
    expect(Number(hit.age)).toBeGreaterThanOrEqual(0);

    const other = await get(ws.slug, "/v1/me", bob);
    expect(other.xCache).toBe("MISS");
    expect(other.echo.headers.authorization).toBe("Bearer bob-token");
    expect((await untilHit(ws.slug, "/v1/me", bob)).echo.headers.authorization).toBe("Bearer bob-token");
    expect((await get(ws.slug, "/v1/me", alice)).echo.headers.authorization).toBe("Bearer alice-token");
  });

  it("after auth, API-key consumers get separate entries (auth strips the key; the consumer is in the key)", async () => {
    const ws = await gatewayWith(
      [
        { name: "auth", config: {} },
        { name: "cache", config: {} },
      ],
      {
        consumers: [{ username: "alice" }, { username: "bob" }],
      },
    );
    const alice = { apikey: ws.keys.alice as string };
    const bob = { apikey: ws.keys.bob as string };
    await get(ws.slug, "/v1/feed?x=1", alice);
    await untilHit(ws.slug, "/v1/feed?x=1", alice);
    expect((await get(ws.slug, "/v1/feed?x=1", bob)).xCache).toBe("MISS");
    // a stranger without a key is refused by auth, never served the stored answer
    const stranger = await gw(ws.slug, "/v1/feed?x=1");
    expect(stranger.status).toBe(401);
    expect(stranger.headers.get("x-cache")).toBeNull();
  });

  it("never stores a Set-Cookie or private answer, nor a POST", async () => {
    const ws = await gatewayWith([{ name: "cache", config: {} }]);
    const cookie = { "x-fake-headers": JSON.stringify({ "Set-Cookie": "sid=1" }) };
    const priv = { "x-fake-headers": JSON.stringify({ "Cache-Control": "private, max-age=60" }) };
    for (const headers of [cookie, priv]) {
      expect((await get(ws.slug, "/v1/x", headers)).xCache).toBe("BYPASS");
      expect((await get(ws.slug, "/v1/x", headers)).xCache).toBe("BYPASS");
    }
    const post = await gw(ws.slug, "/v1/x", { method: "POST", body: "{}" });
    expect(post.headers.get("x-cache")).toBe("BYPASS");
  });

  it("purge by route (admin API) bumps the generation: the next request is a miss", async () => {
    const ws = await gatewayWith([{ name: "cache", config: {} }]);
    await get(ws.slug, "/v1/items");
    await untilHit(ws.slug, "/v1/items");
    const purged = await api.ok<{ purged: number }>(call("POST", `/workspaces/${ws.slug}/cache/purge`, ws.token, { route: "all" }));
    expect(purged).toEqual({ purged: 1 });
    expect((await get(ws.slug, "/v1/items")).xCache).toBe("MISS");
  });

  it("purge by key (admin API) drops that path only; the same query in another order names it", async () => {
    const ws = await gatewayWith([{ name: "cache", config: {} }]);
    await get(ws.slug, "/v1/items/7?b=1&a=2");
    await untilHit(ws.slug, "/v1/items/7?b=1&a=2");
    await get(ws.slug, "/v1/items/8");
    await untilHit(ws.slug, "/v1/items/8");
    const purge = (path: string) =>
      api.ok<{ purged: number }>(call("POST", `/workspaces/${ws.slug}/cache/purge`, ws.token, { route: "all", path }));
    expect(await purge("/v1/items/7?a=2&b=1")).toEqual({ purged: 1 });
    expect(await purge("/v1/items/7?a=2&b=1")).toEqual({ purged: 0 });
    expect((await get(ws.slug, "/v1/items/7?b=1&a=2")).xCache).toBe("MISS");
    expect((await get(ws.slug, "/v1/items/8")).xCache).toBe("HIT");
  });

  it("a config that caches before auth is refused (422): a stored answer would skip the check", async () => {
    const user = await newUser();
    const ws = await createWorkspace(user.token);
    const res = call("PUT", `/workspaces/${ws.slug}/config`, user.token, {
      services: [{ name: "up", targets: [{ binding: "UPSTREAM_A" }] }],
      routes: [
        {
          name: "all",
          paths: ["/v1/*"],
          service: "up",
          plugins: [
            { name: "cache", config: {} },
            { name: "auth", config: {} },
          ],
        },
      ],
    });
    await api.problem(res, 422, "validation_failed", ["routes[0].plugins[1].name"]);
    expect((await api.ok<{ version: number }>(call("GET", `/workspaces/${ws.slug}/config`, user.token))).version).toBe(1);
  });
});
