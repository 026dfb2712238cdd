// cache: callers kept apart (Authorization, consumer, workspace), purge by key and by generation.

import { env } from "cloudflare:test";
import { ApiError } from "@edgeworks/http";
import { describe, expect, it } from "vitest";
import { purgeKey } from "../../src/plugins/cache/purge";
import type { SentCall } from "../support/context";
import { cacheSetup, consumer, countingUpstream, T0, through } from "./cache-support";

/** An upstream that answers per caller, as an API behind its own auth does. */
const perCaller = () => countingUpstream((n, call: SentCall) => Response.json({ n, for: call.request.headers.get("authorization") }));
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

describe("cache keeps callers apart", () => {
  it("with Authorization in varyHeaders, one caller's answer is never served to another", async () => {
    const setup = cacheSetup({ varyHeaders: ["Authorization"] });
    const up = perCaller();
    expect(await through(setup, up.upstream, { init: bearer("alice") })).toMatchObject({
      xCache: "MISS",
      body: '{"n":1,"for":"Bearer alice"}',
    });
    expect(await through(setup, up.upstream, { init: bearer("bob") })).toMatchObject({
      xCache: "MISS",
      body: '{"n":2,"for":"Bearer bob"}',
    });
    expect(await through(setup, up.upstream, { init: bearer("alice") })).toMatchObject({
      xCache: "HIT",
      body: '{"n":1,"for":"Bearer alice"}',
    });
    expect(await through(setup, up.upstream, { init: bearer("bob") })).toMatchObject({ xCache: "HIT", body: '{"n":2,"for":"Bearer bob"}' });
    // no credentials at all is a caller of its own, too
    expect(await through(setup, up.upstream)).toMatchObject({ xCache: "MISS", body: '{"n":3,"for":null}' });
  });

  it("keeps consumers apart even when auth has stripped the credentials (varyConsumer, the default)", async () => {
    const setup = cacheSetup();
    const up = countingUpstream();
    await through(setup, up.upstream, { consumer: consumer("csm_a") });
    expect((await through(setup, up.upstream, { consumer: consumer("csm_b") })).xCache).toBe("MISS");
    expect((await through(setup, up.upstream, { consumer: consumer("csm_a") })).body).toBe('{"n":1}');

    // shared between consumers only when asked, and never when Authorization is varied
    const shared = cacheSetup({ varyConsumer: false });
    await through(shared, up.upstream, { consumer: consumer("csm_a") });
    expect((await through(shared, up.upstream, { consumer: consumer("csm_b") })).xCache).toBe("HIT");
    const guarded = cacheSetup({ varyConsumer: false, varyHeaders: ["authorization"] });
    await through(guarded, up.upstream, { consumer: consumer("csm_a") });
    expect((await through(guarded, up.upstream, { consumer: consumer("csm_b") })).xCache).toBe("MISS");
  });

  it("varies by a listed header's value and stores an upstream Vary on it", async () => {
    const setup = cacheSetup({ varyHeaders: ["Accept-Language"] });
    const up = countingUpstream((n) => Response.json({ n }, { headers: { vary: "Accept-Language" } }));
    await through(setup, up.upstream, { init: { headers: { "accept-language": "de" } } });
    expect((await through(setup, up.upstream, { init: { headers: { "accept-language": "fr" } } })).xCache).toBe("MISS");
    expect((await through(setup, up.upstream, { init: { headers: { "accept-language": "de" } } })).body).toBe('{"n":1}');
  });

  it("never serves one workspace's entry to another with the same route id and path", async () => {
    const a = cacheSetup();
    const b = cacheSetup();
    const up = countingUpstream();
    await through(a, up.upstream);
    expect((await through({ ...b, route: a.route }, up.upstream)).xCache).toBe("MISS");
  });
});

describe("cache purge", () => {
  it("purgeKey removes one path (every variant of it), leaves the others, and is idempotent", async () => {
    const setup = cacheSetup({ varyHeaders: ["authorization"] });
    const up = perCaller();
    await through(setup, up.upstream, { path: "/v1/items/7?b=1&a=2", init: bearer("alice") });
    await through(setup, up.upstream, { path: "/v1/items/7?b=1&a=2", init: bearer("bob") });
    await through(setup, up.upstream, { path: "/v1/items/8" });
    // the query in any order names the same key
    expect(await purgeKey(env, setup.snapshot, setup.route, "/v1/items/7?a=2&b=1")).toBe(1);
    expect(await purgeKey(env, setup.snapshot, setup.route, "/v1/items/7?a=2&b=1")).toBe(0);
    expect((await through(setup, up.upstream, { path: "/v1/items/7?b=1&a=2", init: bearer("alice") })).xCache).toBe("MISS");
    expect((await through(setup, up.upstream, { path: "/v1/items/7?b=1&a=2", init: bearer("bob") })).xCache).toBe("MISS");
    expect((await through(setup, up.upstream, { path: "/v1/items/8" })).xCache).toBe("HIT");
  });

  it("purgeKey refuses a path that is not under the workspace (422), purging nothing", async () => {
    const setup = cacheSetup();
    const up = countingUpstream();
    await through(setup, up.upstream);
    for (const path of ["v1/items", "//evil.example/v1/items", `/${"a".repeat(2048)}`]) {
      const err = await purgeKey(env, setup.snapshot, setup.route, path).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).status).toBe(422);
    }
    expect((await through(setup, up.upstream)).xCache).toBe("HIT");
  });

  it("a generation bump (purge by route) makes every stored answer of the route a miss", async () => {
    const setup = cacheSetup();
    const up = countingUpstream();
    await through(setup, up.upstream, { path: "/v1/a" });
    await through(setup, up.upstream, { path: "/v1/b" });
    const bumped = { ...setup, snapshot: { ...setup.snapshot, cacheGenerations: { [setup.route.id]: 1 } } };
    expect((await through(bumped, up.upstream, { path: "/v1/a", at: T0 + 1 })).xCache).toBe("MISS");
    expect((await through(bumped, up.upstream, { path: "/v1/b", at: T0 + 1 })).xCache).toBe("MISS");
    expect((await through(bumped, up.upstream, { path: "/v1/a", at: T0 + 2 })).xCache).toBe("HIT");
    // another route's generation is its own
    const other = { ...setup, snapshot: { ...setup.snapshot, cacheGenerations: { rte_other: 5 } } };
    expect((await through(other, up.upstream, { path: "/v1/b", at: T0 + 3 })).xCache).toBe("HIT");
  });
});
