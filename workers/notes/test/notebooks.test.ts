import { describe, expect, it, test } from "vitest";
import { call, createNote, createNotebook, expectProblem, listAll, type Notebook, type NoteSummary, newUser, ok } from "./helpers";

describe("POST /notebooks", () => {
  it("creates top-level and nested notebooks", async () => {
    const { token } = await newUser();
    const res = await call("POST", "/notebooks", token, { name: "  Work  " });
    expect(res.status).toBe(201);
    const work = (await res.json()) as Notebook;
    expect(work).toEqual({
      id: expect.stringMatching(/^[A-Za-z0-9_-]{21}$/),
      name: "Work",
      parentId: null,
      createdAt: expect.any(String),
      updatedAt: work.createdAt,
      access: "owner",
    });
    expect(res.headers.get("Location")).toBe(`/notes/v1/notebooks/${work.id}`);
    const child = await createNotebook(token, { name: "Projects", parentId: work.id });
    expect(child.parentId).toBe(work.id);
    expect(await ok(call("GET", `/notebooks/${child.id}`, token))).toEqual(child);
  });

  test.each([
    ["a missing name", {}, "name"],
    ["a blank name", { name: "   " }, "name"],
    ["a 201-character name", { name: "x".repeat(201) }, "name"],
    ["a number as name", { name: 5 }, "name"],
    ["an unknown field", { name: "x", color: "red" }, ""],
    ["a bad parentId", { name: "x", parentId: "../etc" }, "parentId"],
  ])("refuses %s with 422", async (_l, body, path) => {
    const { token } = await newUser();
    await expectProblem(await call("POST", "/notebooks", token, body), 422, "validation_failed", [path]);
    expect(await listAll(token, "/notebooks")).toEqual([]);
  });

  it("is 404 under someone else's notebook", async () => {
    const a = await newUser();
    const b = await newUser();
    const theirs = await createNotebook(a.token);
    await expectProblem(await call("POST", "/notebooks", b.token, { name: "x", parentId: theirs.id }), 404, "not_found");
  });

  it("refuses nesting deeper than 10 levels (409)", async () => {
    const { token } = await newUser();
    let parent: Notebook | undefined;
    for (let depth = 1; depth <= 10; depth++) parent = await createNotebook(token, { name: `L${depth}`, parentId: parent?.id ?? null });
    await expectProblem(await call("POST", "/notebooks", token, { name: "L11", parentId: parent?.id }), 409, "conflict");
  });
});

describe("GET /notebooks", () => {
  it("lists only the caller's live notebooks, paginated", async () => {
    const { token } = await newUser();
    const other = await newUser();
    await createNotebook(other.token);
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await createNotebook(token, { name: `N${i}` }));
    const first = await ok<{ items: Notebook[]; nextCursor: string }>(call("GET", "/notebooks?limit=2", token));
    expect(first.items.map((n) => n.name)).toEqual(["N0", "N1"]);
    expect(first.nextCursor).toEqual(expect.any(String));
    expect((await listAll<Notebook>(token, "/notebooks")).map((n) => n.id)).toEqual(made.map((n) => n.id));
    await expectProblem(await call("GET", "/notebooks?cursor=garbage", token), 422, "validation_failed", ["cursor"]);
  });
});

describe("PATCH /notebooks/{id}", () => {
  it("renames", async () => {
    const { token } = await newUser();
    const nb = await createNotebook(token, { name: "Old" });
    const renamed = await ok<Notebook>(call("PATCH", `/notebooks/${nb.id}`, token, { name: "New" }));
    expect(renamed).toMatchObject({ id: nb.id, name: "New", parentId: null });
    expect(await ok(call("PATCH", `/notebooks/${nb.id}`, token, {}))).toEqual(renamed);
  });

  it("moves a notebook with its subtree, and back to the top level", async () => {
    const { token } = await newUser();
    const a = await createNotebook(token, { name: "A" });
    const b = await createNotebook(token, { name: "B" });
    const b1 = await createNotebook(token, { name: "B1", parentId: b.id });
    const note = await createNote(token, b1.id, { title: "deep" });
    const moved = await ok<Notebook>(call("PATCH", `/notebooks/${b.id}`, token, { parentId: a.id }));
    expect(moved.parentId).toBe(a.id);
    expect((await ok<Notebook>(call("GET", `/notebooks/${b1.id}`, token))).parentId).toBe(b.id);
    const inA = await listAll<NoteSummary>(token, `/notes?notebookId=${a.id}&includeSubNotebooks=true`);
    expect(inA.map((n) => n.id)).toEqual([note.id]);
    expect((await ok<Notebook>(call("PATCH", `/notebooks/${b.id}`, token, { parentId: null }))).parentId).toBeNull();
  });

  it("refuses cycles with 409 and changes nothing", async () => {
    const { token } = await newUser();
    const a = await createNotebook(token, { name: "A" });
    const b = await createNotebook(token, { name: "B", parentId: a.id });
    const c = await createNotebook(token, { name: "C", parentId: b.id });
    await expectProblem(await call("PATCH", `/notebooks/${a.id}`, token, { parentId: a.id }), 409, "conflict");
    await expectProblem(await call("PATCH", `/notebooks/${a.id}`, token, { parentId: c.id }), 409, "conflict");
    await expectProblem(await call("PATCH", `/notebooks/${a.id}`, token, { parentId: b.id, name: "renamed" }), 409, "conflict");
    expect(await ok(call("GET", `/notebooks/${a.id}`, token))).toEqual(a);
  });

  it("two concurrent moves that would together make a cycle: exactly one wins", async () => {
    const { token } = await newUser();
    const a = await createNotebook(token, { name: "A" });
    const b = await createNotebook(token, { name: "B" });
    const [ab, ba] = await Promise.all([
      call("PATCH", `/notebooks/${a.id}`, token, { parentId: b.id }),
      call("PATCH", `/notebooks/${b.id}`, token, { parentId: a.id }),
    ]);
    expect([ab.status, ba.status].sort()).toEqual([200, 409]);
    const tree = await listAll<Notebook>(token, "/notebooks");
    expect(tree.filter((n) => n.parentId === null)).toHaveLength(1);
  });

  it("refuses a move that would nest deeper than 10 levels", async () => {
    const { token } = await newUser();
    let chain: Notebook | undefined;
    for (let depth = 1; depth <= 8; depth++) chain = await createNotebook(token, { name: `L${depth}`, parentId: chain?.id ?? null });
    const top = await createNotebook(token, { name: "T" });
    const mid = await createNotebook(token, { name: "T1", parentId: top.id });
    await createNotebook(token, { name: "T2", parentId: mid.id });
    // depth 8 + a 3-level subtree = 11
    await expectProblem(await call("PATCH", `/notebooks/${top.id}`, token, { parentId: chain?.id }), 409, "conflict");
    // under depth 7 it is exactly 10
    const l7 = (await listAll<Notebook>(token, "/notebooks")).find((n) => n.name === "L7");
    expect((await ok<Notebook>(call("PATCH", `/notebooks/${top.id}`, token, { parentId: l7?.id }))).parentId).toBe(l7?.id);
  });

  it("is 404 for someone else's notebook, as target or as parent", async () => {
    const a = await newUser();
    const b = await newUser();
    const theirs = await createNotebook(a.token);
    const mine = await createNotebook(b.token);
    await expectProblem(await call("PATCH", `/notebooks/${theirs.id}`, b.token, { name: "x" }), 404, "not_found");
    await expectProblem(await call("PATCH", `/notebooks/${mine.id}`, b.token, { parentId: theirs.id }), 404, "not_found");
    expect(await ok(call("GET", `/notebooks/${theirs.id}`, a.token))).toEqual(theirs);
  });
});

describe("DELETE /notebooks/{id}", () => {
  it("deletes the subtree and trashes its notes; restoring a note revives its notebooks", async () => {
    const { token } = await newUser();
    const a = await createNotebook(token, { name: "A" });
    const b = await createNotebook(token, { name: "B", parentId: a.id });
    const n1 = await createNote(token, a.id, { title: "one" });
    const n2 = await createNote(token, b.id, { title: "two" });
    expect((await call("DELETE", `/notebooks/${a.id}`, token)).status).toBe(204);
    await expectProblem(await call("GET", `/notebooks/${b.id}`, token), 404, "not_found");
    await expectProblem(await call("GET", `/notes/${n1.id}`, token), 404, "not_found");
    expect((await listAll<NoteSummary>(token, "/trash")).map((n) => n.id).sort()).toEqual([n1.id, n2.id].sort());
    expect(await listAll(token, "/notebooks")).toEqual([]);
    await ok(call("POST", `/notes/${n2.id}/restore`, token));
    expect((await listAll<Notebook>(token, "/notebooks")).map((n) => n.name)).toEqual(["A", "B"]);
    expect((await ok<{ notebookId: string }>(call("GET", `/notes/${n2.id}`, token))).notebookId).toBe(b.id);
  });

  it("is 404 twice and for strangers", async () => {
    const a = await newUser();
    const b = await newUser();
    const nb = await createNotebook(a.token);
    await expectProblem(await call("DELETE", `/notebooks/${nb.id}`, b.token), 404, "not_found");
    expect((await call("DELETE", `/notebooks/${nb.id}`, a.token)).status).toBe(204);
    await expectProblem(await call("DELETE", `/notebooks/${nb.id}`, a.token), 404, "not_found");
  });
});
