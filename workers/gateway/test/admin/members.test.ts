import { describe, expect, it } from "vitest";
import { addMember, api, call, createWorkspace, newUser, type Page, type Workspace } from "../helpers";

type Member = { userId: string; email: string | null; name: string | null; role: string; createdAt: string };

describe("members", () => {
  it("an owner adds members by email, changes their roles and removes them; members see the workspace", async () => {
    const owner = await newUser();
    const ws = await createWorkspace(owner.token);
    const bob = await newUser();
    const res = await call("POST", `/workspaces/${ws.slug}/members`, owner.token, { email: bob.email.toUpperCase(), role: "viewer" });
    const added: Member = await api.ok(res, 201);
    expect(added).toEqual({ userId: bob.id, email: bob.email, name: bob.id, role: "viewer", createdAt: expect.any(String) });
    expect(res.headers.get("Location")).toBe(`/gateway/v1/workspaces/${ws.slug}/members/${bob.id}`);

    const list = await api.ok<{ items: Member[] }>(call("GET", `/workspaces/${ws.slug}/members`, bob.token));
    expect(list.items.map((m) => [m.userId, m.role])).toEqual([
      [owner.id, "owner"],
      [bob.id, "viewer"],
    ]);
    const mine: Page<Workspace> = await api.ok(call("GET", "/workspaces", bob.token));
    expect(mine.items).toEqual([{ ...ws, role: "viewer" }]);

    expect(await api.ok(call("PATCH", `/workspaces/${ws.slug}/members/${bob.id}`, owner.token, { role: "admin" }))).toMatchObject({
      userId: bob.id,
      role: "admin",
    });
    expect((await call("DELETE", `/workspaces/${ws.slug}/members/${bob.id}`, owner.token)).status).toBe(204);
    await api.problem(call("GET", `/workspaces/${ws.slug}`, bob.token), 404, "not_found");
    await api.problem(call("DELETE", `/workspaces/${ws.slug}/members/${bob.id}`, owner.token), 404, "not_found");
    await api.problem(call("PATCH", `/workspaces/${ws.slug}/members/${bob.id}`, owner.token, { role: "admin" }), 404, "not_found");
  });

  it("refuses unknown emails (422), duplicates (409), bad roles (422), and never leaves a workspace without an owner", async () => {
    const owner = await newUser();
    const ws = await createWorkspace(owner.token);
    const at = `/workspaces/${ws.slug}/members`;
    await api.problem(call("POST", at, owner.token, { email: "nobody@example.com", role: "viewer" }), 422, "validation_failed", ["email"]);
    await api.problem(call("POST", at, owner.token, { email: "not an email", role: "viewer" }), 422, "validation_failed", ["email"]);
    await api.problem(call("POST", at, owner.token, { email: owner.email, role: "superuser" }), 422, "validation_failed", ["role"]);
    await api.problem(call("POST", at, owner.token, { email: owner.email, role: "viewer" }), 409, "conflict");
    await api.problem(call("PATCH", `${at}/${owner.id}`, owner.token, { role: "viewer" }), 409, "conflict");
    await api.problem(call("DELETE", `${at}/${owner.id}`, owner.token), 409, "conflict");
    await api.problem(call("PATCH", `${at}/..%2F..%2Fadmin`, owner.token, { role: "viewer" }), 422, "validation_failed", ["userId"]);
    // with a second owner, the first may step down and leave
    const second = await newUser();
    await addMember(owner.token, ws.slug, second.email, "owner");
    expect(await api.ok(call("PATCH", `${at}/${owner.id}`, owner.token, { role: "admin" }))).toMatchObject({ role: "admin" });
    expect((await call("DELETE", `${at}/${owner.id}`, owner.token)).status).toBe(204);
    const list = await api.ok<{ items: Member[] }>(call("GET", at, second.token));
    expect(list.items.map((m) => [m.userId, m.role])).toEqual([[second.id, "owner"]]);
  });

  it("only owners manage members; any member may leave; strangers get 404", async () => {
    const owner = await newUser();
    const ws = await createWorkspace(owner.token);
    const admin = await newUser();
    const viewer = await newUser();
    await addMember(owner.token, ws.slug, admin.email, "admin");
    await addMember(owner.token, ws.slug, viewer.email, "viewer");
    const at = `/workspaces/${ws.slug}/members`;
    const someone = await newUser();
    await api.problem(call("POST", at, admin.token, { email: someone.email, role: "owner" }), 403, "forbidden");
    await api.problem(call("PATCH", `${at}/${admin.id}`, admin.token, { role: "owner" }), 403, "forbidden");
    await api.problem(call("PATCH", `${at}/${viewer.id}`, viewer.token, { role: "owner" }), 403, "forbidden");
    await api.problem(call("DELETE", `${at}/${viewer.id}`, admin.token), 403, "forbidden");
    await api.problem(call("GET", at, someone.token), 404, "not_found");
    await api.problem(call("POST", at, someone.token, { email: someone.email, role: "owner" }), 404, "not_found");
    await api.problem(call("DELETE", `${at}/${owner.id}`, someone.token), 404, "not_found");
    expect((await call("DELETE", `${at}/${viewer.id}`, viewer.token)).status).toBe(204);
    const list = await api.ok<{ items: Member[] }>(call("GET", at, owner.token));
    expect(list.items.map((m) => [m.userId, m.role])).toEqual([
      [owner.id, "owner"],
      [admin.id, "admin"],
    ]);
  });
});
