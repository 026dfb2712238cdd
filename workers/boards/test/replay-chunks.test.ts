import { env, runInDurableObject } from "cloudflare:test";
import { REPLAY_PAGE } from "@edgeworks/realtime";
import { watchTurns } from "@edgeworks/testing/turns";
import { afterEach, describe, expect, it } from "vitest";
import { Board } from "../src/do/board";
import { Client, connect, createCard, type Frame, openClient, team, ticketFor, type User } from "./helpers";

// Issue 10, item 12 (boards' part): `since=0` on a board with thousands of events is sent one page
// (SocketHub's REPLAY_PAGE events, one bounded storage query) per turn of the board, so the board never queues its
// whole log in one turn and keeps answering everyone else while one member catches up.

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Appends `count` events straight into the board's log (as if that many changes had been made). */
async function seed(boardId: string, actor: User, count: number): Promise<void> {
  await runInDurableObject(env.BOARD.get(env.BOARD.idFromName(boardId)), async (_board, state) => {
    state.storage.transactionSync(() => {
      for (let i = 1; i <= count; i++) {
        state.storage.sql.exec(
          "INSERT INTO events (type, actor_id, at, list_id, card_id, detail, payload) VALUES ('board.updated', ?, ?, NULL, NULL, '{}', ?)",
          actor.id,
          Date.now(),
          JSON.stringify({ name: `rename ${i}` }),
        );
      }
    });
  });
}

let restore = () => {};
afterEach(() => restore());

describe("replay in bounded chunks", () => {
  it("3000 events replay complete and in order, a page per turn, then ready; the board answers others meanwhile", async () => {
    const { admin, member, board, list } = await team();
    await seed(board.id, admin, 3000);
    const a = await openClient(admin, board.id);
    const watch = watchTurns();
    restore = watch.restore;

    // every frame either socket receives, in arrival order
    const arrivals: string[] = [];
    a.ws.addEventListener("message", (e) => {
      arrivals.push(`a:${(JSON.parse(String(e.data)) as Frame).type}`);
    });
    const res = await connect(board.id, await ticketFor(member, board.id), 0);
    expect(res.status).toBe(101);
    const ws = res.webSocket as WebSocket;
    ws.addEventListener("message", (e) => {
      arrivals.push(`b:${(JSON.parse(String(e.data)) as Frame).type}`);
    });
    ws.accept();
    const b = new Client(ws);
    await b.until((f) => f.some((x) => x.type === "board.updated"), "the first replayed event");
    // the member is being replayed to: the admin is answered meanwhile, and a change made now reaches
    // the member exactly once, in its place
    a.ws.send(JSON.stringify({ type: "ping", id: "mid-replay" }));
    await a.until((f) => f.some((x) => x.type === "pong"), "pong");
    const live = await createCard(admin, list.id, { title: "made during the replay" });
    await b.until((f) => f.some((x) => x.type === "ready"), "ready");
    // no turn of the board wrote more than one page to a socket
    expect(watch.maxPerTurn()).toBeLessThanOrEqual(REPLAY_PAGE);
    const memberBeforePong = arrivals.slice(0, arrivals.indexOf("a:pong")).filter((x) => x.startsWith("b:")).length;
    expect(memberBeforePong).toBeLessThan(3000);

    await createCard(admin, list.id, { title: "after the replay" });
    await b.until((f) => f.filter((x) => x.type === "card.created").length === 2, "the card made after");
    const seqs = b.events().map((f) => f.seq as number);
    const head = seqs.at(-1) as number;
    expect(seqs).toEqual(range(1, head));
    expect(b.events().filter((f) => f.type === "card.created" && (f.card as { id: string }).id === live.id)).toHaveLength(1);
    // one ready, after every event up to its seq and before every later one
    const readies = b.frames.filter((f) => f.type === "ready");
    expect(readies).toEqual([{ type: "ready", seq: expect.any(Number), userId: member.id }]);
    const readyAt = b.frames.indexOf(readies[0] as Frame);
    expect(
      b.frames
        .slice(0, readyAt)
        .filter((f) => typeof f.seq === "number")
        .map((f) => f.seq),
    ).toEqual(range(1, readies[0]?.seq as number));
    expect(readies[0]?.seq).toBeGreaterThanOrEqual(3000);
    a.close();
    b.close();
  }, 30_000);

  it("a replay that ends exactly on a page boundary sends ready once, with the head", async () => {
    const { admin, board } = await team();
    // team() stored 4 events (board, 2 members, list): pad to exactly two pages
    await seed(board.id, admin, 2 * REPLAY_PAGE - 4);
    const b = await openClient(admin, board.id, 0);
    await new Promise((r) => setTimeout(r, 50));
    expect(b.events().map((f) => f.seq)).toEqual(range(1, 2 * REPLAY_PAGE));
    expect(b.frames.filter((f) => f.type === "ready")).toEqual([{ type: "ready", seq: 2 * REPLAY_PAGE, userId: admin.id }]);
    b.close();
  });

  it("a socket that closes in the middle of its replay stops it; the board carries on", async () => {
    const { admin, board, list } = await team();
    await seed(board.id, admin, 3 * REPLAY_PAGE);
    const res = await connect(board.id, await ticketFor(admin, board.id), 0);
    const ws = res.webSocket as WebSocket;
    ws.accept();
    const b = new Client(ws);
    await b.until((f) => f.length > 0, "a first frame");
    b.close();
    const a = await openClient(admin, board.id, 3 * REPLAY_PAGE + 4);
    await createCard(admin, list.id, { title: "still here" });
    await a.until((f) => f.some((x) => x.type === "card.created"), "a live event");
    expect(a.events().map((f) => f.seq)).toEqual([3 * REPLAY_PAGE + 5]);
    a.close();
  });

  it("a board rebuilt in the middle of a replay (hibernation) finishes it from the cursor in the socket's attachment", async () => {
    const { admin, board } = await team();
    await seed(board.id, admin, 2 * REPLAY_PAGE);
    const a = await openClient(admin, board.id);
    const head = 2 * REPLAY_PAGE + 4;
    expect(a.frames[0]).toEqual({ type: "ready", seq: head, userId: admin.id });
    const before = a.frames.length;
    await runInDurableObject(env.BOARD.get(env.BOARD.idFromName(board.id)), async (_board, state) => {
      const [ws] = state.getWebSockets();
      if (!ws) throw new Error("no socket");
      // what an evicted instance leaves: the socket is 7 events into a replay the new instance never started
      ws.serializeAttachment({ userId: admin.id, replayAfter: 7 });
      const fresh = new Board(state, env);
      await state.blockConcurrencyWhile(async () => {});
      // its first frame for the socket picks the replay up
      await fresh.webSocketMessage(ws, JSON.stringify({ type: "ping", id: "wake" }));
    });
    await a.until((f) => f.filter((x) => x.type === "ready").length === 2, "the resumed replay's ready");
    const resumed = a.frames.slice(before);
    expect(resumed.filter((f) => typeof f.seq === "number" && f.type !== "ready").map((f) => f.seq)).toEqual(range(8, head));
    expect(resumed.at(-1)).toEqual({ type: "ready", seq: head, userId: admin.id });
    expect(resumed.filter((f) => f.type === "pong")).toEqual([{ type: "pong", id: "wake" }]);
    a.close();
  });
});
