import { describe, expect, it } from "vitest";
import { addMember, api, call, createWorkspace, newUser, type Page, slugOf, type Workspace } from "../helpers";

describe("workspaces", () => {
  it("create, get, list, rename and delete (happy path)", async () => {
    const { token } = await newUser();
    const slug = slugOf();
    const res = await call("POST", "/workspaces", token, { slug, name: "  Acme APIs  " });
    const ws: Workspace = await api.ok(res, 201);
    expect(ws).toEqual({
      id: expect.stringMatching(/^ws_/),
      slug,
      name: "Acme APIs",
      role: "owner",
      version: 1,
      createdAt: expect.any(String),
      updatedAt: ws.createdAt,
    });
    expect(res.headers.get("Location")).toBe(`/gateway/v1/workspaces/${slug}`);
    expect(await api.ok(call("GET", `/workspaces/${slug}`, token))).toEqual(ws);
    const page: Page<Workspace> = await api.ok(call("GET", "/workspaces", token));
    expect(page).toEqual({ items: [ws], nextCursor: null });

    const renamed: Workspace = await api.ok(call("PATCH", `/workspaces/${slug}`, token, { name: "Renamed" }));
    expect(renamed).toMatchObject({ slug, name: "Renamed", role: "owner" });
    expect(await api.ok(call("PATCH", `/workspaces/${slug}`, token, {}))).toEqual(renamed);

    expect((await call("DELETE", `/workspaces/${slug}`, token)).status).toBe(204);
    await api.problem(call("GET", `/workspaces/${slug}`, token), 404, "not_found");
    await api.problem(call("GET", `/workspaces/${slug}/config`, token), 404, "not_found");
    expect(await api.ok(call("GET", "/workspaces", token))).toEqual({ items: [], nextCursor: null });
    // the slug is free again
    await createWorkspace(token, slug);
  });

  it("pages the caller's workspaces by slug, each once", async () => {
    const { token } = await newUser();
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await createWorkspace(token));
    const first: Page<Workspace> = await api.ok(call("GET", "/workspaces?limit=2", token));
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    const all: Workspace[] = [...first.items];
    let cursor = first.nextCursor;
    while (cursor) {
      const page: Page<Workspace> = await api.ok(call("GET", `/workspaces?limit=2&cursor=${encodeURIComponent(cursor)}`, token));
      all.push(...page.items);
      cursor = page.nextCursor;
    }
    expect(all.map((w) => w.slug)).toEqual(made.map((w) => w.slug).sort());
    await api.problem(call("GET", "/workspaces?cursor=garbage", token), 422, "validation_failed", ["cursor"]);
    await api.problem(call("GET", "/workspaces?limit=0", token), 422, "validation_failed", ["limit"]);
  });

  it("refuses a taken slug (409) and invalid fields (422) and changes nothing", async () => {
    const { token } = await newUser();
    const ws = await createWorkspace(token);
    const other = await newUser();
    await api.problem(call("POST", "/workspaces", other.token, { slug: ws.slug, name: "mine" }), 409, "conflict");
    await api.problem(call("POST", "/workspaces", token, { slug: "Upper", name: "x" }), 422, "validation_failed", ["slug"]);
    await api.problem(call("POST", "/workspaces", token, { slug: "-dash", name: "x" }), 422, "validation_failed", ["slug"]);
    await api.problem(call("POST", "/workspaces", token, { slug: "a".repeat(64), name: "x" }), 422, "validation_failed", ["slug"]);
    await api.problem(call("POST", "/workspaces", token, { slug: "../admin", name: "x" }), 422, "validation_failed", ["slug"]);
    await api.problem(call("POST", "/workspaces", token, { slug: slugOf(), name: "   " }), 422, "validation_failed", ["name"]);
    await api.problem(call("POST", "/workspaces", token, { slug: slugOf(), name: "x", extra: 1 }), 422, "validation_failed");
    await api.problem(call("POST", "/workspaces", token, {}), 422, "validation_failed", ["slug", "name"]);
    await api.problem(call("PATCH", `/workspaces/${ws.slug}`, token, { name: "x".repeat(101) }), 422, "validation_failed", ["name"]);
    expect((await api.ok<Page<Workspace>>(call("GET", "/workspaces", token))).items).toEqual([ws]);
    expect((await api.ok<Page<Workspace>>(call("GET", "/workspaces", other.token))).items).toEqual([]);
  });

  it("an Idempotency-Key replays the creation instead of making a second one", async () => {
    const { token } = await newUser();
    const body = { slug: slugOf(), name: "Once" };
    const first: Workspace = await api.ok(call("POST", "/workspaces", token, body, { "Idempotency-Key": "create-1" }), 201);
    const again = await call("POST", "/workspaces", token, body, { "Idempotency-Key": "create-1" });
    expect(await api.ok(again, 201)).toEqual(first);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
  });

  it("only owners rename or delete; a stranger gets 404 for everything", async () => {
    const owner = await newUser();
    const ws = await createWorkspace(owner.token);
    const admin = await newUser();
    const viewer = await newUser();
    await addMember(owner.token, ws.slug, admin.email, "admin");
    await addMember(owner.token, ws.slug, viewer.email, "viewer");
    expect(await api.ok(call("GET", `/workspaces/${ws.slug}`, viewer.token))).toMatchObject({ slug: ws.slug, role: "viewer" });
    for (const who of [admin, viewer]) {
      await api.problem(call("PATCH", `/workspaces/${ws.slug}`, who.token, { name: "taken over" }), 403, "forbidden");
      await api.problem(call("DELETE", `/workspaces/${ws.slug}`, who.token), 403, "forbidden");
    }
    const stranger = await newUser();
    await api.problem(call("GET", `/workspaces/${ws.slug}`, stranger.token), 404, "not_found");
    await api.problem(call("PATCH", `/workspaces/${ws.slug}`, stranger.token, { name: "x" }), 404, "not_found");
    await api.problem(call("DELETE", `/workspaces/${ws.slug}`, stranger.token), 404, "not_found");
    await api.problem(call("GET", "/workspaces/no-such-workspace", owner.token), 404, "not_found");
    expect(await api.ok(call("GET", `/workspaces/${ws.slug}`, owner.token))).toEqual(ws);
  });
});
