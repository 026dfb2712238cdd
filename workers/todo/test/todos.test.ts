import { describe, expect, it, test } from "vitest";
import { call, createTodo, expectProblem, getTodo, listAll, newUser, rowsOf, sleep, type Todo } from "./helpers";

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe("POST /todos", () => {
  it("creates a todo with defaults, a Location header and ISO times", async () => {
    const { token } = await newUser();
    const res = await call("POST", "/todos", token, { title: "  Buy milk  " });
    expect(res.status).toBe(201);
    const todo = (await res.json()) as Todo;
    expect(res.headers.get("Location")).toBe(`/todo/v1/todos/${todo.id}`);
    expect(todo).toEqual({
      id: expect.stringMatching(/^[A-Za-z0-9_-]{21}$/),
      title: "Buy milk",
      description: null,
      completed: false,
      completedAt: null,
      dueAt: null,
      priority: "medium",
      tags: [],
      position: 1,
      createdAt: expect.stringMatching(ISO),
      updatedAt: todo.createdAt,
    });
    expect(await getTodo(token, todo.id)).toEqual(todo);
  });

  it("stores every field: due time normalised to UTC, tags trimmed and deduplicated ignoring case", async () => {
    const { token } = await newUser();
    const todo = await createTodo(token, {
      title: "Report",
      description: "Quarterly numbers",
      dueAt: "2030-01-01T09:30:00+02:00",
      priority: "urgent",
      tags: [" Work ", "work", "WORK", "home", "Home"],
      position: 2.5,
    });
    expect(todo).toMatchObject({
      description: "Quarterly numbers",
      dueAt: "2030-01-01T07:30:00.000Z",
      priority: "urgent",
      tags: ["Work", "home"],
      position: 2.5,
    });
  });

  it("puts a new todo after the user's last one by default", async () => {
    const { token } = await newUser();
    expect((await createTodo(token)).position).toBe(1);
    expect((await createTodo(token)).position).toBe(2);
    expect((await createTodo(token, { position: 10 })).position).toBe(10);
    expect((await createTodo(token)).position).toBe(11);
    expect((await createTodo(token, { position: -5 })).position).toBe(-5);
    expect((await createTodo(token)).position).toBe(12);
  });

  it("an empty description is stored as null", async () => {
    const { token } = await newUser();
    expect((await createTodo(token, { description: "   " })).description).toBeNull();
  });

  test.each([
    ["1 character", "a"],
    ["500 characters", "x".repeat(500)],
    ["emoji and accents", "Café ☕ 🎉"],
    ["SQL-ish text, stored literally", "'; DROP TABLE todos; --"],
  ])("accepts a title of %s", async (_label, title) => {
    const { token } = await newUser();
    const todo = await createTodo(token, { title });
    expect(todo.title).toBe(title);
    expect((await getTodo(token, todo.id))?.title).toBe(title);
  });

  test.each([
    ["an empty title", { title: "" }, "title"],
    ["a blank title", { title: "   " }, "title"],
    ["a 501-character title", { title: "x".repeat(501) }, "title"],
    ["a missing title", { description: "d" }, "title"],
    ["a numeric title", { title: 42 }, "title"],
    ["a null title", { title: null }, "title"],
    ["a 10,001-character description", { title: "t", description: "d".repeat(10_001) }, "description"],
    ["an unknown priority", { title: "t", priority: "critical" }, "priority"],
    ["a null priority", { title: "t", priority: null }, "priority"],
    ["a due date in words", { title: "t", dueAt: "tomorrow" }, "dueAt"],
    ["a due date without time", { title: "t", dueAt: "2030-01-01" }, "dueAt"],
    ["a due date without zone", { title: "t", dueAt: "2030-01-01T10:00:00" }, "dueAt"],
    ["an impossible due date", { title: "t", dueAt: "2030-13-45T10:00:00Z" }, "dueAt"],
    ["a numeric due date", { title: "t", dueAt: 1893456000000 }, "dueAt"],
    ["21 tags", { title: "t", tags: Array.from({ length: 21 }, (_, i) => `tag${i}`) }, "tags"],
    ["an empty tag", { title: "t", tags: ["ok", " "] }, "tags.1"],
    ["a 51-character tag", { title: "t", tags: ["x".repeat(51)] }, "tags.0"],
    ["a tag with a newline", { title: "t", tags: ["a\nb"] }, "tags.0"],
    ["tags as a string", { title: "t", tags: "work" }, "tags"],
    ["a string position", { title: "t", position: "1" }, "position"],
    ["a huge position", { title: "t", position: 1e16 }, "position"],
    ["an unknown field", { title: "t", completed: true }, ""],
    ["a JSON array body", ["title"], ""],
    ["a JSON null body", null, ""],
  ])("refuses %s with 422 and creates nothing", async (_label, body, path) => {
    const { token } = await newUser();
    const res = await call("POST", "/todos", token, body === null ? "null" : body);
    await expectProblem(res, 422, "validation_failed", [path]);
    expect(await listAll(token)).toEqual([]);
  });

  it("accepts a 10,000-character description and exactly 20 tags", async () => {
    const { token } = await newUser();
    const tags = Array.from({ length: 20 }, (_, i) => `t${i}`);
    const todo = await createTodo(token, { description: "d".repeat(10_000), tags });
    expect(todo.description).toHaveLength(10_000);
    expect(todo.tags).toEqual(tags);
  });
});

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
