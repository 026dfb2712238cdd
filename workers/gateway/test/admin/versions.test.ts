import { describe, expect, it } from "vitest";
import { addMember, api, call, createWorkspace, expectStale, getConfig, gw, newUser, putConfig } from "../helpers";

type Info = { version: number; createdAt: string; createdBy: string; message: string };
const svc = (name: string) => ({ name, targets: [{ binding: "UPSTREAM_A" }] });

async function withHistory() {
  const owner = await newUser();
  const ws = await createWorkspace(owner.token);
  await putConfig(owner.token, ws.slug, { services: [svc("a")] }); // 2
  await putConfig(owner.token, ws.slug, { services: [svc("a"), svc("b")] }); // 3
  await putConfig(owner.token, ws.slug, { services: [{ ...svc("b"), retries: 4 }] }); // 4
  return { owner, ws, at: `/workspaces/${ws.slug}/config/versions` };
}

describe("config versions", () => {
  it("lists the history newest first, paged, and reads one version", async () => {
    const { owner, at } = await withHistory();
    const first = await api.ok<{ items: Info[]; nextCursor: string | null }>(call("GET", `${at}?limit=3`, owner.token));
    expect(first.items.map((v) => v.version)).toEqual([4, 3, 2]);
    expect(first.items[0]).toEqual({ version: 4, createdAt: expect.any(String), createdBy: owner.id, message: "Import" });
    const rest = await api.ok<{ items: Info[]; nextCursor: string | null }>(
      call("GET", `${at}?limit=3&cursor=${encodeURIComponent(first.nextCursor as string)}`, owner.token),
    );
    expect(rest).toEqual({ items: [expect.objectContaining({ version: 1, message: "Workspace created" })], nextCursor: null });
    const v2 = await api.ok<Info & { config: { services: { name: string }[] } }>(call("GET", `${at}/2`, owner.token));
    expect(v2.version).toBe(2);
    expect(v2.config.services.map((s) => s.name)).toEqual(["a"]);
    await api.problem(call("GET", `${at}/99`, owner.token), 404, "not_found");
    await api.problem(call("GET", `${at}/0`, owner.token), 422, "validation_failed", ["version"]);
    await api.problem(call("GET", `${at}/abc`, owner.token), 422, "validation_failed", ["version"]);
    await api.problem(call("GET", `${at}/99999999999999999999`, owner.token), 422, "validation_failed", ["version"]);
  });

  it("diffs two versions by name (default: against the one before)", async () => {
    const { owner, at } = await withHistory();
    const d = await api.ok<{ from: number; to: number; changes: { op: string; path: string }[] }>(call("GET", `${at}/4/diff`, owner.token));
    expect(d.from).toBe(3);
    expect(d.to).toBe(4);
    expect(d.changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ op: "remove", path: "services[a]" }),
        expect.objectContaining({ op: "change", path: "services[b].retries", before: 1, after: 4 }),
      ]),
    );
    const back = await api.ok<{ from: number; to: number; changes: unknown[] }>(call("GET", `${at}/2/diff?against=4`, owner.token));
    expect(back).toMatchObject({ from: 4, to: 2 });
    expect(back.changes.length).toBeGreaterThan(0);
    expect(await api.ok(call("GET", `${at}/3/diff?against=3`, owner.token))).toEqual({ from: 3, to: 3, changes: [] });
    await api.problem(call("GET", `${at}/4/diff?against=77`, owner.token), 404, "not_found");
    await api.problem(call("GET", `${at}/4/diff?against=-1`, owner.token), 422, "validation_failed", ["against"]);
  });

  it("rollback makes an old document current as a new version, honouring If-Match", async () => {
    const { owner, ws, at } = await withHistory();
    await expectStale(call("POST", `${at}/2/rollback`, owner.token, undefined, { "If-Match": '"3"' }), 4);
    const res = await call("POST", `${at}/2/rollback`, owner.token, undefined, { "If-Match": '"4"' });
    const rolled = await api.ok<{ version: number; config: { services: { name: string }[] } }>(res, 201);
    expect(rolled.version).toBe(5);
    expect(rolled.config.services.map((s) => s.name)).toEqual(["a"]);
    expect(res.headers.get("Location")).toBe(`/gateway/v1${at}/5`);
    expect(res.headers.get("ETag")).toBe('"5"');
    const v2 = await api.ok<{ config: unknown }>(call("GET", `${at}/2`, owner.token));
    expect((await getConfig(owner.token, ws.slug)).config).toEqual(v2.config);
    await api.problem(call("POST", `${at}/42/rollback`, owner.token), 404, "not_found");
    expect((await getConfig(owner.token, ws.slug)).version).toBe(5);
  });

  it("a rollback never revives a revoked key", async () => {
    const owner = await newUser();
    const ws = await createWorkspace(owner.token);
    const route = { name: "all", paths: ["/*"], service: "a", plugins: [{ name: "auth", config: { methods: ["key"] } }] };
    const { version } = await putConfig(owner.token, ws.slug, { services: [svc("a")], routes: [route], consumers: [{ username: "app" }] });
    const base = `/workspaces/${ws.slug}/consumers/app/keys`;
    const key = await api.ok<{ id: string; key: string }>(call("POST", base, owner.token), 201);
    expect((await gw(ws.slug, "/hello", { headers: { apikey: key.key } })).status).toBe(200);
    expect((await call("DELETE", `${base}/${key.id}`, owner.token)).status).toBe(204);
    await putConfig(owner.token, ws.slug, { services: [svc("a")], routes: [route], consumers: [{ username: "other" }] });
    await api.ok(call("POST", `/workspaces/${ws.slug}/config/versions/${version}/rollback`, owner.token), 201);
    const keys = await api.ok<{ items: { id: string; revokedAt: string | null }[] }>(call("GET", base, owner.token));
    expect(keys.items).toEqual([expect.objectContaining({ id: key.id, revokedAt: expect.any(String) })]);
    expect((await gw(ws.slug, "/hello", { headers: { apikey: key.key } })).status).toBe(401);
  });

  it("viewers read the history but cannot roll back; strangers get 404", async () => {
    const { owner, ws, at } = await withHistory();
    const viewer = await newUser();
    await addMember(owner.token, ws.slug, viewer.email, "viewer");
    expect((await api.ok<{ items: Info[] }>(call("GET", at, viewer.token))).items).toHaveLength(4);
    await api.problem(call("POST", `${at}/2/rollback`, viewer.token), 403, "forbidden");
    const stranger = await newUser();
    for (const path of [at, `${at}/2`, `${at}/4/diff`]) await api.problem(call("GET", path, stranger.token), 404, "not_found");
    await api.problem(call("POST", `${at}/2/rollback`, stranger.token), 404, "not_found");
    expect((await getConfig(owner.token, ws.slug)).version).toBe(4);
  });
});
