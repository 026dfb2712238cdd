import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { changeConfig, compileSnapshot, createWorkspace, loadSnapshot, SnapshotCache, snapshotKey, validateConfig } from "../../src/config";
import { baseInput, makeDeps, newWorkspace } from "./support";

const prodEnv = { DEV_MODE: "false", UPSTREAM_BINDINGS: "" };
const route = (name: string, path: string, extra: Record<string, unknown> = {}) => ({ name, paths: [path], service: "users", ...extra });

/** An ExecutionContext whose waitUntil work the test can await. */
function fakeExec() {
  const pending: Promise<unknown>[] = [];
  return { exec: { waitUntil: (p: Promise<unknown>) => void pending.push(p) }, settle: () => Promise.all(pending.splice(0)) };
}

describe("compileSnapshot", () => {
  it("sorts routes: priority desc, then specificity, then definition order", () => {
    const config = validateConfig(
      {
        services: [{ name: "users", targets: [{ url: "https://users.example.com" }] }],
        routes: [
          route("catch", "/*"),
          route("users", "/v1/users/:id"),
          route("me", "/v1/users/me"),
          route("files", "/v1/files/*"),
          route("low", "/v1/users/me", { priority: -1 }),
          route("users-post", "/v1/users/:uid", { methods: ["post"] }),
          route("high", "/x", { priority: 10 }),
        ],
      },
      { env: prodEnv },
    );
    const snap = compileSnapshot({ workspace: { id: "ws_1", slug: "s", revision: 7 }, version: 3, config, keys: [], generations: {} });
    expect(snap.routes.map((r) => r.name)).toEqual(["high", "me", "users", "users-post", "files", "catch", "low"]);
    expect(snap.routes.find((r) => r.name === "users-post")?.methods).toEqual(["POST"]);
    expect(snap).toMatchObject({ workspaceId: "ws_1", slug: "s", version: 3, revision: 7 });
  });

  it("compiles services with defaults, plugin configs through their schemas, and only live references", () => {
    const config = validateConfig(
      {
        services: [
          {
            name: "users",
            algorithm: "consistent-hash",
            targets: [{ url: "https://users.example.com", weight: 5 }],
            healthCheck: { path: "/health" },
            passive: {},
            circuitBreaker: {},
          },
        ],
        routes: [{ name: "users", paths: ["/u"], service: "users", plugins: [{ name: "cache", config: {} }] }],
        consumers: [{ username: "app", groups: ["g"] }],
      },
      { env: prodEnv },
    );
    const [svc] = config.services;
    const consumerId = config.consumers[0]?.id ?? "";
    const routeId = config.routes[0]?.id ?? "";
    const snap = compileSnapshot({
      workspace: { id: "ws_1", slug: "s", revision: 1 },
      version: 2,
      config,
      keys: [
        { keyHash: "aa", consumerId },
        { keyHash: "bb", consumerId: "csm_gone" },
      ],
      generations: { [routeId]: 4, rte_gone: 9 },
    });
    expect(snap.services[svc?.id ?? ""]).toEqual({
      id: svc?.id,
      name: "users",
      targets: [{ id: svc?.targets[0]?.id, url: "https://users.example.com", binding: null, weight: 5 }],
      algorithm: "consistent-hash",
      hashOn: { source: "ip", name: null },
      connectTimeoutMs: 5000,
      readTimeoutMs: 30000,
      retries: 1,
      healthCheck: {
        path: "/health",
        intervalSeconds: 10,
        timeoutMs: 2000,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
        healthyStatuses: expect.arrayContaining([200, 204, 301, 399]),
      },
      passiveUnhealthyThreshold: 5,
      breaker: { windowSeconds: 30, minRequests: 20, errorRatePercent: 50, p95LatencyMs: null, openSeconds: 30, halfOpenProbes: 1 },
    });
    expect(snap.services[svc?.id ?? ""]?.healthCheck?.healthyStatuses).not.toContain(400);
    expect(snap.routes[0]?.serviceId).toBe(svc?.id);
    expect(snap.routes[0]?.plugins[0]).toEqual({ name: "cache", config: expect.objectContaining({ ttlSeconds: 60 }) });
    expect(snap.keyHashes).toEqual({ aa: consumerId });
    expect(snap.cacheGenerations).toEqual({ [routeId]: 4 });
    expect(snap.consumers[consumerId]).toEqual({ id: consumerId, username: "app", groups: ["g"], jwt: [], plugins: [] });
  });
});

describe("snapshot cache", () => {
  it("fresh for 1 s, then served stale while one revalidation runs, then the new revision", async () => {
    const { deps, ws } = await newWorkspace();
    await changeConfig(deps, ws, () => baseInput(), { message: "v2" });
    let t = 1_000_000;
    const cache = new SnapshotCache({ now: () => t });
    const { exec, settle } = fakeExec();
    expect((await cache.load(env, exec, { slug: ws.slug }))?.version).toBe(2);
    await changeConfig(deps, ws, (c) => ({ ...c, hosts: [`${ws.slug}.example.com`] }), { message: "v3" });
    t += 500;
    expect((await cache.load(env, exec, { slug: ws.slug }))?.version).toBe(2);
    t += 600;
    expect((await cache.load(env, exec, { slug: ws.slug }))?.version).toBe(2);
    await settle();
    expect((await cache.load(env, exec, { slug: ws.slug }))?.version).toBe(3);
    expect((await cache.load(env, exec, { host: `${ws.slug.toUpperCase()}.example.com` }))?.workspaceId).toBe(ws.id);
    await changeConfig(deps, ws, (c) => ({ ...c, routes: [] }), { message: "v4" });
    t += 20_000; // too old to serve stale: the load waits for the new revision
    expect((await cache.load(env, exec, { slug: ws.slug }))?.version).toBe(4);
  });

  it("stale-if-error: when D1 cannot be read, an old copy keeps serving; with no copy the error is the caller's", async () => {
    const { deps, ws } = await newWorkspace();
    await changeConfig(deps, ws, () => baseInput(), { message: "v2" });
    let t = 0;
    const cache = new SnapshotCache({ now: () => t });
    const { exec } = fakeExec();
    expect((await cache.load(env, exec, { slug: ws.slug }))?.version).toBe(2);
    const broken = {
      ...env,
      DB: {
        prepare: () => {
          throw new Error("D1 is down");
        },
      } as unknown as D1Database,
    };
    t += 60_000; // far too old to serve without asking: the read is awaited, fails, and the copy answers
    expect((await cache.load(broken, exec, { slug: ws.slug }))?.version).toBe(2);
    await expect(new SnapshotCache().load(broken, exec, { slug: ws.slug })).rejects.toThrow(/D1 is down/);
    t += 60_000; // and the cache recovers once D1 answers again
    await changeConfig(deps, ws, (c) => ({ ...c, routes: [] }), { message: "v3" });
    expect((await cache.load(env, exec, { slug: ws.slug }))?.version).toBe(3);
  });

  it("a KV miss compiles from D1 and fills KV", async () => {
    const { deps, ws } = await newWorkspace();
    await changeConfig(deps, ws, () => baseInput(), { message: "v2" });
    await env.CACHE.delete(snapshotKey(ws.id, 2));
    const cache = new SnapshotCache({ now: () => 0 });
    expect((await cache.load(env, fakeExec().exec, { slug: ws.slug }))?.routes).toHaveLength(1);
    expect(await env.CACHE.get(snapshotKey(ws.id, 2), "json")).toMatchObject({ version: 2, revision: 2 });
  });

  it("an unknown workspace is null, negative-cached for 1 s", async () => {
    let t = 0;
    const cache = new SnapshotCache({ now: () => t });
    const slug = `late-${Math.random().toString(36).slice(2, 10)}`;
    const { exec } = fakeExec();
    expect(await cache.load(env, exec, { slug })).toBeNull();
    await createWorkspace(makeDeps(), { slug, name: "late" });
    t += 900;
    expect(await cache.load(env, exec, { slug })).toBeNull();
    t += 200;
    expect((await cache.load(env, exec, { slug }))?.slug).toBe(slug);
    expect(await cache.load(env, exec, { host: "nobody.example.com" })).toBeNull();
  });

  it("a write drops this isolate's copy at once (loadSnapshot sees it without waiting)", async () => {
    const { deps, ws } = await newWorkspace();
    const { exec } = fakeExec();
    expect((await loadSnapshot(env, exec, { slug: ws.slug }))?.version).toBe(1);
    await changeConfig(deps, ws, () => baseInput(), { message: "v2" });
    expect((await loadSnapshot(env, exec, { slug: ws.slug }))?.version).toBe(2);
  });
});
