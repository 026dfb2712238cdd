import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BOARD_MIGRATIONS } from "../src/do/board-schema";
import { type Board, call, createCard, createList, expectProblem, getBoard, newUser, ok, team } from "./helpers";

describe("boards", () => {
  it("are created with the caller as admin and listed as mine", async () => {
    const alice = await newUser();
    const res = await call("POST", "/boards", alice.token, { name: "  Roadmap  " });
    expect(res.status).toBe(201);
    const board = (await res.json()) as Board;
    expect(res.headers.get("Location")).toBe(`/boards/v1/boards/${board.id}`);
    expect(board).toMatchObject({
      name: "Roadmap",
      isTemplate: false,
      role: "admin",
      lists: [],
      members: [{ userId: alice.id, role: "admin" }],
    });
    const mine = await ok<{ items: { id: string; role: string }[] }>(call("GET", "/boards", alice.token));
    expect(mine.items).toEqual([{ id: board.id, name: "Roadmap", isTemplate: false, role: "admin", createdAt: expect.any(String) }]);
    const bob = await newUser();
    expect((await ok<{ items: unknown[] }>(call("GET", "/boards", bob.token))).items).toEqual([]);
  });

  it("return lists with their cards in order", async () => {
    const { admin, board, list } = await team();
    const later = await createList(admin, board.id, { name: "Later" });
    await createCard(admin, later.id, { title: "L1" });
    await createCard(admin, list.id, { title: "T1" });
    const got = await getBoard(admin, board.id);
    expect(got.lists.map((l) => ({ id: l.id, name: l.name, cards: l.cards.map((c) => c.title) }))).toEqual([
      { id: list.id, name: "To do", cards: ["T1"] },
      { id: later.id, name: "Later", cards: ["L1"] },
    ]);
    expect(got.seq).toBeGreaterThan(0);
    // archived lists leave the board
    await ok(call("PATCH", `/lists/${later.id}`, admin.token, { archived: true }));
    expect((await getBoard(admin, board.id)).lists.map((l) => l.name)).toEqual(["To do"]);
  });

  it("are renamed and deleted by admins only", async () => {
    const { admin, member, board } = await team();
    await expectProblem(await call("PATCH", `/boards/${board.id}`, member.token, { name: "x" }), 403, "forbidden");
    expect((await ok<Board>(call("PATCH", `/boards/${board.id}`, admin.token, { name: "Renamed" }))).name).toBe("Renamed");
    expect((await ok<{ items: { name: string }[] }>(call("GET", "/boards", member.token))).items[0]?.name).toBe("Renamed");
    await expectProblem(await call("DELETE", `/boards/${board.id}`, member.token), 403, "forbidden");
    await ok(call("DELETE", `/boards/${board.id}`, admin.token), 204);
    await expectProblem(await call("GET", `/boards/${board.id}`, admin.token), 404, "not_found");
    expect((await ok<{ items: unknown[] }>(call("GET", "/boards", member.token))).items).toEqual([]);
  });

  it("are invisible to strangers: 404 for every read and write", async () => {
    const { admin, stranger, board, list } = await team();
    const card = await createCard(admin, list.id);
    for (const [method, path] of [
      ["GET", `/boards/${board.id}`],
      ["GET", `/boards/${board.id}/activity`],
      ["GET", `/boards/${board.id}/cards`],
      ["GET", `/cards/${card.id}`],
      ["GET", `/cards/${card.id}/activity`],
      ["DELETE", `/boards/${board.id}`],
      ["POST", `/boards/${board.id}/template`],
    ] as const) {
      await expectProblem(await call(method, path, stranger.token, method === "POST" ? {} : undefined), 404, "not_found");
    }
    await expectProblem(await call("GET", "/boards/AAAAAAAAAAAAAAAA", admin.token), 404, "not_found");
    await expectProblem(await call("GET", "/cards/not-a-card-id", admin.token), 404, "not_found");
    await expectProblem(await call("GET", `/cards/${board.id}-cAAAAAAAAAAAA`, admin.token), 404, "not_found");
    await expectProblem(await call("PATCH", `/lists/${board.id}-lAAAAAAAAAAAA`, admin.token, { name: "x" }), 404, "not_found");
  });
});

describe("storage", () => {
  it("records the board's schema version, so later deploys can migrate old boards", async () => {
    const { board } = await team();
    await runInDurableObject(env.BOARD.get(env.BOARD.idFromName(board.id)), async (_i, state) => {
      expect(state.storage.sql.exec("SELECT version FROM schema_version").toArray()).toEqual([{ version: BOARD_MIGRATIONS.length }]);
    });
  });
});

describe("members", () => {
  it("are added by email or user id, with a role, by admins", async () => {
    const { admin, member, board } = await team();
    const carol = await newUser();
    const added = await ok<{ userId: string; role: string }>(
      call("POST", `/boards/${board.id}/members`, admin.token, { email: `${carol.id}@users.test` }),
      201,
    );
    expect(added).toEqual({ userId: carol.id, role: "member", addedAt: expect.any(String) });
    await ok(call("GET", `/boards/${board.id}`, carol.token));
    await expectProblem(await call("POST", `/boards/${board.id}/members`, admin.token, { userId: carol.id }), 409, "conflict");
    await expectProblem(
      await call("POST", `/boards/${board.id}/members`, admin.token, { email: "nobody@example.com" }),
      422,
      "validation_failed",
      ["email"],
    );
    await expectProblem(
      await call("POST", `/boards/${board.id}/members`, admin.token, { email: "x@users.test", userId: "x" }),
      422,
      "validation_failed",
    );
    await expectProblem(
      await call("POST", `/boards/${board.id}/members`, admin.token, { userId: "x", role: "owner" }),
      422,
      "validation_failed",
      ["role"],
    );
    const dave = await newUser();
    await expectProblem(await call("POST", `/boards/${board.id}/members`, member.token, { userId: dave.id }), 403, "forbidden");
  });

  it("who leaves is unassigned from the board's cards", async () => {
    const { admin, member, board, list } = await team();
    const card = await createCard(admin, list.id, { assignees: [member.id, admin.id] });
    await ok(call("DELETE", `/boards/${board.id}/members/${member.id}`, member.token), 204);
    const after = await ok<{ assignees: string[]; version: number }>(call("GET", `/cards/${card.id}`, admin.token));
    expect(after).toMatchObject({ assignees: [admin.id], version: card.version + 1 });
  });

  it("change roles; the last admin can neither be demoted nor leave; anyone may leave", async () => {
    const { admin, member, observer, board, list } = await team();
    await expectProblem(await call("PATCH", `/boards/${board.id}/members/${admin.id}`, admin.token, { role: "member" }), 409, "conflict");
    await expectProblem(await call("DELETE", `/boards/${board.id}/members/${admin.id}`, admin.token), 409, "conflict");
    await ok(call("PATCH", `/boards/${board.id}/members/${observer.id}`, admin.token, { role: "member" }));
    await createCard(observer, list.id); // now allowed
    await ok(call("PATCH", `/boards/${board.id}/members/${member.id}`, admin.token, { role: "admin" }));
    await ok(call("PATCH", `/boards/${board.id}/members/${admin.id}`, member.token, { role: "observer" }));
    await expectProblem(await call("POST", `/lists/${list.id}/cards`, admin.token, { title: "x" }), 403, "forbidden");
    await ok(call("DELETE", `/boards/${board.id}/members/${observer.id}`, observer.token), 204);
    await expectProblem(await call("GET", `/boards/${board.id}`, observer.token), 404, "not_found");
    await expectProblem(await call("DELETE", `/boards/${board.id}/members/nobody`, member.token), 404, "not_found");
    await expectProblem(await call("DELETE", `/boards/${board.id}/members/${member.id}`, admin.token), 403, "forbidden");
  });
});

describe("templates", () => {
  it("save a board as a template and create a board from it", async () => {
    const { admin, member, board, list } = await team();
    const done = await createList(admin, board.id, { name: "Done", done: true });
    const card = await createCard(admin, list.id, {
      title: "Kickoff",
      description: "Agenda",
      labels: ["meeting"],
      assignees: [member.id],
      dueAt: "2026-12-01T10:00:00Z",
    });
    await ok(call("POST", `/cards/${card.id}/checklists`, admin.token, { title: "Prep", items: ["room", "slides"] }), 201);
    await ok(call("POST", `/cards/${card.id}/comments`, admin.token, { text: "not copied" }), 201);
    await createCard(admin, done.id, { title: "Old" });

    const template = await ok<Board>(call("POST", `/boards/${board.id}/template`, member.token, { name: "Sprint template" }), 201);
    expect(template).toMatchObject({
      name: "Sprint template",
      isTemplate: true,
      role: "admin",
      members: [{ userId: member.id, role: "admin" }],
    });
    const templates = await ok<{ items: { id: string }[] }>(call("GET", "/boards?template=true", member.token));
    expect(templates.items.map((t) => t.id)).toEqual([template.id]);

    const fresh = await ok<Board>(call("POST", "/boards", member.token, { name: "Sprint 1", templateId: template.id }), 201);
    expect(fresh.isTemplate).toBe(false);
    expect(fresh.lists.map((l) => [l.name, l.done, l.cards.map((c) => c.title)])).toEqual([
      ["To do", false, ["Kickoff"]],
      ["Done", true, ["Old"]],
    ]);
    const copied = fresh.lists[0]?.cards[0];
    expect(copied).toMatchObject({ description: "Agenda", labels: ["meeting"], assignees: [], dueAt: null, comments: [], version: 1 });
    expect(copied?.checklists.map((c) => [c.title, c.items.map((i) => [i.text, i.done])])).toEqual([
      [
        "Prep",
        [
          ["room", false],
          ["slides", false],
        ],
      ],
    ]);
    expect(copied?.id.startsWith(fresh.id)).toBe(true);
    // someone who cannot see the template cannot use it
    const eve = await newUser();
    await expectProblem(await call("POST", "/boards", eve.token, { name: "x", templateId: template.id }), 422, "validation_failed", [
      "templateId",
    ]);
  });
});
