import { describe, expect, it } from "vitest";
import { type Card, call, createCard, createList, expectProblem, ok, team } from "./helpers";

type Page = {
  items: {
    seq: number;
    type: string;
    actorId: string;
    at: string;
    cardId: string | null;
    listId: string | null;
    detail: Record<string, unknown>;
  }[];
  nextBefore: number | null;
};

describe("activity", () => {
  it("logs who did what and when, per board and per card, newest first and paginated", async () => {
    const { admin, member, board, list } = await team();
    const done = await createList(admin, board.id, { name: "Done" });
    const card = await createCard(member, list.id, { title: "Task" });
    await ok(call("POST", `/cards/${card.id}/move`, admin.token, { listId: done.id }));
    await ok(call("POST", `/cards/${card.id}/comments`, member.token, { text: "done!" }), 201);
    const cardLog = await ok<Page>(call("GET", `/cards/${card.id}/activity`, admin.token));
    expect(cardLog.items.map((e) => [e.type, e.actorId])).toEqual([
      ["card.commented", member.id],
      ["card.moved", admin.id],
      ["card.created", member.id],
    ]);
    expect(cardLog.items[1]?.detail).toEqual({ fromListId: list.id, toListId: done.id });
    expect(Date.parse(cardLog.items[0]?.at ?? "")).toBeGreaterThan(Date.now() - 60_000);
    const page1 = await ok<Page>(call("GET", `/boards/${board.id}/activity?limit=2`, admin.token));
    expect(page1.items.map((e) => e.type)).toEqual(["card.commented", "card.moved"]);
    const page2 = await ok<Page>(call("GET", `/boards/${board.id}/activity?limit=100&before=${page1.nextBefore}`, admin.token));
    expect(page2.items[0]?.type).toBe("card.created");
    expect(page2.items.at(-1)?.type).toBe("board.created");
    expect(page2.nextBefore).toBeNull();
    await expectProblem(await call("GET", `/boards/${board.id}/activity?limit=0`, admin.token), 422, "validation_failed", ["limit"]);
  });
});

describe("search and filters", () => {
  it("by text, label, assignee, due, list and archive state", async () => {
    const { admin, member, board, list } = await team();
    const other = await createList(admin, board.id, { name: "Other" });
    const a = await createCard(admin, list.id, {
      title: "Fix the LOGIN bug",
      labels: ["bug"],
      assignees: [member.id],
      dueAt: "2020-12-01T00:00:00Z",
    });
    const b = await createCard(admin, other.id, {
      title: "Write docs",
      description: "about login",
      labels: ["docs"],
      dueAt: "2021-01-01T00:00:00Z",
    });
    const c = await createCard(admin, list.id, { title: "Refactor", labels: ["bug"] });
    const d = await createCard(admin, list.id, { title: "Old login page" });
    await ok(call("PATCH", `/cards/${d.id}`, admin.token, { archived: true }));
    const ids = async (q: string) =>
      (await ok<{ items: Card[] }>(call("GET", `/boards/${board.id}/cards?${q}`, member.token))).items.map((x) => x.id);
    expect(await ids("q=login")).toEqual([a.id, b.id]);
    expect(await ids("label=bug")).toEqual([a.id, c.id]);
    expect(await ids(`assignee=${member.id}`)).toEqual([a.id]);
    expect(await ids("dueBefore=2020-12-15T00:00:00Z")).toEqual([a.id]);
    expect(await ids("dueAfter=2020-12-15T00:00:00Z")).toEqual([b.id]);
    expect(await ids("hasDue=false")).toEqual([c.id]);
    expect(await ids(`listId=${other.id}`)).toEqual([b.id]);
    expect(await ids("label=bug&q=refactor")).toEqual([c.id]);
    expect(await ids("archived=true")).toEqual([d.id]);
    // a card in an archived list counts as archived
    const shelf = await createList(admin, board.id, { name: "Shelf" });
    const shelved = await createCard(admin, shelf.id, { title: "shelved login" });
    await ok(call("PATCH", `/lists/${shelf.id}`, admin.token, { archived: true }));
    expect(await ids("q=login")).toEqual([a.id, b.id]);
    expect(await ids("archived=true&q=login")).toEqual([d.id, shelved.id]);
    expect(await ids("q=%25")).toEqual([]);
    // relative to now
    const soon = await createCard(admin, list.id, { title: "soon", dueAt: new Date(Date.now() + 3_600_000).toISOString() });
    const nextWeek = await createCard(admin, list.id, { title: "next week", dueAt: new Date(Date.now() + 5 * 86_400_000).toISOString() });
    const past = await createCard(admin, list.id, { title: "past", dueAt: new Date(Date.now() - 3_600_000).toISOString() });
    const shipped = await createList(admin, board.id, { name: "Shipped", done: true });
    const pastDone = await createCard(admin, shipped.id, { title: "past but done", dueAt: new Date(Date.now() - 3_600_000).toISOString() });
    expect(await ids("due=day")).toEqual([soon.id]);
    expect(await ids("due=week")).toEqual([soon.id, nextWeek.id]);
    expect(await ids("due=overdue")).toEqual([a.id, past.id, b.id]); // not the one in a done list
    // it is past due and findable: only its done list keeps it out of `overdue`
    expect(await ids(`listId=${shipped.id}&dueBefore=${new Date().toISOString()}`)).toEqual([pastDone.id]);
    expect(await ids("due=none")).toEqual([c.id]);
    expect((await ids("due=any")).length).toBe(6);
    await expectProblem(await call("GET", `/boards/${board.id}/cards?due=soonish`, admin.token), 422, "validation_failed", ["due"]);
    await expectProblem(await call("GET", `/boards/${board.id}/cards?dueBefore=tomorrow`, admin.token), 422, "validation_failed", [
      "dueBefore",
    ]);
    await expectProblem(await call("GET", `/boards/${board.id}/cards?hasDue=maybe`, admin.token), 422, "validation_failed", ["hasDue"]);
  });
});
