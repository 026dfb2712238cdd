import { describe, expect, it, test } from "vitest";
import { call, createNote, createNotebook, expectProblem, listAll, newUser, ok, type Page, share, type User } from "./helpers";

type Hit = { id: string; title: string; titleHighlight: string; snippet: string; rank: number; access: string; tags: string[] };
const search = async (token: string, query: string) => ok<Page<Hit>>(call("GET", `/search?${query}`, token));
const ids = async (token: string, query: string) => (await search(token, query)).items.map((h) => h.title);

describe("GET /search", () => {
  let user: User;
  let nb: { id: string };
  const notes: Record<string, string> = {};
  const seed = async (title: string, content: string, tags: string[] = []) => {
    notes[title] = (await createNote(user.token, nb.id, { title, content, tags })).id;
  };

  it("setup", async () => {
    user = await newUser();
    nb = await createNotebook(user.token);
    await seed("Budget 2027", "The quarterly budget review is on Monday.", ["finance"]);
    await seed("Launch plan", "Steps for the product launch: budgeting, marketing, launch party.", ["work", "launch"]);
    await seed("Groceries", "milk, eggs, bread", ["home"]);
    await seed("Reading list", "A book about budgeting for families", ["home", "books"]);
  });

  it("matches words in title, content and tags", async () => {
    expect(await ids(user.token, "q=milk")).toEqual(["Groceries"]);
    expect(await ids(user.token, "q=finance")).toEqual(["Budget 2027"]);
    expect((await ids(user.token, "q=launch")).sort()).toEqual(["Launch plan"]);
  });

  it("supports prefix queries", async () => {
    expect((await ids(user.token, "q=budg*")).sort()).toEqual(["Budget 2027", "Launch plan", "Reading list"]);
    expect(await ids(user.token, "q=budg")).toEqual([]);
  });

  it("supports quoted phrases", async () => {
    expect(await ids(user.token, `q=${encodeURIComponent('"product launch"')}`)).toEqual(["Launch plan"]);
    expect(await ids(user.token, `q=${encodeURIComponent('"launch product"')}`)).toEqual([]);
  });

  it("ignores diacritics", async () => {
    const n = await createNote(user.token, nb.id, { title: "Żółw", content: "Zażółć gęślą jaźń" });
    // ż, ó, ę, ś, ą, ź, ń fold to their base letters (ł is a letter of its own in Unicode)
    expect((await search(user.token, "q=jazn")).items.map((h) => h.id)).toEqual([n.id]);
    expect((await search(user.token, "q=gesla")).items.map((h) => h.id)).toEqual([n.id]);
    await call("DELETE", `/notes/${n.id}`, user.token);
  });

  it("requires every term", async () => {
    expect(await ids(user.token, "q=budgeting+families")).toEqual(["Reading list"]);
  });

  it("ranks by bm25, a title hit above a content hit", async () => {
    const res = await search(user.token, "q=budget*");
    expect(res.items[0]?.title).toBe("Budget 2027");
    const ranks = res.items.map((h) => h.rank);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  });

  it("highlights matches in the title and a content snippet", async () => {
    const [hit] = (await search(user.token, "q=quarterly")).items;
    expect(hit?.snippet).toContain("<mark>quarterly</mark>");
    expect(hit?.titleHighlight).toBe("Budget 2027");
    const [titleHit] = (await search(user.token, "q=groceries")).items;
    expect(titleHit?.titleHighlight).toBe("<mark>Groceries</mark>");
  });

  it("combines text with one or several tag filters", async () => {
    expect((await ids(user.token, "q=budg*&tag=home")).sort()).toEqual(["Reading list"]);
    expect(await ids(user.token, "q=budg*&tag=home&tag=books")).toEqual(["Reading list"]);
    expect(await ids(user.token, "q=budg*&tag=home&tag=work")).toEqual([]);
  });

  it("never finds trashed notes; archived only with includeArchived=true", async () => {
    await ok(call("PATCH", `/notes/${notes.Groceries}`, user.token, { archived: true }));
    expect(await ids(user.token, "q=milk")).toEqual([]);
    expect(await ids(user.token, "q=milk&includeArchived=true")).toEqual(["Groceries"]);
    expect((await call("DELETE", `/notes/${notes.Groceries}`, user.token)).status).toBe(204);
    expect(await ids(user.token, "q=milk&includeArchived=true")).toEqual([]);
  });

  it("follows edits (the index is kept in sync)", async () => {
    await ok(call("PATCH", `/notes/${notes["Reading list"]}`, user.token, { content: "novels and poetry" }));
    expect(await ids(user.token, "q=families")).toEqual([]);
    expect(await ids(user.token, "q=poetry")).toEqual(["Reading list"]);
  });

  it("pages through results with a cursor", async () => {
    const first = await search(user.token, "q=budg*&limit=1");
    expect(first.items).toHaveLength(1);
    const second = await search(user.token, `q=budg*&limit=1&cursor=${first.nextCursor}`);
    expect(second.items).toHaveLength(1);
    expect(second.items[0]?.id).not.toBe(first.items[0]?.id);
    await expectProblem(await call("GET", "/search?q=x&cursor=abc", user.token), 422, "validation_failed", ["cursor"]);
  });

  it("finds notes shared with the caller, and never a stranger's", async () => {
    const friend = await newUser();
    const stranger = await newUser();
    expect((await share(user.token, "notes", notes["Launch plan"] as string, friend.email, "viewer")).status).toBe(201);
    const hits = (await search(friend.token, "q=launch")).items;
    expect(hits.map((h) => [h.title, h.access])).toEqual([["Launch plan", "viewer"]]);
    expect(await ids(friend.token, "q=budget")).toEqual([]);
    expect(await ids(stranger.token, "q=budg*")).toEqual([]);
  });

  test.each([
    ['"unbalanced', 200],
    ["AND OR NOT", 200],
    ["NEAR(budget launch)", 200],
    ["title:budget", 200],
    ["budget -launch", 200],
    ["*", 422],
    ['""', 422],
    ["^^^ ((( )))", 422],
    ["'; DROP TABLE notes; --", 200],
    ["x".repeat(200), 200],
    ["x".repeat(201), 422],
  ])("hostile q %j answers %d, never 500", async (q, status) => {
    const res = await call("GET", `/search?q=${encodeURIComponent(q)}`, user.token);
    if (status === 200) expect(res.status).toBe(200);
    else await expectProblem(res, 422, "validation_failed", ["q"]);
  });

  it("escapes HTML in titles and snippets", async () => {
    const note = await createNote(user.token, nb.id, {
      title: "<img src=x onerror=alert(1)> xss",
      content: "<script>alert(1)</script> xss",
    });
    const [hit] = (await search(user.token, "q=xss")).items;
    expect(hit?.id).toBe(note.id);
    expect(hit?.titleHighlight).toBe("&lt;img src=x onerror=alert(1)&gt; <mark>xss</mark>");
    expect(hit?.snippet).not.toContain("<script>");
    expect(hit?.snippet).toContain("&lt;script&gt;");
  });

  it("is 422 without q and 404 for a stranger's notebook filter", async () => {
    await expectProblem(await call("GET", "/search", user.token), 422, "validation_failed", ["q"]);
    const stranger = await newUser();
    await expectProblem(await call("GET", `/search?q=x&notebookId=${nb.id}`, stranger.token), 404, "not_found");
    expect(await listAll(stranger.token, "/notes")).toEqual([]);
  });
});
