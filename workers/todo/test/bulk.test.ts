import { describe, expect, it } from "vitest";
import { call, createTodo, expectProblem, listAll, newUser, rowsOf } from "./helpers";

describe("POST /todos/complete-all", () => {
  it("completes every open todo and keeps completedAt of those already done", async () => {
    const { token } = await newUser();
    const open1 = await createTodo(token);
    await createTodo(token);
    const done = await createTodo(token);
    const doneAt = (await (await call("POST", `/todos/${done.id}/complete`, token)).json()) as { completedAt: string };
    const deleted = await createTodo(token);
    await call("DELETE", `/todos/${deleted.id}`, token);
    const res = await call("POST", "/todos/complete-all", token);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ updated: 2 });
    const all = await listAll(token);
    expect(all.every((t) => t.completed && t.completedAt !== null)).toBe(true);
    expect(all.find((t) => t.id === done.id)?.completedAt).toBe(doneAt.completedAt);
    expect(all.find((t) => t.id === open1.id)?.completed).toBe(true);
    expect(await (await call("POST", "/todos/complete-all", token)).json()).toEqual({ updated: 0 });
  });
});

describe("DELETE /todos?status=completed", () => {
  it("soft-deletes only completed todos", async () => {
    const { id, token } = await newUser();
    const open = await createTodo(token);
    for (let i = 0; i < 3; i++) {
      const t = await createTodo(token);
      await call("POST", `/todos/${t.id}/complete`, token);
    }
    const res = await call("DELETE", "/todos?status=completed", token);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ deleted: 3 });
    expect((await listAll(token)).map((t) => t.id)).toEqual([open.id]);
    expect((await rowsOf(id)).filter((r) => r.deleted_at !== null)).toHaveLength(3);
    expect(await (await call("DELETE", "/todos?status=completed", token)).json()).toEqual({ deleted: 0 });
  });

  it.each([
    ["no status", ""],
    ["status=all", "?status=all"],
    ["status=active", "?status=active"],
  ])("refuses %s with 422 and deletes nothing", async (_label, query) => {
    const { token } = await newUser();
    const t = await createTodo(token);
    await call("POST", `/todos/${t.id}/complete`, token);
    await createTodo(token);
    await expectProblem(await call("DELETE", `/todos${query}`, token), 422, "validation_failed", ["status"]);
    expect(await listAll(token)).toHaveLength(2);
  });
});
