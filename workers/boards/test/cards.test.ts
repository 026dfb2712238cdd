import { describe, expect, it } from "vitest";
import { addMember, type Card, call, createCard, createList, expectProblem, getBoard, newUser, ok, team } from "./helpers";

describe("cards", () => {
  it("carry title, description, assignees, due date, labels, checklists, comments and an archive state", async () => {
    const { admin, member, board, list } = await team();
    const card = await createCard(admin, list.id, {
      title: "  Ship it  ",
      description: "All of it",
      dueAt: "2026-12-24T18:00:00+01:00",
      labels: ["urgent", "urgent", "ops"],
      assignees: [member.id, admin.id],
    });
    expect(card).toMatchObject({
      title: "Ship it",
      description: "All of it",
      dueAt: "2026-12-24T17:00:00.000Z",
      labels: ["urgent", "ops"],
      assignees: [member.id, admin.id],
      archived: false,
      version: 1,
      boardId: board.id,
      listId: list.id,
      checklists: [],
      comments: [],
      attachments: [],
      blockedBy: [],
      blocks: [],
      createdBy: admin.id,
    });
    let c = await ok<Card>(call("POST", `/cards/${card.id}/checklists`, member.token, { title: "Steps", items: ["build", "test"] }), 201);
    const checklist = c.checklists[0];
    expect(checklist?.items.map((i) => [i.text, i.done])).toEqual([
      ["build", false],
      ["test", false],
    ]);
    c = await ok<Card>(
      call("PATCH", `/cards/${card.id}/checklists/${checklist?.id}/items/${checklist?.items[0]?.id}`, member.token, { done: true }),
    );
    expect(c.checklists[0]?.items[0]?.done).toBe(true);
    c = await ok<Card>(call("POST", `/cards/${card.id}/checklists/${checklist?.id}/items`, member.token, { text: "deploy" }), 201);
    expect(c.checklists[0]?.items.map((i) => i.text)).toEqual(["build", "test", "deploy"]);
    c = await ok<Card>(call("POST", `/cards/${card.id}/comments`, member.token, { text: "On it" }), 201);
    expect(c.comments).toEqual([
      { id: expect.any(String), authorId: member.id, text: "On it", createdAt: expect.any(String), editedAt: null },
    ]);
    c = await ok<Card>(call("PATCH", `/cards/${card.id}`, member.token, { archived: true, description: null, dueAt: null }));
    expect(c).toMatchObject({ archived: true, description: null, dueAt: null, version: 6 });
    // archived cards leave the board view but stay readable
    expect((await getBoard(admin, board.id)).lists[0]?.cards).toEqual([]);
    expect((await ok<Card>(call("GET", `/cards/${card.id}`, admin.token))).archived).toBe(true);
    c = await ok<Card>(call("DELETE", `/cards/${card.id}/checklists/${checklist?.id}`, member.token));
    expect(c.checklists).toEqual([]);
    await expectProblem(await call("DELETE", `/cards/${card.id}/checklists/${checklist?.id}`, member.token), 404, "not_found");
  });

  it("comments are edited by their author only and deleted by the author or an admin", async () => {
    const { admin, member, observer, list, board } = await team();
    const other = await newUser();
    await addMember(admin, board.id, other, "member");
    const card = await createCard(admin, list.id);
    const c = await ok<Card>(call("POST", `/cards/${card.id}/comments`, member.token, { text: "frist" }), 201);
    const commentId = c.comments[0]?.id as string;
    expect(c.comments[0]?.editedAt).toBeNull();
    const path = `/cards/${card.id}/comments/${commentId}`;
    await expectProblem(await call("PATCH", path, admin.token, { text: "admin edit" }), 403, "forbidden");
    await expectProblem(await call("PATCH", path, observer.token, { text: "x" }), 403, "forbidden");
    const edited = await ok<Card>(call("PATCH", path, member.token, { text: "first" }));
    expect(edited.comments[0]).toMatchObject({ text: "first", authorId: member.id, editedAt: expect.any(String) });
    await expectProblem(await call("PATCH", path, member.token, { text: "" }), 422, "validation_failed", ["text"]);
    await expectProblem(await call("DELETE", path, other.token), 403, "forbidden");
    expect((await ok<Card>(call("DELETE", path, admin.token))).comments).toEqual([]);
    await expectProblem(await call("DELETE", path, member.token), 404, "not_found");
    await expectProblem(await call("PATCH", `/cards/${card.id}/comments/nope`, member.token, { text: "x" }), 404, "not_found");
  });

  it("refuse assignees who are not members (422) and unknown fields", async () => {
    const { admin, stranger, list } = await team();
    await expectProblem(
      await call("POST", `/lists/${list.id}/cards`, admin.token, { title: "x", assignees: [stranger.id] }),
      422,
      "validation_failed",
      ["assignees"],
    );
    await expectProblem(await call("POST", `/lists/${list.id}/cards`, admin.token, { title: "x", color: "red" }), 422, "validation_failed");
  });

  it("are deleted with everything hanging off them", async () => {
    const { admin, list } = await team();
    const card = await createCard(admin, list.id);
    await ok(call("DELETE", `/cards/${card.id}`, admin.token), 204);
    await expectProblem(await call("GET", `/cards/${card.id}`, admin.token), 404, "not_found");
    await expectProblem(await call("DELETE", `/cards/${card.id}`, admin.token), 404, "not_found");
  });
});

describe("optimistic concurrency", () => {
  it("GET sends the version as ETag; a stale If-Match is 412 and changes nothing", async () => {
    const { admin, member, list, board } = await team();
    const card = await createCard(admin, list.id, { title: "v1" });
    const res = await call("GET", `/cards/${card.id}`, member.token);
    expect(res.headers.get("ETag")).toBe('"1"');
    const notModified = await call("GET", `/cards/${card.id}`, member.token, undefined, { "If-None-Match": '"1"' });
    expect(notModified.status).toBe(304);
    const updated = await call("PATCH", `/cards/${card.id}`, admin.token, { title: "v2" }, { "If-Match": '"1"' });
    expect(updated.status).toBe(200);
    expect(updated.headers.get("ETag")).toBe('"2"');
    // the other user still holds version 1
    await expectProblem(
      await call("PATCH", `/cards/${card.id}`, member.token, { title: "lost" }, { "If-Match": '"1"' }),
      412,
      "precondition_failed",
    );
    await expectProblem(
      await call("POST", `/cards/${card.id}/move`, member.token, { listId: list.id, pos: "top" }, { "If-Match": 'W/"1"' }),
      412,
      "precondition_failed",
    );
    await expectProblem(
      await call("DELETE", `/cards/${card.id}`, member.token, undefined, { "If-Match": '"1"' }),
      412,
      "precondition_failed",
    );
    await expectProblem(
      await call("PATCH", `/cards/${card.id}`, member.token, { title: "x" }, { "If-Match": "garbage" }),
      412,
      "precondition_failed",
    );
    expect((await ok<Card>(call("GET", `/cards/${card.id}`, admin.token))).title).toBe("v2");
    // the current ETag (weak or strong, or in a list) and * pass
    await ok(call("PATCH", `/cards/${card.id}`, member.token, { title: "v3" }, { "If-Match": 'W/"2"' }));
    await ok(call("POST", `/cards/${card.id}/move`, member.token, { listId: list.id }, { "If-Match": '"9", "3"' }));
    await ok(call("DELETE", `/cards/${card.id}`, member.token, undefined, { "If-Match": "*" }), 204);
    expect((await getBoard(admin, board.id)).lists[0]?.cards).toEqual([]);
  });
});

describe("optimistic concurrency under a race", () => {
  it("of 10 concurrent writes holding the same ETag exactly one wins; the rest are 412", async () => {
    const { admin, member, list } = await team();
    const card = await createCard(admin, list.id, { title: "v1" });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        call("PATCH", `/cards/${card.id}`, i % 2 ? admin.token : member.token, { title: `writer ${i}` }, { "If-Match": '"1"' }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, ...Array(9).fill(412)]);
    const winner = (await results.find((r) => r.status === 200)?.json()) as Card;
    const now = await ok<Card>(call("GET", `/cards/${card.id}`, admin.token));
    expect(now).toMatchObject({ title: winner.title, version: 2 });
  });
});

describe("dependencies", () => {
  it("block a card from entering a done list until its blocker is done", async () => {
    const { admin, board, list } = await team();
    const done = await createList(admin, board.id, { name: "Done", done: true });
    const blocker = await createCard(admin, list.id, { title: "blocker" });
    const blocked = await createCard(admin, list.id, { title: "blocked" });
    const c = await ok<Card>(call("POST", `/cards/${blocked.id}/dependencies`, admin.token, { blockedBy: blocker.id }), 201);
    expect(c.blockedBy).toEqual([blocker.id]);
    expect((await ok<Card>(call("GET", `/cards/${blocker.id}`, admin.token))).blocks).toEqual([blocked.id]);
    await expectProblem(await call("POST", `/cards/${blocked.id}/move`, admin.token, { listId: done.id }), 409, "conflict");
    expect((await ok<Card>(call("GET", `/cards/${blocked.id}`, admin.token))).listId).toBe(list.id);
    await ok(call("POST", `/cards/${blocker.id}/move`, admin.token, { listId: done.id }));
    await ok(call("POST", `/cards/${blocked.id}/move`, admin.token, { listId: done.id }));
  });

  it("a list becomes done with PATCH; removing the blocker frees the card", async () => {
    const { admin, board, list } = await team();
    const shipped = await createList(admin, board.id, { name: "Shipped" });
    const marked = await ok<{ done: boolean }>(call("PATCH", `/lists/${shipped.id}`, admin.token, { done: true }));
    expect(marked.done).toBe(true);
    const a = await createCard(admin, list.id, { title: "a" });
    const b = await createCard(admin, list.id, { title: "b" });
    await ok(call("POST", `/cards/${b.id}/dependencies`, admin.token, { blockedBy: a.id }), 201);
    await expectProblem(await call("POST", `/cards/${b.id}/move`, admin.token, { listId: shipped.id }), 409, "conflict");
    await ok(call("DELETE", `/cards/${b.id}/dependencies/${a.id}`, admin.token));
    await ok(call("POST", `/cards/${b.id}/move`, admin.token, { listId: shipped.id }));
  });

  it("can be added from the blocking side with `blocks`", async () => {
    const { admin, board, list } = await team();
    const done = await createList(admin, board.id, { name: "Done", done: true });
    const blocker = await createCard(admin, list.id, { title: "blocker" });
    const blocked = await createCard(admin, list.id, { title: "blocked" });
    const c = await ok<Card>(call("POST", `/cards/${blocker.id}/dependencies`, admin.token, { blocks: blocked.id }), 201);
    expect(c).toMatchObject({ id: blocker.id, blocks: [blocked.id], blockedBy: [] });
    expect((await ok<Card>(call("GET", `/cards/${blocked.id}`, admin.token))).blockedBy).toEqual([blocker.id]);
    await expectProblem(await call("POST", `/cards/${blocked.id}/move`, admin.token, { listId: done.id }), 409, "conflict");
    await expectProblem(await call("POST", `/cards/${blocked.id}/dependencies`, admin.token, { blocks: blocker.id }), 409, "conflict");
    await expectProblem(
      await call("POST", `/cards/${blocked.id}/dependencies`, admin.token, { blocks: blocker.id, blockedBy: blocker.id }),
      422,
      "validation_failed",
    );
    await expectProblem(await call("POST", `/cards/${blocked.id}/dependencies`, admin.token, {}), 422, "validation_failed");
  });

  it("refuse cycles, duplicates, self-blocks and cards of other boards", async () => {
    const { admin, list } = await team();
    const [a, b, c] = [await createCard(admin, list.id), await createCard(admin, list.id), await createCard(admin, list.id)];
    await ok(call("POST", `/cards/${b.id}/dependencies`, admin.token, { blockedBy: a.id }), 201);
    await ok(call("POST", `/cards/${c.id}/dependencies`, admin.token, { blockedBy: b.id }), 201);
    await expectProblem(await call("POST", `/cards/${a.id}/dependencies`, admin.token, { blockedBy: c.id }), 409, "conflict");
    await expectProblem(await call("POST", `/cards/${b.id}/dependencies`, admin.token, { blockedBy: a.id }), 409, "conflict");
    await expectProblem(await call("POST", `/cards/${a.id}/dependencies`, admin.token, { blockedBy: a.id }), 422, "validation_failed", [
      "blockedBy",
    ]);
    const other = await team();
    const foreign = await createCard(other.admin, other.list.id);
    await expectProblem(
      await call("POST", `/cards/${a.id}/dependencies`, admin.token, { blockedBy: foreign.id }),
      422,
      "validation_failed",
      ["blockedBy"],
    );
    expect((await ok<Card>(call("GET", `/cards/${a.id}`, admin.token))).blockedBy).toEqual([]);
    // deleting a blocker frees what it blocked
    await ok(call("DELETE", `/cards/${a.id}`, admin.token), 204);
    expect((await ok<Card>(call("GET", `/cards/${b.id}`, admin.token))).blockedBy).toEqual([]);
  });
});

describe("roles", () => {
  it("observers read but cannot write (403); members write; strangers get 404", async () => {
    const { admin, observer, stranger, list, board } = await team();
    const card = await createCard(admin, list.id);
    await ok(call("GET", `/cards/${card.id}`, observer.token));
    await ok(call("GET", `/boards/${board.id}`, observer.token));
    for (const [method, path, body] of [
      ["POST", `/lists/${list.id}/cards`, { title: "x" }],
      ["PATCH", `/cards/${card.id}`, { title: "x" }],
      ["POST", `/cards/${card.id}/move`, { listId: list.id }],
      ["DELETE", `/cards/${card.id}`, undefined],
      ["POST", `/cards/${card.id}/comments`, { text: "x" }],
      ["POST", `/boards/${board.id}/lists`, { name: "x" }],
      ["PATCH", `/lists/${list.id}`, { name: "x" }],
    ] as const) {
      await expectProblem(await call(method, path, observer.token, body), 403, "forbidden");
      await expectProblem(await call(method, path, stranger.token, body), 404, "not_found");
    }
    expect((await ok<Card>(call("GET", `/cards/${card.id}`, admin.token))).version).toBe(1);
  });
});
