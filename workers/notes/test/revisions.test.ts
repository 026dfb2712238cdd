import { describe, expect, it } from "vitest";
import { call, expectProblem, listAll, type Note, newUser, ok, share, userWithNote } from "./helpers";

type Revision = { id: string; noteId: string; version: number; title: string; authorId: string; size: number; createdAt: string };
type RevisionDetail = Revision & { content: string };

describe("revisions", () => {
  it("records the created note and every title/content change, newest first; tags alone make none", async () => {
    const { user, note } = await userWithNote({ title: "T1", content: "c1" });
    await ok(call("PATCH", `/notes/${note.id}`, user.token, { content: "c2 é" }));
    await ok(call("PATCH", `/notes/${note.id}`, user.token, { tags: ["x"], pinned: true }));
    await ok(call("PATCH", `/notes/${note.id}`, user.token, { title: "T2" }));
    const revisions = await listAll<Revision>(user.token, `/notes/${note.id}/revisions`);
    expect(revisions.map((r) => [r.version, r.title, r.size])).toEqual([
      [4, "T2", 5],
      [2, "T1", 5],
      [1, "T1", 2],
    ]);
    expect(revisions[0]).toMatchObject({ noteId: note.id, authorId: user.id });
    const detail = await ok<RevisionDetail>(call("GET", `/notes/${note.id}/revisions/${revisions[1]?.id}`, user.token));
    expect(detail).toEqual({ ...revisions[1], content: "c2 é" });
  });

  it("restoring a revision puts its title and content back as a new revision", async () => {
    const { user, note } = await userWithNote({ title: "First", content: "original" });
    await ok(call("PATCH", `/notes/${note.id}`, user.token, { title: "Second", content: "rewritten" }));
    const [, first] = await listAll<Revision>(user.token, `/notes/${note.id}/revisions`);
    const res = await call("POST", `/notes/${note.id}/revisions/${first?.id}/restore`, user.token);
    expect(res.status).toBe(200);
    expect(res.headers.get("ETag")).toBe('"3"');
    expect(await res.json()).toMatchObject({ title: "First", content: "original", version: 3 });
    expect((await listAll<Revision>(user.token, `/notes/${note.id}/revisions`)).map((r) => r.version)).toEqual([3, 2, 1]);
    await expectProblem(
      await call("POST", `/notes/${note.id}/revisions/${first?.id}/restore`, user.token, undefined, { "If-Match": '"1"' }),
      412,
      "precondition_failed",
    );
  });

  it("pages with a cursor", async () => {
    const { user, note } = await userWithNote();
    for (let i = 0; i < 3; i++) await ok(call("PATCH", `/notes/${note.id}`, user.token, { content: `v${i}` }));
    const page = await ok<{ items: Revision[]; nextCursor: string }>(call("GET", `/notes/${note.id}/revisions?limit=3`, user.token));
    expect(page.items.map((r) => r.version)).toEqual([4, 3, 2]);
    const rest = await ok<{ items: Revision[]; nextCursor: null }>(
      call("GET", `/notes/${note.id}/revisions?limit=3&cursor=${page.nextCursor}`, user.token),
    );
    expect(rest).toEqual({ items: [expect.objectContaining({ version: 1 })], nextCursor: null });
  });

  it("viewers may read revisions but not restore; strangers get 404", async () => {
    const { user, note } = await userWithNote();
    const viewer = await newUser();
    const stranger = await newUser();
    await share(user.token, "notes", note.id, viewer.email, "viewer");
    const [rev] = await listAll<Revision>(viewer.token, `/notes/${note.id}/revisions`);
    await expectProblem(await call("POST", `/notes/${note.id}/revisions/${rev?.id}/restore`, viewer.token), 403, "forbidden");
    await expectProblem(await call("GET", `/notes/${note.id}/revisions`, stranger.token), 404, "not_found");
    await expectProblem(await call("GET", `/notes/${note.id}/revisions/${rev?.id}`, stranger.token), 404, "not_found");
  });

  it("an unknown revision, or one of another note, is 404", async () => {
    const a = await userWithNote();
    const b = await userWithNote();
    const [rev] = await listAll<Revision>(b.user.token, `/notes/${b.note.id}/revisions`);
    await expectProblem(await call("GET", `/notes/${a.note.id}/revisions/${rev?.id}`, a.user.token), 404, "not_found");
    await expectProblem(await call("POST", `/notes/${a.note.id}/revisions/nope/restore`, a.user.token), 404, "not_found");
    await expectProblem(await call("GET", `/notes/${a.note.id}/revisions/bad.id`, a.user.token), 422, "validation_failed", ["revisionId"]);
    expect((await ok<Note>(call("GET", `/notes/${a.note.id}`, a.user.token))).version).toBe(1);
  });
});
