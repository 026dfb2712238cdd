import { describe, expect, it, test } from "vitest";
import { call, createTodo, expectProblem, getTodo, newUser, sleep, type Todo } from "./helpers";

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe("GET /todos/{id}", () => {
  it("returns the todo", async () => {
    const { token } = await newUser();
    const todo = await createTodo(token, { title: "Read" });
    const res = await call("GET", `/todos/${todo.id}`, token);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(todo);
  });

  it("is 404 for an unknown id", async () => {
    const { token } = await newUser();
    await expectProblem(await call("GET", "/todos/V1StGXR8_Z5jdHi6B-myT", token), 404, "not_found");
  });

  test.each([
    ["an encoded ../", "..%2F..%2Fetc"],
    ["a quote and semicolon", "x'%3B%20DROP%20TABLE%20todos"],
    ["a 65-character id", "a".repeat(65)],
    ["a dot", "a.b"],
  ])("is 422 for %s in the id", async (_label, id) => {
    const { token } = await newUser();
    await expectProblem(await call("GET", `/todos/${id}`, token), 422, "validation_failed", ["id"]);
  });

  it("a literal ../ is resolved by URL parsing and never reaches a todo as an id", async () => {
    const { token } = await newUser();
    await expectProblem(await call("GET", "/todos/..%2F..%2Fetc%2Fpasswd", token), 422, "validation_failed", ["id"]);
    await expectProblem(await call("GET", "/todos/../../../etc/passwd", token), 404, "not_found");
  });
});

describe("PATCH /todos/{id}", () => {
  it("changes only the given fields and bumps updatedAt", async () => {
    const { token } = await newUser();
    const todo = await createTodo(token, { title: "Old", description: "keep", tags: ["a"], priority: "low" });
    await sleep(5);
    const res = await call("PATCH", `/todos/${todo.id}`, token, { title: "New", priority: "high" });
    expect(res.status).toBe(200);
    const updated = (await res.json()) as Todo;
    expect(updated).toEqual({ ...todo, title: "New", priority: "high", updatedAt: expect.stringMatching(ISO) });
    expect(Date.parse(updated.updatedAt)).toBeGreaterThan(Date.parse(todo.updatedAt));
    expect(await getTodo(token, todo.id)).toEqual(updated);
  });

  test.each([
    ["description", { description: "new text" }, { description: "new text" }],
    ["description cleared with null", { description: null }, { description: null }],
    ["dueAt", { dueAt: "2031-05-05T05:05:05Z" }, { dueAt: "2031-05-05T05:05:05.000Z" }],
    ["dueAt cleared with null", { dueAt: null }, { dueAt: null }],
    ["tags replaced", { tags: ["x", "X", "y"] }, { tags: ["x", "y"] }],
    ["tags cleared", { tags: [] }, { tags: [] }],
    ["position", { position: 0.5 }, { position: 0.5 }],
    ["priority", { priority: "urgent" }, { priority: "urgent" }],
  ])("updates %s", async (_label, patch, expected) => {
    const { token } = await newUser();
    const todo = await createTodo(token, { description: "d", dueAt: "2030-01-01T00:00:00Z", tags: ["t"] });
    const res = await call("PATCH", `/todos/${todo.id}`, token, patch);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ...todo, ...expected, updatedAt: expect.stringMatching(ISO) });
  });

  it("completed: true sets completedAt, false clears it", async () => {
    const { token } = await newUser();
    const todo = await createTodo(token);
    const done = (await (await call("PATCH", `/todos/${todo.id}`, token, { completed: true })).json()) as Todo;
    expect(done.completed).toBe(true);
    expect(done.completedAt).toMatch(ISO);
    await sleep(5);
    const again = (await (await call("PATCH", `/todos/${todo.id}`, token, { completed: true, title: "t2" })).json()) as Todo;
    expect(again.completedAt).toBe(done.completedAt);
    const undone = (await (await call("PATCH", `/todos/${todo.id}`, token, { completed: false })).json()) as Todo;
    expect(undone).toMatchObject({ completed: false, completedAt: null });
  });

  it("an empty patch changes nothing, not even updatedAt", async () => {
    const { token } = await newUser();
    const todo = await createTodo(token);
    await sleep(5);
    const res = await call("PATCH", `/todos/${todo.id}`, token, {});
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(todo);
  });

  test.each([
    ["an empty title", { title: "" }, "title"],
    ["a null title", { title: null }, "title"],
    ["a 501-character title", { title: "x".repeat(501) }, "title"],
    ["a null priority", { priority: null }, "priority"],
    ["null tags", { tags: null }, "tags"],
    ["a string completed", { completed: "yes" }, "completed"],
    ["a bad due date", { dueAt: "soon" }, "dueAt"],
    ["an unknown field", { done: true }, ""],
  ])("refuses %s with 422 and changes nothing", async (_label, patch, path) => {
    const { token } = await newUser();
    const todo = await createTodo(token);
    await expectProblem(await call("PATCH", `/todos/${todo.id}`, token, patch), 422, "validation_failed", [path]);
    expect(await getTodo(token, todo.id)).toEqual(todo);
  });

  it("is 404 for an unknown id", async () => {
    const { token } = await newUser();
    await expectProblem(await call("PATCH", "/todos/nope", token, { title: "x" }), 404, "not_found");
  });
});

describe("PUT /todos/{id}", () => {
  it("replaces the todo: omitted fields go back to their defaults", async () => {
    const { token } = await newUser();
    const todo = await createTodo(token, { description: "d", dueAt: "2030-01-01T00:00:00Z", priority: "high", tags: ["a"], position: 1 });
    await createTodo(token, { position: 7 });
    await call("POST", `/todos/${todo.id}/complete`, token);
    await sleep(5);
    const res = await call("PUT", `/todos/${todo.id}`, token, { title: "Fresh" });
    expect(res.status).toBe(200);
    const replaced = (await res.json()) as Todo;
    expect(replaced).toEqual({
      ...todo,
      title: "Fresh",
      description: null,
      dueAt: null,
      priority: "medium",
      tags: [],
      position: 8,
      completed: false,
      completedAt: null,
      updatedAt: expect.stringMatching(ISO),
    });
    expect(Date.parse(replaced.updatedAt)).toBeGreaterThan(Date.parse(todo.updatedAt));
  });

  it("sets every given field, including completed", async () => {
    const { token } = await newUser();
    const todo = await createTodo(token);
    const body = {
      title: "All",
      description: "x",
      dueAt: "2031-01-01T00:00:00Z",
      priority: "low",
      tags: ["b"],
      position: 3,
      completed: true,
    };
    const replaced = (await (await call("PUT", `/todos/${todo.id}`, token, body)).json()) as Todo;
    expect(replaced).toMatchObject({ ...body, dueAt: "2031-01-01T00:00:00.000Z", completedAt: expect.stringMatching(ISO) });
    await sleep(5);
    const again = (await (await call("PUT", `/todos/${todo.id}`, token, body)).json()) as Todo;
    expect(again.completedAt).toBe(replaced.completedAt);
  });

  test.each([
    ["a missing title", { description: "x" }, "title"],
    ["an unknown priority", { title: "t", priority: "p0" }, "priority"],
    ["an unknown field", { title: "t", id: "x" }, ""],
  ])("refuses %s with 422 and changes nothing", async (_label, body, path) => {
    const { token } = await newUser();
    const todo = await createTodo(token, { description: "keep" });
    await expectProblem(await call("PUT", `/todos/${todo.id}`, token, body), 422, "validation_failed", [path]);
    expect(await getTodo(token, todo.id)).toEqual(todo);
  });

  it("is 404 for an unknown id", async () => {
    const { token } = await newUser();
    await expectProblem(await call("PUT", "/todos/nope", token, { title: "x" }), 404, "not_found");
  });
});
