import { describe, expect, it } from "vitest";
import { addMember, api, call, createWorkspace, gw, newUser, putConfig } from "../helpers";

async function cachedRoute() {
  const owner = await newUser();
  const ws = await createWorkspace(owner.token);
  await putConfig(owner.token, ws.slug, {
    services: [{ name: "a", targets: [{ binding: "UPSTREAM_A" }] }],
    routes: [{ name: "cached", paths: ["/v1/*"], service: "a", plugins: [{ name: "cache", config: { ttlSeconds: 300 } }] }],
  });
  return { owner, ws, at: `/workspaces/${ws.slug}/cache/purge` };
}

const xCache = async (slug: string, path: string) => {
  const res = await gw(slug, path);
  await res.arrayBuffer();
  expect(res.status).toBe(200);
  return res.headers.get("X-Cache");
};

describe("cache purge", () => {
  it("a path purges that entry only; a route purges all of its entries", async () => {
    const { owner, ws, at } = await cachedRoute();
    expect(await xCache(ws.slug, "/v1/users/7?x=1")).toBe("MISS");
    expect(await xCache(ws.slug, "/v1/users/7?x=1")).toBe("HIT");
    expect(await xCache(ws.slug, "/v1/users/8")).toBe("MISS");
    expect(await xCache(ws.slug, "/v1/users/8")).toBe("HIT");

    expect(await api.ok(call("POST", at, owner.token, { route: "cached", path: "/v1/users/7?x=1" }))).toEqual({ purged: 1 });
    expect(await api.ok(call("POST", at, owner.token, { route: "cached", path: "/v1/users/7?x=1" }))).toEqual({ purged: 0 });
    expect(await xCache(ws.slug, "/v1/users/7?x=1")).toBe("MISS");
    expect(await xCache(ws.slug, "/v1/users/8")).toBe("HIT");

    expect(await api.ok(call("POST", at, owner.token, { route: "cached" }))).toEqual({ purged: 1 });
    expect(await xCache(ws.slug, "/v1/users/8")).toBe("MISS");
    expect(await xCache(ws.slug, "/v1/users/7?x=1")).toBe("MISS");
    expect(await xCache(ws.slug, "/v1/users/7?x=1")).toBe("HIT");
    // after a generation bump a path purge still finds the new entry
    expect(await api.ok(call("POST", at, owner.token, { route: "cached", path: "/v1/users/7?x=1" }))).toEqual({ purged: 1 });
  });

  it("refuses bad input (422), unknown routes (404), viewers (403) and strangers (404), purging nothing", async () => {
    const { owner, ws, at } = await cachedRoute();
    expect(await xCache(ws.slug, "/v1/keep")).toBe("MISS");
    await api.problem(call("POST", at, owner.token, {}), 422, "validation_failed", ["route"]);
    await api.problem(call("POST", at, owner.token, { route: "cached", path: "no-slash" }), 422, "validation_failed", ["path"]);
    await api.problem(call("POST", at, owner.token, { route: "cached", path: "//evil.example/x" }), 422, "validation_failed", ["path"]);
    await api.problem(call("POST", at, owner.token, { route: "cached", path: `/${"x".repeat(3000)}` }), 422, "validation_failed", ["path"]);
    await api.problem(call("POST", at, owner.token, { route: "cached", path: "/a b" }), 422, "validation_failed", ["path"]);
    await api.problem(call("POST", at, owner.token, { route: "../cached" }), 422, "validation_failed", ["route"]);
    await api.problem(call("POST", at, owner.token, { route: "cached", extra: 1 }), 422, "validation_failed");
    await api.problem(call("POST", at, owner.token, { route: "nope" }), 404, "not_found");
    const viewer = await newUser();
    await addMember(owner.token, ws.slug, viewer.email, "viewer");
    await api.problem(call("POST", at, viewer.token, { route: "cached" }), 403, "forbidden");
    const stranger = await newUser();
    await api.problem(call("POST", at, stranger.token, { route: "cached" }), 404, "not_found");
    expect(await xCache(ws.slug, "/v1/keep")).toBe("HIT");
  });
});
