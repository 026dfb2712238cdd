import { describe, expect, it, test } from "vitest";
import { call, createTodo, expectProblem, listAll, newUser, rowsOf, sleep, type Todo } from "./helpers";

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe("DELETE /todos/{id}", () => {
  it("soft-deletes: 204, then 404 everywhere, the row kept with deleted_at", async () => {
    const { id: userId, token } = await newUser();
    const todo = await createTodo(token, { tags: ["gone"] });
    const keep = await createTodo(token);
    const res = await call("DELETE", `/todos/${todo.id}`, token);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    await expectProblem(await call("GET", `/todos/${todo.id}`, token), 404, "not_found");
    await expectProblem(await call("DELETE", `/todos/${todo.id}`, token), 404, "not_found");
    await expectProblem(await call("PATCH", `/todos/${todo.id}`, token, { title: "x" }), 404, "not_found");
    expect((await listAll(token)).map((t) => t.id)).toEqual([keep.id]);
    expect(await (await call("GET", "/tags", token)).json()).toEqual({ items: [] });
    const rows = await rowsOf(userId);
    expect(rows.find((r) => r.id === todo.id)?.deleted_at).toEqual(expect.any(Number));
  });

  it("is 404 for an unknown id", async () => {
    const { token } = await newUser();
    await expectProblem(await call("DELETE", "/todos/nope", token), 404, "not_found");
  });
});

describe("POST /todos/{id}/complete and /incomplete", () => {
  it("sets completedAt once, keeps it when repeated, clears it on incomplete", async () => {
    const { token } = await newUser();
    const todo = await createTodo(token);
    await sleep(5);
    const res = await call("POST", `/todos/${todo.id}/complete`, token);
    expect(res.status).toBe(200);
    const done = (await res.json()) as Todo;
    expect(done).toEqual({ ...todo, completed: true, completedAt: expect.stringMatching(ISO), updatedAt: done.completedAt });
    expect(Date.parse(done.updatedAt)).toBeGreaterThan(Date.parse(todo.updatedAt));
    await sleep(5);
    const again = (await (await call("POST", `/todos/${todo.id}/complete`, token)).json()) as Todo;
    expect(again).toEqual(done);
    await sleep(5);
    const undone = (await (await call("POST", `/todos/${todo.id}/incomplete`, token)).json()) as Todo;
    expect(undone).toEqual({ ...done, completed: false, completedAt: null, updatedAt: expect.stringMatching(ISO) });
    expect(Date.parse(undone.updatedAt)).toBeGreaterThan(Date.parse(done.updatedAt));
    await sleep(5);
    expect(await (await call("POST", `/todos/${todo.id}/incomplete`, token)).json()).toEqual(undone);
  });

  test.each(["complete", "incomplete"])("%s is 404 for an unknown id and 422 for a bad one", async (action) => {
    const { token } = await newUser();
    await expectProblem(await call("POST", `/todos/nope/${action}`, token), 404, "not_found");
    await expectProblem(await call("POST", `/todos/no%20pe/${action}`, token), 422, "validation_failed", ["id"]);
  });
});
