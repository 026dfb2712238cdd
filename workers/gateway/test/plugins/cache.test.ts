// cache: HIT/MISS/Age and expiry, the never-cache cases, HEAD, and the request's Cache-Control.
import { describe, expect, it } from "vitest";
import { plugin } from "../../src/plugins/cache";
import { cacheSetup, countingUpstream, T0, through } from "./cache-support";

describe("cache hits and misses", () => {
  it("stores a 200, then serves it with X-Cache HIT and Age from the request clock", async () => {
    const setup = cacheSetup({ ttlSeconds: 60 });
    const up = countingUpstream();
    const first = await through(setup, up.upstream);
    expect(first).toMatchObject({ status: 200, xCache: "MISS", age: null, body: '{"n":1}', logged: "MISS" });
    const second = await through(setup, up.upstream, { at: T0 + 5_400 });
    expect(second).toMatchObject({ status: 200, xCache: "HIT", age: "5", body: '{"n":1}', logged: "HIT" });
    expect(second.headers.get("content-type")).toBe("application/json");
    expect(second.headers.has("x-gateway-stored-at")).toBe(false);
    expect(up.state.calls).toBe(1);
  });

  it("expires after ttlSeconds, or sooner when the upstream's max-age says so", async () => {
    const setup = cacheSetup({ ttlSeconds: 10 });
    const up = countingUpstream();
    await through(setup, up.upstream);
    expect((await through(setup, up.upstream, { at: T0 + 9_999 })).xCache).toBe("HIT");
    const late = await through(setup, up.upstream, { at: T0 + 10_000 });
    expect(late).toMatchObject({ xCache: "MISS", body: '{"n":2}' });

    const short = cacheSetup({ ttlSeconds: 60 });
    const up2 = countingUpstream((n) => Response.json({ n }, { headers: { "cache-control": "public, max-age=2" } }));
    await through(short, up2.upstream);
    const hit = await through(short, up2.upstream, { at: T0 + 1_000 });
    expect(hit.xCache).toBe("HIT");
    // the upstream's own Cache-Control comes back as it was sent
    expect(hit.headers.get("cache-control")).toBe("public, max-age=2");
    expect((await through(short, up2.upstream, { at: T0 + 2_000 })).xCache).toBe("MISS");
  });

  it("keys by sorted query: the same parameters in another order hit, other values miss", async () => {
    const setup = cacheSetup();
    const up = countingUpstream();
    await through(setup, up.upstream, { path: "/v1/items?b=2&a=1" });
    expect((await through(setup, up.upstream, { path: "/v1/items?a=1&b=2" })).xCache).toBe("HIT");
    expect((await through(setup, up.upstream, { path: "/v1/items?a=1&b=3" })).xCache).toBe("MISS");
    expect((await through(setup, up.upstream, { path: "/v1/other?a=1&b=2" })).xCache).toBe("MISS");
  });

  it("answers HEAD from a stored GET without a body, and never stores a HEAD answer", async () => {
    const setup = cacheSetup();
    const up = countingUpstream((n, call) => (call.request.method === "HEAD" ? new Response(null, { status: 200 }) : Response.json({ n })));
    expect((await through(setup, up.upstream, { init: { method: "HEAD" } })).xCache).toBe("MISS");
    expect((await through(setup, up.upstream)).xCache).toBe("MISS");
    const head = await through(setup, up.upstream, { init: { method: "HEAD" } });
    expect(head).toMatchObject({ xCache: "HIT", body: "" });
    expect(up.state.calls).toBe(2);
  });
});

describe("never cached", () => {
  const cases: [string, () => Response][] = [
    ["Set-Cookie", () => new Response("x", { headers: { "set-cookie": "sid=1" } })],
    ["Cache-Control: private", () => new Response("x", { headers: { "cache-control": "private, max-age=60" } })],
    ["Cache-Control: no-store", () => new Response("x", { headers: { "cache-control": "no-store" } })],
    ["Cache-Control: no-cache", () => new Response("x", { headers: { "cache-control": "no-cache" } })],
    ["max-age=0", () => new Response("x", { headers: { "cache-control": "max-age=0" } })],
    ["a 500", () => new Response("x", { status: 500 })],
    ["a 201", () => new Response("x", { status: 201 })],
    ["Vary on an unlisted header", () => new Response("x", { headers: { vary: "Accept-Language" } })],
    ["Vary: *", () => new Response("x", { headers: { vary: "*" } })],
  ];
  for (const [name, make] of cases) {
    it(`a response with ${name} is BYPASS every time`, async () => {
      const setup = cacheSetup();
      const up = countingUpstream(make);
      expect((await through(setup, up.upstream)).xCache).toBe("BYPASS");
      expect((await through(setup, up.upstream, { at: T0 + 1000 })).logged).toBe("BYPASS");
      expect(up.state.calls).toBe(2);
    });
  }

  it("POST, Range and an unvaried Authorization pass by the cache", async () => {
    const setup = cacheSetup();
    const up = countingUpstream();
    const inits: RequestInit[] = [
      { method: "POST", body: "{}" },
      { headers: { range: "bytes=0-1" } },
      { headers: { authorization: "Bearer a" } },
    ];
    for (const init of inits) {
      expect((await through(setup, up.upstream, { init })).xCache).toBe("BYPASS");
    }
    expect((await through(setup, up.upstream)).xCache).toBe("MISS");
    expect(up.state.calls).toBe(4);
  });

  it("a route that runs auth after the cache never answers from it", async () => {
    const setup = cacheSetup(
      {},
      {
        plugins: [
          { name: "cache", config: {} },
          { name: "auth", config: {} },
        ],
      },
    );
    const up = countingUpstream();
    await through(setup, up.upstream);
    expect((await through(setup, up.upstream)).xCache).toBe("BYPASS");
    expect(up.state.calls).toBe(2);
  });

  it("ignores the client's no-cache by default; honours it (and no-store) when configured", async () => {
    const noCache = { headers: { "cache-control": "no-cache" } };
    const ignoring = cacheSetup();
    const up = countingUpstream();
    await through(ignoring, up.upstream);
    expect((await through(ignoring, up.upstream, { init: noCache })).xCache).toBe("HIT");

    const honouring = cacheSetup({ requestCacheControl: "honor" });
    const up2 = countingUpstream();
    await through(honouring, up2.upstream);
    expect(await through(honouring, up2.upstream, { init: noCache })).toMatchObject({ xCache: "MISS", body: '{"n":2}' });
    expect((await through(honouring, up2.upstream)).body).toBe('{"n":2}');
    expect((await through(honouring, up2.upstream, { init: { headers: { "cache-control": "no-store" } } })).xCache).toBe("BYPASS");
  });

  it("refuses configs it cannot honour", () => {
    expect(plugin.schema.safeParse({ ttlSeconds: 0 }).success).toBe(false);
    expect(plugin.schema.safeParse({ statuses: [206] }).success).toBe(false);
    expect(plugin.schema.safeParse({ varyHeaders: ["Bad Header"] }).success).toBe(false);
    expect(plugin.schema.safeParse({ vary: [] }).success).toBe(false);
  });
});
