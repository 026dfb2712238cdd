import { env } from "cloudflare:test";
import { describe, expect, it, test } from "vitest";
import { call, expectProblem, listAll, newUser, type Todo } from "./helpers";

const create = (token: string, body: unknown, key?: string) =>
  call("POST", "/todos", token, body, key === undefined ? {} : { "Idempotency-Key": key });

describe("Idempotency-Key on POST /todos", () => {
  it("a retry returns the first response (201, same body, same Location) and creates nothing", async () => {
    const { token } = await newUser();
    const first = await create(token, { title: "Once", tags: ["a"] }, "key-1");
    expect(first.status).toBe(201);
    expect(first.headers.get("Idempotent-Replayed")).toBeNull();
    const todo = (await first.json()) as Todo;
    // the todo changes meanwhile; the replay is still the first response
    await call("PATCH", `/todos/${todo.id}`, token, { title: "Changed" });
    const retry = await create(token, { tags: ["a"], title: "Once" }, "key-1");
    expect(retry.status).toBe(201);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(retry.headers.get("Location")).toBe(`/todo/v1/todos/${todo.id}`);
    expect(await retry.json()).toEqual(todo);
    expect(await listAll(token)).toHaveLength(1);
  });

  it("the same key with a different body is 422 and creates nothing", async () => {
    const { token } = await newUser();
    await create(token, { title: "One" }, "key-2");
    const res = await create(token, { title: "Two" }, "key-2");
    const body = await expectProblem(res, 422, "validation_failed", ["idempotency-key"]);
    expect(body.errors?.[0]?.location).toBe("header");
    expect((await listAll(token)).map((t) => t.title)).toEqual(["One"]);
  });

  it("keys are per user", async () => {
    const a = await newUser();
    const b = await newUser();
    const ta = (await (await create(a.token, { title: "A" }, "shared")).json()) as Todo;
    const res = await create(b.token, { title: "B" }, "shared");
    expect(res.status).toBe(201);
    expect(res.headers.get("Idempotent-Replayed")).toBeNull();
    expect(((await res.json()) as Todo).id).not.toBe(ta.id);
  });

  it("without a key, two identical creates make two todos", async () => {
    const { token } = await newUser();
    await create(token, { title: "Same" });
    await create(token, { title: "Same" });
    expect(await listAll(token)).toHaveLength(2);
  });

  it("concurrent creates with one key make exactly one todo", async () => {
    const { token } = await newUser();
    const responses = await Promise.all(Array.from({ length: 5 }, () => create(token, { title: "Race" }, "race-key")));
    expect(responses.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as Todo[];
    expect(new Set(bodies.map((b) => b.id)).size).toBe(1);
    expect(responses.filter((r) => r.headers.get("Idempotent-Replayed") === "true")).toHaveLength(4);
    expect(await listAll(token)).toHaveLength(1);
  });

  it("a key older than 24 hours is forgotten", async () => {
    const { id, token } = await newUser();
    const first = (await (await create(token, { title: "Old" }, "stale")).json()) as Todo;
    await env.DB.prepare("UPDATE idempotency_keys SET created_at = created_at - 86400001 WHERE user_id = ?").bind(id).run();
    const res = await create(token, { title: "New" }, "stale");
    expect(res.status).toBe(201);
    expect(res.headers.get("Idempotent-Replayed")).toBeNull();
    expect(((await res.json()) as Todo).id).not.toBe(first.id);
    const again = await create(token, { title: "New" }, "stale");
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await listAll(token)).toHaveLength(2);
  });

  test.each([
    ["an empty key", ""],
    ["a 256-character key", "k".repeat(256)],
    ["a key with a tab", "a\tb"],
  ])("refuses %s with 422", async (_label, key) => {
    const { token } = await newUser();
    const res = await call("POST", "/todos", token, { title: "x" }, { "Idempotency-Key": key });
    await expectProblem(res, 422, "validation_failed", ["idempotency-key"]);
    expect(await listAll(token)).toEqual([]);
  });

  it("accepts a 255-character key", async () => {
    const { token } = await newUser();
    expect((await create(token, { title: "x" }, "k".repeat(255))).status).toBe(201);
  });

  it("a failed validation does not burn the key", async () => {
    const { token } = await newUser();
    await expectProblem(await create(token, { title: "" }, "k-valid"), 422, "validation_failed", ["title"]);
    expect((await create(token, { title: "ok" }, "k-valid")).status).toBe(201);
  });
});
