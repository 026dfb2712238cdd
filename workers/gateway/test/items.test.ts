import { describe, expect, it } from "vitest";
import { api, call, createItem, type Item, listAll, newUser, type Page } from "./helpers";

describe("items", () => {
  it("create, read, update, list and delete (happy path)", async () => {
    const { token } = await newUser();
    const res = await call("POST", "/items", token, { name: "  First  ", note: "a note" });
    const created: Item = await api.ok(res, 201);
    expect(created).toEqual({
      id: expect.any(String),
      name: "First",
      note: "a note",
      createdAt: expect.any(String),
      updatedAt: created.createdAt,
    });
    expect(res.headers.get("Location")).toBe(`/gateway/v1/items/${created.id}`);
    expect(await api.ok(call("GET", `/items/${created.id}`, token))).toEqual(created);

    const updated: Item = await api.ok(call("PATCH", `/items/${created.id}`, token, { note: null }));
    expect(updated).toMatchObject({ id: created.id, name: "First", note: null });
    expect(await api.ok(call("PATCH", `/items/${created.id}`, token, {}))).toEqual(updated);

    expect(await listAll(token)).toEqual([updated]);
    expect((await call("DELETE", `/items/${created.id}`, token)).status).toBe(204);
    await api.problem(call("GET", `/items/${created.id}`, token), 404, "not_found");
    await api.problem(call("DELETE", `/items/${created.id}`, token), 404, "not_found");
    expect(await listAll(token)).toEqual([]);
  });

  it("pages newest first, each item exactly once, with an opaque cursor", async () => {
    const { token } = await newUser();
    const made: Item[] = [];
    for (let i = 0; i < 5; i++) made.push(await createItem(token, { name: `item ${i}` }));
    const first: Page = await api.ok(call("GET", "/items?limit=2", token));
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    const all = await listAll(token);
    expect(all.map((i) => i.id).sort()).toEqual(made.map((i) => i.id).sort());
    const times = all.map((i) => i.createdAt);
    expect(times).toEqual([...times].sort().reverse());
    await api.problem(call("GET", "/items?cursor=not-a-cursor", token), 422, "validation_failed", ["cursor"]);
  });

  it("refuses invalid fields with 422 and says which", async () => {
    const { token } = await newUser();
    await api.problem(call("POST", "/items", token, {}), 422, "validation_failed", ["name"]);
    await api.problem(call("POST", "/items", token, { name: "   " }), 422, "validation_failed", ["name"]);
    await api.problem(call("POST", "/items", token, { name: "x".repeat(201) }), 422, "validation_failed", ["name"]);
    await api.problem(call("POST", "/items", token, { name: "ok", extra: 1 }), 422, "validation_failed");
    await api.problem(call("GET", "/items?limit=0", token), 422, "validation_failed", ["limit"]);
    expect(await listAll(token)).toEqual([]);
  });

  it("is 401 without a token and 404 for an unknown id", async () => {
    await api.problem(call("GET", "/items"), 401, "unauthorized");
    await api.problem(call("POST", "/items", undefined, { name: "x" }), 401, "unauthorized");
    const { token } = await newUser();
    await api.problem(call("GET", "/items/no-such-item", token), 404, "not_found");
    await api.problem(call("PATCH", "/items/no-such-item", token, { name: "x" }), 404, "not_found");
  });

  it("answers malformed JSON with 400 and a body over 1 MiB with 413", async () => {
    const { token } = await newUser();
    await api.problem(call("POST", "/items", token, '{"name": "x",'), 400, "malformed_json");
    await api.problem(call("POST", "/items", token, JSON.stringify({ name: "x".repeat(2 * 1024 * 1024) })), 413, "payload_too_large");
    expect(await listAll(token)).toEqual([]);
  });

  it("keeps users apart: another user's item is 404 and invisible", async () => {
    const owner = await newUser();
    const item = await createItem(owner.token, { name: "private" });
    const stranger = await newUser();
    await api.problem(call("GET", `/items/${item.id}`, stranger.token), 404, "not_found");
    await api.problem(call("PATCH", `/items/${item.id}`, stranger.token, { name: "mine" }), 404, "not_found");
    await api.problem(call("DELETE", `/items/${item.id}`, stranger.token), 404, "not_found");
    expect(await listAll(stranger.token)).toEqual([]);
    expect(await listAll(owner.token)).toEqual([item]);
  });
});
