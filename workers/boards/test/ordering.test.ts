import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
  type Board,
  type Card,
  call,
  createCard,
  createList,
  expectProblem,
  getBoard,
  ok,
  openClient,
  order,
  team,
  type User,
} from "./helpers";

const move = (u: User, cardId: string, body: unknown) => call("POST", `/cards/${cardId}/move`, u.token, body);

describe("positions", () => {
  it("places cards at top, bottom, after, before and between neighbours", async () => {
    const { admin, board, list } = await team();
    const a = await createCard(admin, list.id, { title: "A" });
    await createCard(admin, list.id, { title: "B" }); // bottom by default
    const top = await createCard(admin, list.id, { title: "T", pos: "top" });
    await createCard(admin, list.id, { title: "afterA", pos: { after: a.id } });
    await createCard(admin, list.id, { title: "beforeT", pos: { before: top.id } });
    const b2 = await createCard(admin, list.id, { title: "Z", pos: "bottom" });
    expect(await order(admin, board.id)).toEqual({ "To do": ["beforeT", "T", "A", "afterA", "B", "Z"] });
    const between = await createCard(admin, list.id, { title: "mid", pos: { after: top.id, before: a.id } });
    expect((await order(admin, board.id))["To do"]).toEqual(["beforeT", "T", "mid", "A", "afterA", "B", "Z"]);
    expect(between.pos > top.pos && between.pos < a.pos).toBe(true);
    expect(b2.pos > a.pos).toBe(true);
  });

  it("refuses neighbours that are not adjacent, or not in the target list, with 409 and changes nothing", async () => {
    const { admin, board, list } = await team();
    const other = await createList(admin, board.id, { name: "Other" });
    const [a, , c] = [
      await createCard(admin, list.id, { title: "A" }),
      await createCard(admin, list.id, { title: "B" }),
      await createCard(admin, list.id, { title: "C" }),
    ];
    const x = await createCard(admin, other.id, { title: "X" });
    const before = await getBoard(admin, board.id);
    await expectProblem(await move(admin, x.id, { listId: list.id, pos: { after: a?.id, before: c?.id } }), 409, "conflict");
    await expectProblem(await move(admin, a?.id as string, { listId: other.id, pos: { after: c?.id } }), 409, "conflict");
    await expectProblem(await call("POST", `/lists/${list.id}/cards`, admin.token, { title: "n", pos: { before: x.id } }), 409, "conflict");
    const after = await getBoard(admin, board.id);
    expect(after.lists).toEqual(before.lists);
  });

  it("moves a card to another list in one operation, with its neighbours", async () => {
    const { admin, board, list } = await team();
    const done = await createList(admin, board.id, { name: "Done" });
    const a = await createCard(admin, list.id, { title: "A" });
    const b = await createCard(admin, list.id, { title: "B" });
    const d1 = await createCard(admin, done.id, { title: "D1" });
    const d2 = await createCard(admin, done.id, { title: "D2" });
    const moved = await ok<Card>(move(admin, a.id, { listId: done.id, pos: { after: d1.id, before: d2.id } }));
    expect(moved.listId).toBe(done.id);
    expect(moved.version).toBe(a.version + 1);
    expect(await order(admin, board.id)).toEqual({ "To do": ["B"], Done: ["D1", "A", "D2"] });
    // within the same list, to the top; default is bottom
    await ok(move(admin, d2.id, { listId: done.id, pos: "top" }));
    await ok(move(admin, b.id, { listId: done.id }));
    expect(await order(admin, board.id)).toEqual({ "To do": [], Done: ["D2", "D1", "A", "B"] });
  });

  it("orders lists by position too, and moves them", async () => {
    const { admin, board, list } = await team();
    const second = await createList(admin, board.id, { name: "Second" });
    const first = await createList(admin, board.id, { name: "First", pos: "top" });
    await ok(call("POST", `/lists/${second.id}/move`, admin.token, { pos: { after: first.id, before: list.id } }));
    expect((await getBoard(admin, board.id)).lists.map((l) => l.name)).toEqual(["First", "Second", "To do"]);
    await expectProblem(
      await call("POST", `/lists/${first.id}/move`, admin.token, { pos: { after: list.id, before: second.id } }),
      409,
      "conflict",
    );
  });

  it("re-spaces a list's keys when they grow past the limit, keeping the order, and says so on the socket", async () => {
    const { admin, board, list } = await team();
    const client = await openClient(admin, board.id);
    const first = await createCard(admin, list.id, { title: "0" });
    let last = await createCard(admin, list.id, { title: "end" });
    const titles = ["0"];
    // always right after the first card: the key between two ever-closer keys grows by a character every few inserts
    for (let i = 1; i <= 30; i++) {
      last = await createCard(admin, list.id, { title: String(i), pos: { after: first.id } });
      titles.splice(1, 0, String(i));
    }
    titles.push("end");
    const b = await getBoard(admin, board.id);
    const cards = b.lists[0]?.cards ?? [];
    expect(cards.map((c) => c.title)).toEqual(titles);
    expect(Math.max(...cards.map((c) => c.pos.length))).toBeLessThanOrEqual(6);
    expect(new Set(cards.map((c) => c.pos)).size).toBe(cards.length);
    await client.until((f) => f.some((x) => x.type === "cards.rebalanced"), "a rebalance event");
    const ev = client.frames.find((x) => x.type === "cards.rebalanced") as unknown as {
      listId: string;
      positions: { id: string; pos: string }[];
    };
    expect(ev.listId).toBe(list.id);
    // the new keys keep the order: sorted by key, the event's cards are in board order
    const byKey = [...ev.positions].sort((x, y) => (x.pos < y.pos ? -1 : x.pos > y.pos ? 1 : 0)).map((p) => p.id);
    expect(byKey).toEqual(cards.map((c) => c.id).filter((id) => byKey.includes(id)));
    expect(byKey.length).toBeGreaterThan(2);
    expect(cards[1]?.id).toBe(last.id);
    client.close();
  }, 30_000);
});

describe("list positions", () => {
  it("are re-spaced too when they grow long, keeping the order", async () => {
    const { admin, board, list } = await team();
    const client = await openClient(admin, board.id);
    const names = [list.name];
    for (let i = 1; i <= 30; i++) {
      await createList(admin, board.id, { name: `L${i}`, pos: { after: list.id } });
      names.splice(1, 0, `L${i}`);
    }
    const lists = (await getBoard(admin, board.id)).lists;
    expect(lists.map((l) => l.name)).toEqual(names);
    expect(Math.max(...lists.map((l) => l.pos.length))).toBeLessThanOrEqual(6);
    await client.until((f) => f.some((x) => x.type === "lists.rebalanced"), "a lists rebalance");
    client.close();
  }, 30_000);
});

/** A small deterministic PRNG (mulberry32), so a failing run can be replayed. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Model = Map<string, { listId: string; pos: string }>;

/** Applies the board's events to a local model, as a real-time client would. */
function apply(model: Model, frames: { type: string; [k: string]: unknown }[]) {
  for (const f of frames) {
    if (f.type === "card.moved" || f.type === "card.created") {
      const card = f.card as Card;
      model.set(card.id, { listId: card.listId, pos: card.pos });
    } else if (f.type === "cards.rebalanced") {
      for (const p of f.positions as { id: string; pos: string }[]) {
        const cur = model.get(p.id);
        if (cur) model.set(p.id, { ...cur, pos: p.pos });
      }
    }
  }
}

const snapshotOf = (b: Board) => b.lists.map((l) => ({ list: l.id, cards: l.cards.map((c) => c.id) }));

describe("50 concurrent moves by several users", () => {
  it("end in one consistent order: no duplicate position, no lost card, every reader and the event stream agree", async () => {
    const { admin, member, observer, board, list } = await team();
    // one after the other, so that `lists` is the board's own list order (two concurrent creates may land either way)
    const lists = [list, await createList(admin, board.id, { name: "B" }), await createList(admin, board.id, { name: "C" })];
    const cards: Card[] = [];
    for (const l of lists) for (let i = 0; i < 8; i++) cards.push(await createCard(admin, l.id, { title: `${l.name}-${i}` }));
    const watcher = await openClient(observer, board.id, (await getBoard(admin, board.id)).seq);
    const movers = [admin, member, admin, member, admin];
    const random = rng(20261126);
    const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)] as T;
    const requests = Array.from({ length: 50 }, (_, i) => {
      const card = pick(cards);
      const target = pick(lists);
      const neighbour = pick(cards);
      const roll = random();
      const pos = roll < 0.25 ? "top" : roll < 0.5 ? "bottom" : roll < 0.75 ? { after: neighbour.id } : { before: neighbour.id };
      return move(movers[i % movers.length] as User, card.id, { listId: target.id, pos });
    });
    const responses = await Promise.all(requests);
    const statuses = responses.map((r) => r.status);
    // a neighbour that another move has taken elsewhere is a 409 (stale view); nothing else may fail
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(20);
    for (const r of responses) await r.body?.cancel();

    const views = await Promise.all([admin, member, observer].map((u) => getBoard(u, board.id)));
    const [first] = views as [Board];
    for (const v of views) expect(snapshotOf(v)).toEqual(snapshotOf(first));
    const all = first.lists.flatMap((l) => l.cards);
    expect(all.length).toBe(cards.length);
    expect(new Set(all.map((c) => c.id))).toEqual(new Set(cards.map((c) => c.id)));
    for (const l of first.lists) {
      const keys = l.cards.map((c) => c.pos);
      expect(new Set(keys).size).toBe(keys.length);
      expect([...keys].sort()).toEqual(keys); // returned in key order (byte order, as stored)
      for (const c of l.cards) expect(c.listId).toBe(l.id);
    }

    // a live client that applied every event has the same order
    await watcher.until(
      (f) => (f.filter((x) => x.type === "card.moved").length ?? 0) >= statuses.filter((s) => s === 200).length,
      "all moves",
    );
    const model: Model = new Map(cards.map((c) => [c.id, { listId: c.listId, pos: c.pos }]));
    apply(model, watcher.events() as { type: string }[]);
    const fromEvents = lists.map((l) => ({
      list: l.id,
      cards: [...model.entries()]
        .filter(([, v]) => v.listId === l.id)
        .sort(([, a], [, b]) => (a.pos < b.pos ? -1 : a.pos > b.pos ? 1 : 0))
        .map(([id]) => id),
    }));
    expect(fromEvents).toEqual(snapshotOf(first));
    // and in storage: no two cards share a (list, position), every card sits in a live list
    await runInDurableObject(env.BOARD.get(env.BOARD.idFromName(board.id)), async (_i, state) => {
      const sql = state.storage.sql;
      expect(sql.exec("SELECT list_id, pos FROM cards GROUP BY list_id, pos HAVING count(*) > 1").toArray()).toEqual([]);
      expect(sql.exec("SELECT id FROM cards WHERE list_id NOT IN (SELECT id FROM lists)").toArray()).toEqual([]);
      expect(sql.exec("SELECT count(*) AS n FROM cards").one().n).toBe(cards.length);
    });
    const seqs = watcher.events().map((f) => f.seq as number);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    watcher.close();
  });
});
