import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import { call, createNote, createNotebook, expectProblem, listAll, type Note, newUser, noteRow, ok, upload, userWithNote } from "./helpers";

type Trashed = { id: string; title: string; deletedAt: string; purgeAt: string; excerpt: string };
const DAY = 24 * 60 * 60 * 1000;

/** Runs the Worker's cron handler as the runtime would, at `time`. */
async function runCron(time: number) {
  const controller = createScheduledController({ scheduledTime: new Date(time), cron: "17 3 * * *" });
  const ctx = createExecutionContext();
  await worker.scheduled(controller, env, ctx);
  await waitOnExecutionContext(ctx);
}

const backdate = (id: string, days: number) =>
  env.DB.prepare("UPDATE notes SET deleted_at = ? WHERE id = ?")
    .bind(Date.now() - days * DAY, id)
    .run();

describe("trash lifecycle", () => {
  it("DELETE moves a note to the trash; it leaves lists and reads; restore brings it back", async () => {
    const { user, note } = await userWithNote({ title: "Doomed" });
    expect((await call("DELETE", `/notes/${note.id}`, user.token)).status).toBe(204);
    await expectProblem(await call("GET", `/notes/${note.id}`, user.token), 404, "not_found");
    expect(await listAll(user.token, "/notes")).toEqual([]);
    const [trashed] = await listAll<Trashed>(user.token, "/trash");
    expect(trashed).toMatchObject({ id: note.id, title: "Doomed", excerpt: "Some *content*" });
    expect(Date.parse(trashed?.purgeAt ?? "") - Date.parse(trashed?.deletedAt ?? "")).toBe(30 * DAY);
    await expectProblem(await call("DELETE", `/notes/${note.id}`, user.token), 404, "not_found");
    const restored = await ok<Note>(call("POST", `/notes/${note.id}/restore`, user.token));
    expect(restored).toMatchObject({ id: note.id, title: "Doomed", version: 2 });
    expect(await listAll(user.token, "/trash")).toEqual([]);
    expect(await ok(call("POST", `/notes/${note.id}/restore`, user.token))).toEqual(restored);
  });

  it("permanent delete removes the note and its revisions for good", async () => {
    const { user, note } = await userWithNote();
    await expectProblem(await call("DELETE", `/trash/${note.id}`, user.token), 404, "not_found");
    await call("DELETE", `/notes/${note.id}`, user.token);
    expect((await call("DELETE", `/trash/${note.id}`, user.token)).status).toBe(204);
    expect(await noteRow(note.id)).toBeNull();
    expect((await env.DB.prepare("SELECT count(*) AS n FROM revisions WHERE note_id = ?").bind(note.id).first())?.n).toBe(0);
    await expectProblem(await call("POST", `/notes/${note.id}/restore`, user.token), 404, "not_found");
  });

  it("DELETE /trash empties only the caller's trash", async () => {
    const a = await userWithNote();
    const b = await userWithNote();
    const second = await createNote(a.user.token, a.notebook.id);
    for (const id of [a.note.id, second.id]) await call("DELETE", `/notes/${id}`, a.user.token);
    await call("DELETE", `/notes/${b.note.id}`, b.user.token);
    expect(await ok(call("DELETE", "/trash", a.user.token))).toEqual({ deleted: 2 });
    expect(await listAll(a.user.token, "/trash")).toEqual([]);
    expect((await listAll<Trashed>(b.user.token, "/trash")).map((t) => t.id)).toEqual([b.note.id]);
  });

  it("strangers cannot see, restore or purge someone's trash", async () => {
    const { user, note } = await userWithNote();
    const stranger = await newUser();
    await call("DELETE", `/notes/${note.id}`, user.token);
    expect(await listAll(stranger.token, "/trash")).toEqual([]);
    await expectProblem(await call("POST", `/notes/${note.id}/restore`, stranger.token), 404, "not_found");
    await expectProblem(await call("DELETE", `/trash/${note.id}`, stranger.token), 404, "not_found");
    expect(await noteRow(note.id)).not.toBeNull();
  });
});

describe("the cron trigger empties trash older than 30 days", () => {
  it("purges notes deleted 30+ days ago with their revisions, shares, links and attachments; keeps younger ones", async () => {
    const { user, notebook, note: old } = await userWithNote({ title: "old" });
    const young = await createNote(user.token, notebook.id, { title: "young" });
    const live = await createNote(user.token, notebook.id, { title: "live" });
    const png = new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3])], { type: "image/png" });
    const attachment = await ok<{ id: string }>(upload(`/notes/${old.id}/attachments`, user.token, png, "a.png"), 201);
    const key = ((await env.DB.prepare("SELECT r2_key FROM attachments WHERE id = ?").bind(attachment.id).first()) as { r2_key: string })
      .r2_key;
    expect(await env.ATTACHMENTS.head(key)).not.toBeNull();
    const friend = await newUser();
    await ok(call("POST", `/notes/${old.id}/shares`, user.token, { email: friend.email, role: "viewer" }), 201);
    await ok(call("POST", `/notes/${old.id}/public-link`, user.token), 201);
    for (const id of [old.id, young.id]) await call("DELETE", `/notes/${id}`, user.token);
    await backdate(old.id, 31);
    await backdate(young.id, 29);

    await runCron(Date.now());

    expect(await noteRow(old.id)).toBeNull();
    expect(await noteRow(young.id)).not.toBeNull();
    expect(await noteRow(live.id)).not.toBeNull();
    for (const table of ["revisions WHERE note_id", "shares WHERE item_id", "public_links WHERE note_id", "attachments WHERE note_id"]) {
      expect((await env.DB.prepare(`SELECT count(*) AS n FROM ${table} = ?`).bind(old.id).first())?.n).toBe(0);
    }
    expect(await env.ATTACHMENTS.head(key)).toBeNull();
    expect((await listAll<Trashed>(user.token, "/trash")).map((t) => t.id)).toEqual([young.id]);
    // 2 days later the younger one goes too
    await runCron(Date.now() + 2 * DAY);
    expect(await noteRow(young.id)).toBeNull();
  });

  it("purges old deleted notebooks once no note refers to them, leaves first", async () => {
    const { token } = await newUser();
    const a = await createNotebook(token, { name: "A" });
    const b = await createNotebook(token, { name: "B", parentId: a.id });
    const note = await createNote(token, b.id);
    await call("DELETE", `/notebooks/${a.id}`, token);
    await env.DB.prepare("UPDATE notebooks SET deleted_at = ? WHERE id IN (?, ?)")
      .bind(Date.now() - 40 * DAY, a.id, b.id)
      .run();
    await backdate(note.id, 40);
    await runCron(Date.now());
    expect(await env.DB.prepare("SELECT id FROM notebooks WHERE id IN (?, ?)").bind(a.id, b.id).all()).toMatchObject({ results: [] });
  });

  it("keeps a deleted notebook while a trashed note still needs it", async () => {
    const { token } = await newUser();
    const a = await createNotebook(token, { name: "A" });
    const note = await createNote(token, a.id);
    await call("DELETE", `/notebooks/${a.id}`, token);
    await env.DB.prepare("UPDATE notebooks SET deleted_at = ? WHERE id = ?")
      .bind(Date.now() - 40 * DAY, a.id)
      .run();
    await runCron(Date.now());
    expect(await env.DB.prepare("SELECT id FROM notebooks WHERE id = ?").bind(a.id).first()).not.toBeNull();
    expect((await ok<Note>(call("POST", `/notes/${note.id}/restore`, token))).notebookId).toBe(a.id);
    expect((await listAll<{ id: string }>(token, "/notebooks")).map((n) => n.id)).toEqual([a.id]);
  });
});
