import { describe, expect, it } from "vitest";
import { addMember, api, call, createWorkspace, gw, newUser, putConfig } from "../helpers";

type Key = { id: string; prefix: string; createdAt: string; revokedAt: string | null };

async function withConsumer() {
  const owner = await newUser();
  const ws = await createWorkspace(owner.token);
  const { version } = await putConfig(owner.token, ws.slug, {
    services: [{ name: "a", targets: [{ binding: "UPSTREAM_A" }] }],
    routes: [{ name: "all", paths: ["/*"], service: "a", plugins: [{ name: "auth", config: { methods: ["key"] } }] }],
    consumers: [{ username: "app" }],
  });
  return { owner, ws, version, at: `/workspaces/${ws.slug}/consumers/app/keys` };
}

describe("consumer API keys", () => {
  it("issues a key shown once, lists it by prefix, and revokes it at once; keys are not config", async () => {
    const { owner, ws, version, at } = await withConsumer();
    const res = await call("POST", at, owner.token);
    const issued = await api.ok<{ id: string; key: string; prefix: string; createdAt: string }>(res, 201);
    expect(issued).toEqual({
      id: expect.any(String),
      key: expect.stringMatching(/^ewg_[A-Za-z0-9]{32}$/),
      prefix: issued.key.slice(0, 10),
      createdAt: expect.any(String),
    });
    expect(res.headers.get("Location")).toBe(`/gateway/v1${at}/${issued.id}`);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const listed = await api.ok<{ items: Key[] }>(call("GET", at, owner.token));
    expect(listed.items).toEqual([{ id: issued.id, prefix: issued.prefix, createdAt: issued.createdAt, revokedAt: null }]);
    expect(JSON.stringify(listed)).not.toContain(issued.key);
    const exported = await (await call("GET", `/workspaces/${ws.slug}/config/export?format=json`, owner.token)).text();
    expect(exported).not.toContain(issued.key);
    expect(exported).not.toContain(issued.id);
    // keys do not make config versions
    expect((await api.ok<{ version: number }>(call("GET", `/workspaces/${ws.slug}/config`, owner.token))).version).toBe(version);

    expect((await gw(ws.slug, "/x", { headers: { apikey: issued.key } })).status).toBe(200);
    expect((await call("DELETE", `${at}/${issued.id}`, owner.token)).status).toBe(204);
    expect((await gw(ws.slug, "/x", { headers: { apikey: issued.key } })).status).toBe(401);
    await api.problem(call("DELETE", `${at}/${issued.id}`, owner.token), 404, "not_found");
    const after = await api.ok<{ items: Key[] }>(call("GET", at, owner.token));
    expect(after.items).toEqual([{ ...listed.items[0], revokedAt: expect.any(String) }]);
  });

  it("deleting a consumer revokes its keys", async () => {
    const { owner, ws, at } = await withConsumer();
    const issued = await api.ok<{ id: string; key: string }>(call("POST", at, owner.token), 201);
    expect((await call("DELETE", `/workspaces/${ws.slug}/consumers/app`, owner.token)).status).toBe(204);
    await api.problem(call("GET", at, owner.token), 404, "not_found");
    await api.ok(call("POST", `/workspaces/${ws.slug}/consumers`, owner.token, { username: "app" }), 201);
    const keys = await api.ok<{ items: Key[] }>(call("GET", at, owner.token));
    expect(keys.items.filter((k) => k.id === issued.id)).toEqual([]);
    expect((await gw(ws.slug, "/x", { headers: { apikey: issued.key } })).status).toBe(401);
  });

  it("another consumer's or workspace's key ids are 404; viewers list but cannot issue or revoke", async () => {
    const { owner, ws, at } = await withConsumer();
    const issued = await api.ok<{ id: string }>(call("POST", at, owner.token), 201);
    await api.ok(call("POST", `/workspaces/${ws.slug}/consumers`, owner.token, { username: "other" }), 201);
    await api.problem(call("DELETE", `/workspaces/${ws.slug}/consumers/other/keys/${issued.id}`, owner.token), 404, "not_found");
    await api.problem(call("GET", `/workspaces/${ws.slug}/consumers/nobody/keys`, owner.token), 404, "not_found");
    await api.problem(call("POST", `/workspaces/${ws.slug}/consumers/nobody/keys`, owner.token), 404, "not_found");
    const second = await withConsumer();
    await api.problem(call("DELETE", `${second.at}/${issued.id}`, second.owner.token), 404, "not_found");
    const viewer = await newUser();
    await addMember(owner.token, ws.slug, viewer.email, "viewer");
    expect((await api.ok<{ items: Key[] }>(call("GET", at, viewer.token))).items).toHaveLength(1);
    await api.problem(call("POST", at, viewer.token), 403, "forbidden");
    await api.problem(call("DELETE", `${at}/${issued.id}`, viewer.token), 403, "forbidden");
    const keys = await api.ok<{ items: Key[] }>(call("GET", at, owner.token));
    expect(keys.items).toEqual([expect.objectContaining({ id: issued.id, revokedAt: null })]);
  });
});
