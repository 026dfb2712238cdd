import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it, test } from "vitest";
import {
  BASE,
  call,
  createNote,
  createNotebook,
  expectProblem,
  listAll,
  type Note,
  type NoteSummary,
  newUser,
  ok,
  share,
  type User,
  userWithNote,
} from "./helpers";

type Share = { userId: string; email: string | null; name: string | null; role: string; createdAt: string };
type SharedItem = { type: string; id: string; title: string; role: string; owner: { id: string; email: string | null }; sharedAt: string };

describe("sharing a note: viewer, editor, stranger", () => {
  let owner: User;
  let viewer: User;
  let editor: User;
  let stranger: User;
  let note: Note;
  beforeAll(async () => {
    ({ user: owner, note } = await userWithNote({ title: "Shared note", content: "hello" }));
    [viewer, editor, stranger] = [await newUser(), await newUser(), await newUser()];
    const res = await share(owner.token, "notes", note.id, viewer.email, "viewer");
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({
      userId: viewer.id,
      email: viewer.email,
      name: viewer.id,
      role: "viewer",
      createdAt: expect.any(String),
    });
    expect((await share(owner.token, "notes", note.id, editor.email, "editor")).status).toBe(201);
  });

  const reads = ["GET /notes/ID", "GET /notes/ID/html", "GET /notes/ID/revisions", "GET /notes/ID/export", "GET /notes/ID/attachments"];
  const edits: [string, unknown][] = [["PATCH /notes/ID", { content: "edited" }]];
  const ownerOnly: [string, unknown][] = [
    ["DELETE /notes/ID", undefined],
    ["PATCH /notes/ID", { archived: true }],
    ["POST /notes/ID/shares", { email: "zz@users.test", role: "viewer" }],
    ["GET /notes/ID/shares", undefined],
    ["POST /notes/ID/public-link", undefined],
    ["DELETE /notes/ID/public-link", undefined],
  ];
  const send = (route: string, user: User, body?: unknown) => {
    const [method = "GET", path = ""] = route.split(" ");
    return call(method, path.replace("ID", note.id), user.token, body);
  };

  test.each(reads)("viewer and editor may %s; a stranger gets 404", async (route) => {
    expect((await send(route, viewer)).status).toBe(200);
    expect((await send(route, editor)).status).toBe(200);
    await expectProblem(await send(route, stranger), 404, "not_found");
  });

  it("the note shows each sharee's access", async () => {
    expect((await ok<Note>(send("GET /notes/ID", viewer))).access).toBe("viewer");
    expect((await ok<Note>(send("GET /notes/ID", editor))).access).toBe("editor");
  });

  test.each(edits)("%s: editor 200, viewer 403, stranger 404", async (route, body) => {
    await expectProblem(await send(route, viewer, body), 403, "forbidden");
    await expectProblem(await send(route, stranger, body), 404, "not_found");
    const res = await send(route, editor, body);
    expect(res.status).toBe(200);
    expect((await ok<Note>(send("GET /notes/ID", owner))).content).toBe("edited");
  });

  test.each(ownerOnly)("%s is the owner's: sharees 403, strangers 404", async (route, body) => {
    await expectProblem(await send(route, viewer, body), 403, "forbidden");
    await expectProblem(await send(route, editor, body), 403, "forbidden");
    await expectProblem(await send(route, stranger, body), 404, "not_found");
  });

  it("an editor's edit is recorded with the editor as author", async () => {
    const [latest] = await listAll<{ authorId: string }>(owner.token, `/notes/${note.id}/revisions`);
    expect(latest?.authorId).toBe(editor.id);
  });

  it("shared notes appear in GET /shared, never in the sharee's own lists", async () => {
    const items = await listAll<SharedItem>(viewer.token, "/shared");
    expect(items).toEqual([
      {
        type: "note",
        id: note.id,
        title: "Shared note",
        role: "viewer",
        owner: { id: owner.id, email: owner.email, name: owner.id },
        sharedAt: expect.any(String),
      },
    ]);
    expect(await listAll(viewer.token, "/notes")).toEqual([]);
    expect(await listAll(stranger.token, "/shared")).toEqual([]);
  });

  it("the owner lists the shares and can change a role", async () => {
    const shares = await ok<{ items: Share[] }>(call("GET", `/notes/${note.id}/shares`, owner.token));
    expect(shares.items.map((s) => [s.userId, s.role])).toEqual([
      [viewer.id, "viewer"],
      [editor.id, "editor"],
    ]);
    const promoted = await share(owner.token, "notes", note.id, viewer.email, "editor");
    expect(promoted.status).toBe(200);
    expect(((await promoted.json()) as Share).role).toBe("editor");
    expect((await call("PATCH", `/notes/${note.id}`, viewer.token, { title: "by viewer-turned-editor" })).status).toBe(200);
    await share(owner.token, "notes", note.id, viewer.email, "viewer");
  });

  it("revoking a share makes the note 404 for that user; a sharee may leave", async () => {
    const extra = await newUser();
    await share(owner.token, "notes", note.id, extra.email, "viewer");
    expect((await call("GET", `/notes/${note.id}`, extra.token)).status).toBe(200);
    expect((await call("DELETE", `/notes/${note.id}/shares/${extra.id}`, owner.token)).status).toBe(204);
    await expectProblem(await call("GET", `/notes/${note.id}`, extra.token), 404, "not_found");
    await expectProblem(await call("DELETE", `/notes/${note.id}/shares/${extra.id}`, owner.token), 404, "not_found");
    const leaver = await newUser();
    await share(owner.token, "notes", note.id, leaver.email, "editor");
    expect((await call("DELETE", `/notes/${note.id}/shares/${leaver.id}`, leaver.token)).status).toBe(204);
    expect(await listAll(leaver.token, "/shared")).toEqual([]);
    await expectProblem(await call("DELETE", `/notes/${note.id}/shares/${viewer.id}`, editor.token), 403, "forbidden");
  });

  test.each([
    ["an unknown email", { email: "nobody@example.com", role: "viewer" }, 422, "email"],
    ["a malformed email", { email: "not-an-email", role: "viewer" }, 422, "email"],
    ["an unknown role", { email: "x@users.test", role: "admin" }, 422, "role"],
    ["a missing role", { email: "x@users.test" }, 422, "role"],
  ])("sharing with %s is %d", async (_l, body, status, path) => {
    await expectProblem(await call("POST", `/notes/${note.id}/shares`, owner.token, body), status, "validation_failed", [path]);
  });

  it("sharing with yourself is 422", async () => {
    await expectProblem(await share(owner.token, "notes", note.id, owner.email, "viewer"), 422, "validation_failed", ["email"]);
  });

  it("a trashed note disappears for sharees", async () => {
    const { user, note: n } = await userWithNote({ title: "to trash" });
    const friend = await newUser();
    await share(user.token, "notes", n.id, friend.email, "editor");
    await call("DELETE", `/notes/${n.id}`, user.token);
    await expectProblem(await call("GET", `/notes/${n.id}`, friend.token), 404, "not_found");
    expect(await listAll(friend.token, "/shared")).toEqual([]);
  });
});

describe("sharing a notebook shares its subtree", () => {
  it("viewers read every note below; editors edit and create there; neither manages the notebook", async () => {
    const owner = await newUser();
    const viewer = await newUser();
    const editor = await newUser();
    const stranger = await newUser();
    const top = await createNotebook(owner.token, { name: "Team" });
    const sub = await createNotebook(owner.token, { name: "Sub", parentId: top.id });
    const deep = await createNote(owner.token, sub.id, { title: "deep note" });
    expect((await share(owner.token, "notebooks", top.id, viewer.email, "viewer")).status).toBe(201);
    expect((await share(owner.token, "notebooks", top.id, editor.email, "editor")).status).toBe(201);

    expect((await ok<Note>(call("GET", `/notes/${deep.id}`, viewer.token))).access).toBe("viewer");
    const listed = await listAll<NoteSummary>(viewer.token, `/notes?notebookId=${top.id}&includeSubNotebooks=true`);
    expect(listed.map((n) => n.id)).toEqual([deep.id]);
    expect((await ok<{ access: string }>(call("GET", `/notebooks/${sub.id}`, viewer.token))).access).toBe("viewer");
    const children = await listAll<{ id: string; access: string }>(viewer.token, `/notebooks?parentId=${top.id}`);
    expect(children.map((c) => [c.id, c.access])).toEqual([[sub.id, "viewer"]]);
    await expectProblem(await call("GET", `/notebooks?parentId=${top.id}`, stranger.token), 404, "not_found");
    await expectProblem(await call("PATCH", `/notes/${deep.id}`, viewer.token, { content: "x" }), 403, "forbidden");
    await expectProblem(await call("POST", "/notes", viewer.token, { notebookId: sub.id, title: "v", content: "" }), 403, "forbidden");

    expect((await call("PATCH", `/notes/${deep.id}`, editor.token, { content: "by editor" })).status).toBe(200);
    const created = await ok<Note>(call("POST", "/notes", editor.token, { notebookId: sub.id, title: "by editor", content: "" }), 201);
    expect(created.access).toBe("editor");
    expect((await ok<Note>(call("GET", `/notes/${created.id}`, owner.token))).access).toBe("owner");
    expect((await ok<{ name: string }>(call("PATCH", `/notebooks/${sub.id}`, editor.token, { name: "Renamed" }))).name).toBe("Renamed");
    await expectProblem(await call("PATCH", `/notebooks/${sub.id}`, viewer.token, { name: "No" }), 403, "forbidden");
    await expectProblem(await call("PATCH", `/notebooks/${sub.id}`, editor.token, { parentId: null }), 403, "forbidden");
    await expectProblem(await call("DELETE", `/notebooks/${top.id}`, editor.token), 403, "forbidden");
    await expectProblem(
      await call("POST", `/notebooks/${top.id}/shares`, editor.token, { email: stranger.email, role: "viewer" }),
      403,
      "forbidden",
    );

    for (const path of [`/notes/${deep.id}`, `/notebooks/${sub.id}`, `/notes?notebookId=${top.id}`]) {
      await expectProblem(await call("GET", path, stranger.token), 404, "not_found");
    }
    const shared = await listAll<SharedItem>(viewer.token, "/shared");
    expect(shared.map((s) => [s.type, s.id, s.title, s.role])).toEqual([["notebook", top.id, "Team", "viewer"]]);

    // a note moved out of the shared subtree is no longer shared
    const elsewhere = await createNotebook(owner.token, { name: "Private" });
    await ok(call("PATCH", `/notes/${deep.id}`, owner.token, { notebookId: elsewhere.id }));
    await expectProblem(await call("GET", `/notes/${deep.id}`, viewer.token), 404, "not_found");
    // revoking the notebook share hides everything
    expect((await call("DELETE", `/notebooks/${top.id}/shares/${editor.id}`, owner.token)).status).toBe(204);
    await expectProblem(await call("GET", `/notes/${created.id}`, editor.token), 404, "not_found");
  });
});

describe("public links", () => {
  type Link = { token: string; url: string; htmlUrl: string; createdAt: string };
  const anon = (path: string) => SELF.fetch(`${BASE}${path}`);

  it("the owner creates a read-only link anyone can open, and revokes it", async () => {
    const { user, note } = await userWithNote({ title: "Public", content: "**bold** <script>alert(1)</script>", tags: ["t"] });
    const link = await ok<Link>(call("POST", `/notes/${note.id}/public-link`, user.token), 201);
    expect(link.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(link.url).toBe(`http://notes.test/notes/v1/public/${link.token}`);
    const res = await anon(`/public/${link.token}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      id: note.id,
      title: "Public",
      content: note.content,
      tags: ["t"],
      createdAt: note.createdAt,
      updatedAt: note.updatedAt,
    });
    const html = await anon(`/public/${link.token}/html`);
    expect(html.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    const page = await html.text();
    expect(page).toContain("<strong>bold</strong>");
    expect(page).not.toContain("<script>");
    // read-only: no write route exists under /public (an anonymous write falls to the guarded API: 401)
    await expectProblem(await SELF.fetch(`${BASE}/public/${link.token}`, { method: "PATCH", body: "{}" }), 401, "unauthorized");

    expect((await call("DELETE", `/notes/${note.id}/public-link`, user.token)).status).toBe(204);
    await expectProblem(await anon(`/public/${link.token}`), 404, "not_found");
    await expectProblem(await anon(`/public/${link.token}/html`), 404, "not_found");
    await expectProblem(await call("DELETE", `/notes/${note.id}/public-link`, user.token), 404, "not_found");
  });

  it("creating the link again replaces the old one; trashing the note hides it", async () => {
    const { user, note } = await userWithNote();
    const first = await ok<Link>(call("POST", `/notes/${note.id}/public-link`, user.token), 201);
    const second = await ok<Link>(call("POST", `/notes/${note.id}/public-link`, user.token), 201);
    expect(second.token).not.toBe(first.token);
    await expectProblem(await anon(`/public/${first.token}`), 404, "not_found");
    expect((await anon(`/public/${second.token}`)).status).toBe(200);
    await call("DELETE", `/notes/${note.id}`, user.token);
    await expectProblem(await anon(`/public/${second.token}`), 404, "not_found");
  });

  test.each([
    ["a short token", "abc", 422],
    ["an unknown token", "A".repeat(43), 404],
    ["path tricks", "..%2F..%2Fnotes", 422],
  ])("%s is %d", async (_l, token, status) => {
    await expectProblem(await anon(`/public/${token}`), status, status === 404 ? "not_found" : "validation_failed");
  });
});
