import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  changeConfig,
  createWorkspace,
  deleteWorkspace,
  diffConfigs,
  type GatewayConfig,
  getConfig,
  getVersion,
  listVersions,
  rollback,
  snapshotKey,
} from "../../src/config";
import { configVersions, workspaceMembers, workspaces } from "../../src/schema";
import { apiErrorOf, baseInput, makeDeps, newWorkspace, pathsOf } from "./support";

const addRoute = (name: string) => (c: GatewayConfig) => ({
  ...c,
  routes: [...c.routes, { name, paths: [`/${name}`], service: "users", plugins: [] }],
});

describe("workspaces and versions", () => {
  it("createWorkspace writes the owner and version 1 (empty); a taken slug is 409", async () => {
    const { deps, ws } = await newWorkspace();
    expect(ws).toMatchObject({ id: expect.stringMatching(/^ws_/), currentVersion: 1, revision: 1, createdBy: deps.userId });
    expect(await getConfig(deps, ws)).toEqual({ version: 1, config: { hosts: [], services: [], routes: [], consumers: [], issuers: [] } });
    const members = await deps.db.select().from(workspaceMembers).where(eq(workspaceMembers.workspaceId, ws.id));
    expect(members).toEqual([expect.objectContaining({ userId: deps.userId, role: "owner" })]);
    const err = await apiErrorOf(() => createWorkspace(makeDeps({}, "someone_else"), { slug: ws.slug, name: "again" }));
    expect([err.status, err.code]).toEqual([409, "conflict"]);
    expect((await apiErrorOf(() => createWorkspace(deps, { slug: "Bad Slug", name: "x" }))).status).toBe(422);
  });

  it("changeConfig stores the next version, bumps the revision and publishes the snapshot to KV", async () => {
    const { deps, ws } = await newWorkspace();
    const result = await changeConfig(deps, ws, () => baseInput(), { message: "import" });
    expect(result.version).toBe(2);
    const [row] = await deps.db.select().from(workspaces).where(eq(workspaces.id, ws.id));
    expect(row).toMatchObject({ currentVersion: 2, revision: 2 });
    const snap = await env.CACHE.get<{ version: number; revision: number }>(snapshotKey(ws.id, 2), "json");
    expect(snap).toMatchObject({ version: 2, revision: 2, workspaceId: ws.id });
    expect(await getConfig(deps, ws)).toEqual(result);
  });

  it("an invalid change is 422 and stores nothing", async () => {
    const { deps, ws } = await newWorkspace();
    await changeConfig(deps, ws, () => baseInput(), { message: "v2" });
    expect(await pathsOf(() => changeConfig(deps, ws, addRoute("x/y"), { message: "bad" }))).toContain("routes[1].name");
    expect((await getConfig(deps, ws)).version).toBe(2);
    expect(await deps.db.select().from(configVersions).where(eq(configVersions.workspaceId, ws.id))).toHaveLength(2);
  });

  it("two concurrent changes become versions N+1 and N+2, neither lost", async () => {
    const { deps, ws } = await newWorkspace();
    await changeConfig(deps, ws, () => baseInput(), { message: "v2" });
    const results = await Promise.all([
      changeConfig(deps, ws, addRoute("alpha"), { message: "alpha" }),
      changeConfig(deps, ws, addRoute("beta"), { message: "beta" }),
      changeConfig(deps, ws, addRoute("gamma"), { message: "gamma" }),
    ]);
    expect(results.map((r) => r.version).sort()).toEqual([3, 4, 5]);
    const { version, config } = await getConfig(deps, ws);
    expect(version).toBe(5);
    expect(config.routes.map((r) => r.name).sort()).toEqual(["alpha", "beta", "gamma", "users"]);
  });

  it("If-Match on a stale version is 412 and changes nothing; on the current one it applies", async () => {
    const { deps, ws } = await newWorkspace();
    await changeConfig(deps, ws, () => baseInput(), { message: "v2" });
    const err = await apiErrorOf(() => changeConfig(deps, ws, addRoute("late"), { message: "late", ifVersion: 1 }));
    expect([err.status, err.code, err.extensions]).toEqual([412, "precondition_failed", { currentVersion: 2 }]);
    expect((await getConfig(deps, ws)).config.routes.map((r) => r.name)).toEqual(["users"]);
    expect((await changeConfig(deps, ws, addRoute("ok"), { message: "ok", ifVersion: 2 })).version).toBe(3);
  });

  it("lists versions newest first with cursors, and gets one; an unknown version is 404", async () => {
    const { deps, ws } = await newWorkspace();
    await changeConfig(deps, ws, () => baseInput(), { message: "a" });
    for (const name of ["b", "c"]) await changeConfig(deps, ws, addRoute(name), { message: name });
    const first = await listVersions(deps, ws, { limit: 2 });
    expect(first.items.map((v) => [v.version, v.message])).toEqual([
      [4, "c"],
      [3, "b"],
    ]);
    const second = await listVersions(deps, ws, { limit: 2, cursor: first.nextCursor ?? "" });
    expect(second).toEqual({
      items: [expect.objectContaining({ version: 2, message: "a" }), expect.objectContaining({ version: 1 })],
      nextCursor: null,
    });
    expect((await getVersion(deps, ws, 2)).config.routes).toHaveLength(1);
    expect((await apiErrorOf(() => getVersion(deps, ws, 99))).status).toBe(404);
    const other = await newWorkspace();
    expect((await apiErrorOf(() => getVersion(other.deps, other.ws, 3))).status).toBe(404);
  });

  it("rollback makes a new version equal to the old config (ids included)", async () => {
    const { deps, ws } = await newWorkspace();
    const v2 = await changeConfig(deps, ws, () => baseInput(), { message: "v2" });
    await changeConfig(deps, ws, (c) => ({ ...c, services: c.services.map((s) => ({ ...s, retries: 3 })) }), { message: "v3" });
    await changeConfig(deps, ws, addRoute("extra"), { message: "v4" });
    const back = await rollback(deps, ws, 2);
    expect(back.version).toBe(5);
    expect(back.config).toEqual(v2.config);
    expect((await getVersion(deps, ws, 5)).message).toBe("Rollback to version 2");
    expect((await apiErrorOf(() => rollback(deps, ws, 3, { ifVersion: 4 }))).status).toBe(412);
  });

  it("diffConfigs names what changed by entity name", async () => {
    const { deps, ws } = await newWorkspace();
    const a = (await changeConfig(deps, ws, () => baseInput(), { message: "a" })).config;
    const b = (
      await changeConfig(
        deps,
        ws,
        (c) => ({
          ...addRoute("extra")(c),
          hosts: ["api.example.com"],
          services: c.services.map((s) => ({ ...s, retries: 2, targets: s.targets.map((t) => ({ ...t, weight: 5 })) })),
        }),
        { message: "b" },
      )
    ).config;
    const targetId = a.services[0]?.targets[0]?.id;
    expect(diffConfigs(a, b)).toEqual([
      { op: "change", path: "hosts", before: [], after: ["api.example.com"] },
      { op: "change", path: `services[users].targets[${targetId}].weight`, before: 100, after: 5 },
      { op: "change", path: "services[users].retries", before: 1, after: 2 },
      { op: "add", path: "routes[extra]", after: b.routes[1] },
    ]);
    expect(diffConfigs(b, b)).toEqual([]);
  });

  it("a host another workspace serves is 422", async () => {
    const one = await newWorkspace();
    const two = await newWorkspace();
    const host = `${one.ws.slug}.example.com`;
    await changeConfig(one.deps, one.ws, () => ({ ...baseInput(), hosts: [host] }), { message: "host" });
    expect(
      await pathsOf(() =>
        changeConfig(two.deps, two.ws, () => ({ ...baseInput(), hosts: ["free.example.org", host] }), { message: "steal" }),
      ),
    ).toEqual(["hosts[1]"]);
    expect((await getConfig(two.deps, two.ws)).version).toBe(1);
  });

  it("deleteWorkspace removes its rows; its config is then 404", async () => {
    const { deps, ws } = await newWorkspace();
    await changeConfig(deps, ws, () => baseInput(), { message: "v2" });
    await deleteWorkspace(deps, ws);
    expect((await apiErrorOf(() => getConfig(deps, ws))).status).toBe(404);
    expect(await deps.db.select().from(configVersions).where(eq(configVersions.workspaceId, ws.id))).toEqual([]);
  });
});
