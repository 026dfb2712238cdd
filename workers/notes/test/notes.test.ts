import { describe, expect, it, test } from "vitest";
import {
  call,
  createNote,
  createNotebook,
  expectProblem,
  listAll,
  type Note,
  type NoteSummary,
  newUser,
  noteRow,
  ok,
  type Page,
  userWithNote,
} from "./helpers";

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe("POST /notes", () => {
  it("creates a note with tags (deduplicated ignoring ASCII case) and an ETag", async () => {
    const { token } = await newUser();
    const nb = await createNotebook(token);
    const res = await call("POST", "/notes", token, {
      notebookId: nb.id,
      title: "  Plan  ",
      content: "# Plan\n\n- one",
      tags: ["Work", "work", "ideas"],
      pinned: true,
    });
    expect(res.status).toBe(201);
    const note = (await res.json()) as Note;
    expect(note).toEqual({
      id: expect.stringMatching(/^[A-Za-z0-9_-]{21}$/),
      notebookId: nb.id,
      title: "Plan",
      content: "# Plan\n\n- one",
      tags: ["Work", "ideas"],
      pinned: true,
      archived: false,
      version: 1,
      createdAt: expect.stringMatching(ISO),
      updatedAt: note.createdAt,
      access: "owner",
    });
    expect(res.headers.get("ETag")).toBe('"1"');
    expect(res.headers.get("Location")).toBe(`/notes/v1/notes/${note.id}`);
  });

  it("accepts empty content and odd unicode", async () => {
    const { token } = await newUser();
    const nb = await createNotebook(token);
    const note = await createNote(token, nb.id, { title: "Zażółć 🙂 ה\u200f", content: "" });
    expect(note).toMatchObject({ title: "Zażółć 🙂 ה\u200f", content: "" });
  });

  const big = "x".repeat(1024 * 1024);
  test.each([
    ["a missing title", { title: undefined }, "title"],
    ["a blank title", { title: " \t " }, "title"],
    ["a title with a line break", { title: "two\nlines" }, "title"],
    ["a 501-character title", { title: "é".repeat(501) }, "title"],
    ["content over 1 MiB of UTF-8", { content: `${"é".repeat(524_288)}x` }, "content"],
    ["content over 1 MiB of ASCII", { content: `${big}x` }, "content"],
    ["a missing notebookId", { notebookId: undefined }, "notebookId"],
    ["21 tags", { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, "tags"],
    ["a 51-character tag", { tags: ["x".repeat(51)] }, "tags.0"],
    ["a blank tag", { tags: [" "] }, "tags.0"],
    ["a tag with a newline", { tags: ["a\nb"] }, "tags.0"],
    ["tags as a string", { tags: "work" }, "tags"],
    ["pinned as a string", { pinned: "yes" }, "pinned"],
    ["a NUL in the content", { content: "a\u0000b" }, "content"],
    ["an unknown field", { color: "red" }, ""],
  ])("refuses %s with 422 and creates nothing", async (_l, patch, path) => {
    const { token } = await newUser();
    const nb = await createNotebook(token);
    const body = { notebookId: nb.id, title: "t", content: "c", ...patch };
    await expectProblem(await call("POST", "/notes", token, body), 422, "validation_failed", [path]);
    expect(await listAll(token, "/notes")).toEqual([]);
  });

  it("accepts exactly 1 MiB of content and 500-character titles", async () => {
    const { token } = await newUser();
    const nb = await createNotebook(token);
    const note = await createNote(token, nb.id, { title: "🙂".repeat(500), content: big });
    expect(note.content.length).toBe(1024 * 1024);
  });

  it("is 404 in someone else's notebook", async () => {
    const a = await newUser();
    const b = await newUser();
    const nb = await createNotebook(a.token);
    await expectProblem(await call("POST", "/notes", b.token, { notebookId: nb.id, title: "x", content: "" }), 404, "not_found");
  });
});

describe("GET /notes/{id}", () => {
  it("returns the note with its ETag, and 304 for If-None-Match", async () => {
    const { user, note } = await userWithNote();
    const res = await call("GET", `/notes/${note.id}`, user.token);
    expect(res.status).toBe(200);
    expect(res.headers.get("ETag")).toBe('"1"');
    expect(await res.json()).toEqual(note);
    const again = await call("GET", `/notes/${note.id}`, user.token, undefined, { "If-None-Match": '"1"' });
    expect(again.status).toBe(304);
  });

  test.each([
    ["an unknown id", "V1StGXR8_Z5jdHi6B-myT", 404],
    ["an encoded ../", "..%2F..%2Fetc", 422],
    ["a 65-character id", "a".repeat(65), 422],
    ["a quote", "x'%20OR%201%3D1", 422],
  ])("%s is %d", async (_l, id, status) => {
    const { token } = await newUser();
    await expectProblem(await call("GET", `/notes/${id}`, token), status, status === 404 ? "not_found" : "validation_failed");
  });

  it("another user's note is 404", async () => {
    const { note } = await userWithNote();
    const stranger = await newUser();
    await expectProblem(await call("GET", `/notes/${note.id}`, stranger.token), 404, "not_found");
  });
});

describe("PATCH /notes/{id}", () => {
  it("changes only the given fields, bumps version and updatedAt", async () => {
    const { user, note } = await userWithNote({ tags: ["a"] });
    await new Promise((r) => setTimeout(r, 5));
    const res = await call("PATCH", `/notes/${note.id}`, user.token, { title: "New", pinned: true });
    expect(res.status).toBe(200);
    expect(res.headers.get("ETag")).toBe('"2"');
    const updated = (await res.json()) as Note;
    expect(updated).toEqual({ ...note, title: "New", pinned: true, version: 2, updatedAt: expect.stringMatching(ISO) });
    expect(Date.parse(updated.updatedAt)).toBeGreaterThan(Date.parse(note.updatedAt));
  });

  it("{} changes nothing", async () => {
    const { user, note } = await userWithNote();
    expect(await ok(call("PATCH", `/notes/${note.id}`, user.token, {}))).toEqual(note);
  });

  it("moves a note to another of the owner's notebooks, not to someone else's", async () => {
    const { user, note } = await userWithNote();
    const other = await createNotebook(user.token, { name: "Other" });
    expect((await ok<Note>(call("PATCH", `/notes/${note.id}`, user.token, { notebookId: other.id }))).notebookId).toBe(other.id);
    const stranger = await newUser();
    const theirs = await createNotebook(stranger.token);
    await expectProblem(await call("PATCH", `/notes/${note.id}`, user.token, { notebookId: theirs.id }), 404, "not_found");
  });

  test.each([
    ["a blank title", { title: "" }, "title"],
    ["a null title", { title: null }, "title"],
    ["archived as a number", { archived: 1 }, "archived"],
    ["21 tags", { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, "tags"],
  ])("refuses %s with 422 and changes nothing", async (_l, body, path) => {
    const { user, note } = await userWithNote();
    await expectProblem(await call("PATCH", `/notes/${note.id}`, user.token, body), 422, "validation_failed", [path]);
    expect(await ok(call("GET", `/notes/${note.id}`, user.token))).toEqual(note);
  });
});

describe("concurrent edits: ETag and If-Match", () => {
  it("a stale If-Match is 412 and the other edit is not lost", async () => {
    const { user, note } = await userWithNote({ content: "v1" });
    const first = await call("PATCH", `/notes/${note.id}`, user.token, { content: "alice's edit" }, { "If-Match": '"1"' });
    expect(first.status).toBe(200);
    expect(first.headers.get("ETag")).toBe('"2"');
    const stale = await call("PATCH", `/notes/${note.id}`, user.token, { content: "bob's edit" }, { "If-Match": '"1"' });
    await expectProblem(stale, 412, "precondition_failed");
    expect(stale.headers.get("ETag")).toBe('"2"');
    expect((await ok<Note>(call("GET", `/notes/${note.id}`, user.token))).content).toBe("alice's edit");
    const retried = await call("PATCH", `/notes/${note.id}`, user.token, { content: "bob's edit" }, { "If-Match": '"2"' });
    expect(retried.status).toBe(200);
  });

  test.each([
    ["*", 200],
    ['"7", "1"', 200],
    ['W/"1"', 412],
    ["1", 412],
    ['"0"', 412],
  ])("If-Match: %s is %d", async (header, status) => {
    const { user, note } = await userWithNote();
    const res = await call("PATCH", `/notes/${note.id}`, user.token, { title: "x" }, { "If-Match": header });
    expect(res.status).toBe(status);
    if (status === 412) expect((await noteRow(note.id))?.title).toBe("A note");
  });

  it("of two concurrent edits with the same If-Match exactly one wins", async () => {
    const { user, note } = await userWithNote();
    const results = await Promise.all(
      ["one", "two", "three"].map((t) => call("PATCH", `/notes/${note.id}`, user.token, { title: t }, { "If-Match": '"1"' })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 412, 412]);
    expect((await noteRow(note.id))?.version).toBe(2);
  });

  it("without If-Match concurrent edits all apply (last write wins), each with its own version and revision", async () => {
    const { user, note } = await userWithNote();
    const edits = Array.from({ length: 12 }, (_, i) => `edit ${i}`);
    const results = await Promise.all(edits.map((t) => call("PATCH", `/notes/${note.id}`, user.token, { content: t })));
    expect(results.map((r) => r.status)).toEqual(edits.map(() => 200));
    const versions = await Promise.all(results.map(async (r) => ((await r.json()) as Note).version));
    expect(versions.sort((a, b) => a - b)).toEqual(edits.map((_, i) => i + 2));
    expect((await noteRow(note.id))?.version).toBe(13);
    const revisions = await listAll<{ version: number }>(user.token, `/notes/${note.id}/revisions`);
    expect(revisions.map((r) => r.version)).toEqual(Array.from({ length: 13 }, (_, i) => 13 - i));
  });

  it("DELETE honours If-Match too", async () => {
    const { user, note } = await userWithNote();
    await expectProblem(
      await call("DELETE", `/notes/${note.id}`, user.token, undefined, { "If-Match": '"9"' }),
      412,
      "precondition_failed",
    );
    expect((await call("DELETE", `/notes/${note.id}`, user.token, undefined, { "If-Match": '"1"' })).status).toBe(204);
  });
});

describe("GET /notes (lists)", () => {
  it("lists pinned first, then most recently updated, with excerpts and cursor pagination", async () => {
    const { token } = await newUser();
    const nb = await createNotebook(token);
    const a = await createNote(token, nb.id, { title: "a", content: "x".repeat(300) });
    const b = await createNote(token, nb.id, { title: "b" });
    const c = await createNote(token, nb.id, { title: "c", pinned: true });
    await new Promise((r) => setTimeout(r, 5));
    await ok(call("PATCH", `/notes/${a.id}`, token, { tags: ["fresh"] }));
    const all = await listAll<NoteSummary>(token, "/notes");
    expect(all.map((n) => n.title)).toEqual(["c", "a", "b"]);
    expect(all[1]?.excerpt).toBe("x".repeat(200));
    expect(all[1]).not.toHaveProperty("content");
    const page1 = await ok<Page<NoteSummary>>(call("GET", "/notes?limit=2", token));
    expect(page1.items.map((n) => n.id)).toEqual([c.id, a.id]);
    const page2 = await ok<Page<NoteSummary>>(call("GET", `/notes?limit=2&cursor=${page1.nextCursor}`, token));
    expect(page2).toEqual({ items: [expect.objectContaining({ id: b.id })], nextCursor: null });
  });

  it("filters by notebook, with or without sub-notebooks", async () => {
    const { token } = await newUser();
    const top = await createNotebook(token, { name: "top" });
    const sub = await createNotebook(token, { name: "sub", parentId: top.id });
    const other = await createNotebook(token, { name: "other" });
    const inTop = await createNote(token, top.id, { title: "in top" });
    const inSub = await createNote(token, sub.id, { title: "in sub" });
    await createNote(token, other.id, { title: "elsewhere" });
    expect((await listAll<NoteSummary>(token, `/notes?notebookId=${top.id}`)).map((n) => n.id)).toEqual([inTop.id]);
    const deep = await listAll<NoteSummary>(token, `/notes?notebookId=${top.id}&includeSubNotebooks=true`);
    expect(deep.map((n) => n.id).sort()).toEqual([inTop.id, inSub.id].sort());
  });

  it("filters by one or several tags (ASCII case ignored)", async () => {
    const { token } = await newUser();
    const nb = await createNotebook(token);
    const both = await createNote(token, nb.id, { tags: ["Work", "urgent"] });
    const one = await createNote(token, nb.id, { tags: ["work"] });
    await createNote(token, nb.id, { tags: ["home"] });
    expect((await listAll<NoteSummary>(token, "/notes?tag=WORK")).map((n) => n.id).sort()).toEqual([both.id, one.id].sort());
    expect((await listAll<NoteSummary>(token, "/notes?tag=work&tag=urgent")).map((n) => n.id)).toEqual([both.id]);
    await expectProblem(await call("GET", `/notes?${"tag=a&".repeat(21)}`, token), 422, "validation_failed");
  });

  it("GET /tags counts the caller's tags (ASCII case folded), without trashed notes", async () => {
    const { token } = await newUser();
    const nb = await createNotebook(token);
    await createNote(token, nb.id, { tags: ["Work", "b"] });
    await createNote(token, nb.id, { tags: ["work"] });
    const gone = await createNote(token, nb.id, { tags: ["trashed"] });
    await call("DELETE", `/notes/${gone.id}`, token);
    expect(await ok(call("GET", "/tags", token))).toEqual({
      items: [
        { name: "b", count: 1 },
        { name: "Work", count: 2 },
      ],
    });
    expect(await ok(call("GET", "/tags", (await newUser()).token))).toEqual({ items: [] });
  });

  it("hides archived notes unless archived=true", async () => {
    const { user, note } = await userWithNote();
    const archived = await ok<Note>(call("PATCH", `/notes/${note.id}`, user.token, { archived: true }));
    expect(archived.archived).toBe(true);
    expect(await listAll(user.token, "/notes")).toEqual([]);
    expect((await listAll<NoteSummary>(user.token, "/notes?archived=true")).map((n) => n.id)).toEqual([note.id]);
    expect(await ok(call("GET", `/notes/${note.id}`, user.token))).toMatchObject({ archived: true });
  });

  test.each([
    ["limit=0", "limit"],
    ["limit=101", "limit"],
    ["limit=abc", "limit"],
    ["archived=yes", "archived"],
    ["notebookId=..%2F", "notebookId"],
    ["cursor=%E2%9C%93", "cursor"],
  ])("?%s is 422", async (query, path) => {
    const { token } = await newUser();
    await expectProblem(await call("GET", `/notes?${query}`, token), 422, "validation_failed", [path]);
  });

  it("a stranger's notebook is 404 and their notes never show", async () => {
    const { notebook } = await userWithNote();
    const stranger = await newUser();
    await expectProblem(await call("GET", `/notes?notebookId=${notebook.id}`, stranger.token), 404, "not_found");
    expect(await listAll(stranger.token, "/notes")).toEqual([]);
  });
});
