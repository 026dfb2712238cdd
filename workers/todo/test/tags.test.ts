import { describe, expect, it, test } from "vitest";
import { call, createTodo, expectProblem, getTodo, listAll, newUser, sleep } from "./helpers";

const tagsOf = async (token: string) => (await (await call("GET", "/tags", token)).json()) as { items: { name: string; count: number }[] };

describe("GET /tags", () => {
  it("counts live todos per tag, case-insensitively, sorted by name", async () => {
    const { token } = await newUser();
    await createTodo(token, { tags: ["work", "Urgent"] });
    await createTodo(token, { tags: ["Work", "home"] });
    await createTodo(token, { tags: ["apple"] });
    const deleted = await createTodo(token, { tags: ["work", "zebra"] });
    await call("DELETE", `/todos/${deleted.id}`, token);
    const res = await call("GET", "/tags", token);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      items: [
        { name: "apple", count: 1 },
        { name: "home", count: 1 },
        { name: "Urgent", count: 1 },
        { name: "Work", count: 2 },
      ],
    });
  });

  it("is empty for a user without todos", async () => {
    const { token } = await newUser();
    expect(await tagsOf(token)).toEqual({ items: [] });
  });
});

describe("PATCH /tags/{name}", () => {
  it("renames the tag on every todo and bumps their updatedAt only", async () => {
    const { token } = await newUser();
    const a = await createTodo(token, { tags: ["job", "x"] });
    const b = await createTodo(token, { tags: ["y", "JOB"] });
    const other = await createTodo(token, { tags: ["y"] });
    await sleep(5);
    const res = await call("PATCH", "/tags/job", token, { name: "work" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: "work", count: 2 });
    const a2 = await getTodo(token, a.id);
    const b2 = await getTodo(token, b.id);
    expect(a2?.tags).toEqual(["work", "x"]);
    expect(b2?.tags).toEqual(["y", "work"]);
    expect(Date.parse(a2?.updatedAt ?? "")).toBeGreaterThan(Date.parse(a.updatedAt));
    expect(await getTodo(token, other.id)).toEqual(other);
    expect(await tagsOf(token)).toEqual({
      items: [
        { name: "work", count: 2 },
        { name: "x", count: 1 },
        { name: "y", count: 2 },
      ],
    });
  });

  it("merges into an existing tag without duplicates, keeping the tag order", async () => {
    const { token } = await newUser();
    const both = await createTodo(token, { tags: ["a", "job", "b", "Work"] });
    const onlyNew = await createTodo(token, { tags: ["WORK"] });
    const res = await call("PATCH", "/tags/JOB", token, { name: "work" });
    expect(await res.json()).toEqual({ name: "work", count: 2 });
    expect((await getTodo(token, both.id))?.tags).toEqual(["a", "work", "b"]);
    expect((await getTodo(token, onlyNew.id))?.tags).toEqual(["work"]);
    expect(await tagsOf(token)).toEqual({
      items: [
        { name: "a", count: 1 },
        { name: "b", count: 1 },
        { name: "work", count: 2 },
      ],
    });
  });

  it("can change only the case of a tag", async () => {
    const { token } = await newUser();
    const t = await createTodo(token, { tags: ["ios"] });
    expect(await (await call("PATCH", "/tags/ios", token, { name: "iOS" })).json()).toEqual({ name: "iOS", count: 1 });
    expect((await getTodo(token, t.id))?.tags).toEqual(["iOS"]);
  });

  it("decodes URL-encoded names", async () => {
    const { token } = await newUser();
    const t = await createTodo(token, { tags: ["a/b c", "café"] });
    expect((await call("PATCH", `/tags/${encodeURIComponent("a/b c")}`, token, { name: "ab" })).status).toBe(200);
    expect((await call("PATCH", `/tags/${encodeURIComponent("café")}`, token, { name: "cafe" })).status).toBe(200);
    expect((await getTodo(token, t.id))?.tags).toEqual(["ab", "cafe"]);
  });

  it("treats LIKE wildcards and quotes in names literally", async () => {
    const { token } = await newUser();
    const t = await createTodo(token, { tags: ["a%", "b_", "it's"] });
    await expectProblem(await call("PATCH", "/tags/%25", token, { name: "x" }), 404, "not_found");
    await expectProblem(await call("PATCH", "/tags/b%25", token, { name: "x" }), 404, "not_found");
    expect((await call("PATCH", `/tags/${encodeURIComponent("it's")}`, token, { name: "its" })).status).toBe(200);
    expect((await getTodo(token, t.id))?.tags).toEqual(["a%", "b_", "its"]);
  });

  it("is 404 for an unknown tag, and for a tag only on deleted todos, changing nothing", async () => {
    const { token } = await newUser();
    const live = await createTodo(token, { tags: ["work"] });
    const gone = await createTodo(token, { tags: ["old"] });
    await call("DELETE", `/todos/${gone.id}`, token);
    await expectProblem(await call("PATCH", "/tags/nope", token, { name: "work" }), 404, "not_found");
    await expectProblem(await call("PATCH", "/tags/old", token, { name: "work" }), 404, "not_found");
    expect(await getTodo(token, live.id)).toEqual(live);
  });

  test.each([
    ["an empty new name", "work", { name: "" }, "name"],
    ["a 51-character new name", "work", { name: "x".repeat(51) }, "name"],
    ["a missing new name", "work", {}, "name"],
    ["an unknown field", "work", { name: "a", color: "red" }, ""],
    ["a 51-character tag in the path", "x".repeat(51), { name: "a" }, "name"],
    ["a blank tag in the path", "%20%20", { name: "a" }, "name"],
    ["a control character in the path", "a%0Ab", { name: "a" }, "name"],
  ])("refuses %s with 422 and changes nothing", async (_label, path, body, field) => {
    const { token } = await newUser();
    const t = await createTodo(token, { tags: ["work"] });
    await expectProblem(await call("PATCH", `/tags/${path}`, token, body), 422, "validation_failed", [field]);
    expect(await getTodo(token, t.id)).toEqual(t);
  });
});

describe("DELETE /tags/{name}", () => {
  it("removes the tag (any case) from every todo", async () => {
    const { token } = await newUser();
    const a = await createTodo(token, { tags: ["x", "Work", "y"] });
    const b = await createTodo(token, { tags: ["work"] });
    const c = await createTodo(token, { tags: ["z"] });
    const res = await call("DELETE", "/tags/WORK", token);
    expect(res.status).toBe(204);
    expect((await getTodo(token, a.id))?.tags).toEqual(["x", "y"]);
    expect((await getTodo(token, b.id))?.tags).toEqual([]);
    expect(await getTodo(token, c.id)).toEqual(c);
    expect((await tagsOf(token)).items.map((t) => t.name)).toEqual(["x", "y", "z"]);
    await expectProblem(await call("DELETE", "/tags/work", token), 404, "not_found");
  });

  it("is 404 for an unknown tag and 422 for an invalid one", async () => {
    const { token } = await newUser();
    await createTodo(token, { tags: ["keep"] });
    await expectProblem(await call("DELETE", "/tags/unknown", token), 404, "not_found");
    await expectProblem(await call("DELETE", `/tags/${"x".repeat(51)}`, token), 422, "validation_failed", ["name"]);
    expect((await listAll(token))[0]?.tags).toEqual(["keep"]);
  });
});
