import { describe, expect, it, test } from "vitest";
import { call, createTodo, expectProblem, getTodo, listAll, newUser, type Todo } from "./helpers";

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
