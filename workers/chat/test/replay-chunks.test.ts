import { env, runInDurableObject, SELF } from "cloudflare:test";
import { watchTurns } from "@edgeworks/testing/turns";
import { afterEach, describe, expect, it } from "vitest";
import { ChatRoom } from "../src/do/chat-room";
import { eventPage, REPLAY_PAGE, roomDb } from "../src/do/room-store";
import { BASE, connect, createRoom, type Frame, newUser, TestSocket, ticketFor, type User } from "./helpers";

// Issue 10, item 12 (chat's part): a long replay is sent a page of REPLAY_PAGE events at a time, each page
// in its own turn of the room, so a room of thousands of events neither holds its whole log in one
// socket buffer before the 101 nor stops answering everyone else while one member catches up. The paging
// is packages/realtime's SocketHub (replayPage = eventPage, one bounded query).

const stored = new Set(["message", "edited", "deleted", "reaction", "member", "room"]);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Appends `count` message events straight into the room's storage (as if they had been sent). */
async function seed(roomId: string, user: User, count: number) {
  const stub = env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(roomId));
  await runInDurableObject(stub, (room: ChatRoom, state) => {
    state.storage.transactionSync(() => {
      for (let i = 1; i <= count; i++) {
        const body = {
          id: `seed-${i}`,
          userId: user.id,
          clientId: `c-${i}`,
          text: `seeded ${i}`,
          attachments: [],
          createdAt: new Date().toISOString(),
        };
        state.storage.sql.exec(
          "INSERT INTO events (seq, type, body, created_at) VALUES (?, 'message', ?, ?)",
          room.head + i,
          JSON.stringify(body),
          Date.now(),
        );
      }
    });
    room.head += count;
  });
}

let restore = () => {};
afterEach(() => restore());

/** Opens the socket with `since` without waiting for `ready` (the replay may still be running). */
async function open(user: User, roomId: string, since: number, onFrame: (f: Frame) => void): Promise<TestSocket> {
  const ticket = await ticketFor(user, roomId);
  const res = await SELF.fetch(`${BASE}/rooms/${roomId}/ws?ticket=${ticket}&since=${since}`, { headers: { Upgrade: "websocket" } });
  expect(res.status).toBe(101);
  const ws = res.webSocket;
  if (!ws) throw new Error("no webSocket on the 101");
  ws.addEventListener("message", (e) => onFrame(JSON.parse(String(e.data)) as Frame));
  const socket = new TestSocket(ws);
  ws.accept();
  return socket;
}

describe("replay in bounded chunks", () => {
  it("3000 events replay complete and in order, then ready, then live; the room answers others between pages", async () => {
    const alice = await newUser();
    const bob = await newUser();
    const room = await createRoom(alice, [bob]);
    const a = await connect(alice, room.id);
    await seed(room.id, alice, 3000);

    const watch = watchTurns((data) => stored.has((JSON.parse(data) as Frame).type));
    restore = watch.restore;
    // every frame either socket receives, in arrival order
    const arrivals: string[] = [];
    a.ws.addEventListener("message", (e) => {
      arrivals.push(`a:${(JSON.parse(String(e.data)) as Frame).type}`);
    });
    const b = await open(bob, room.id, 0, (f) => arrivals.push(`b:${f.type}`));
    await b.take((f) => f.type === "message");
    // bob is being replayed to: alice is answered meanwhile, and her new message lands in bob's stream once
    a.send({ type: "ping", id: "mid-replay" });
    await a.take((f) => f.type === "pong");
    const live = await a.post("sent during the replay");
    const ready = await b.take((f) => f.type === "ready", 20_000);
    // no turn of the room wrote more than one page to a socket
    expect(watch.maxPerTurn()).toBeLessThanOrEqual(REPLAY_PAGE);
    const bobBeforePong = arrivals.slice(0, arrivals.indexOf("a:pong")).filter((x) => x.startsWith("b:")).length;
    expect(bobBeforePong).toBeLessThan(3000);

    const after = await a.post("after the replay");
    await b.take((f) => f.type === "message" && f.seq === after.seq);
    const seqs = b.all.filter((f) => stored.has(f.type)).map((f) => f.seq as number);
    expect(seqs).toEqual(range(1, after.seq));
    expect(seqs.filter((seq) => seq === live.seq)).toHaveLength(1);
    // ready comes after every event up to its seq and before every later one
    const readyAt = b.all.indexOf(b.all.find((f) => f.type === "ready") as Frame);
    expect(
      b.all
        .slice(0, readyAt)
        .filter((f) => stored.has(f.type))
        .map((f) => f.seq),
    ).toEqual(range(1, ready.seq));
    expect(ready).toEqual({ type: "ready", seq: ready.seq, userId: bob.id });
    await a.close();
    await b.close();
  }, 30_000);

  it("storage is read a page (one query of at most REPLAY_PAGE events) at a time, and every frame is one event", async () => {
    const alice = await newUser();
    const room = await createRoom(alice);
    await seed(room.id, alice, 2 * REPLAY_PAGE + 7);
    const stub = env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(room.id));
    const seen = await runInDurableObject(stub, (_room: ChatRoom, state) => {
      const db = roomDb(state.storage);
      return {
        first: eventPage(db, 0).map((e) => e.seq),
        last: eventPage(db, 2 * REPLAY_PAGE).map((e) => e.seq),
      };
    });
    expect(seen.first).toEqual(range(1, REPLAY_PAGE));
    expect(seen.last).toEqual(range(2 * REPLAY_PAGE + 1, 2 * REPLAY_PAGE + 7));
    const b = await open(alice, room.id, 0, () => undefined);
    await b.take((f) => f.type === "ready");
    const events = b.all.filter((f) => stored.has(f.type));
    expect(events.map((f) => f.seq)).toEqual(range(1, 2 * REPLAY_PAGE + 7));
    expect(events.every((f) => typeof f.seq === "number" && !("events" in f))).toBe(true);
    await b.close();
  });

  it("a socket that closes in the middle of its replay stops it; the room carries on", async () => {
    const alice = await newUser();
    const room = await createRoom(alice);
    await seed(room.id, alice, 2 * REPLAY_PAGE + 50);
    const b = await open(alice, room.id, 0, () => undefined);
    await b.take((f) => f.type === "message");
    await b.close();
    const a = await connect(alice, room.id);
    expect((await a.post("still here")).seq).toBe(2 * REPLAY_PAGE + 51);
    await a.close();
  });

  it("a room rebuilt in the middle of a replay (hibernation) finishes it from the cursor in the socket's attachment", async () => {
    const alice = await newUser();
    const room = await createRoom(alice);
    await seed(room.id, alice, 2 * REPLAY_PAGE + 10);
    const a = await connect(alice, room.id);
    expect(a.all[0]).toEqual({ type: "ready", seq: 2 * REPLAY_PAGE + 10, userId: alice.id });
    const before = a.all.length;
    const stub = env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(room.id));
    await runInDurableObject(stub, async (_room, state) => {
      const [ws] = state.getWebSockets();
      if (!ws) throw new Error("no socket");
      // what an evicted instance leaves: the socket is 5 events into a replay the new instance never started
      ws.serializeAttachment({ ...(ws.deserializeAttachment() as object), replayAfter: 5 });
      const fresh = new ChatRoom(state, env);
      await state.blockConcurrencyWhile(async () => {});
      // its first use of the sockets picks the replay up
      expect(fresh.connectedUsers()).toEqual([alice.id]);
    });
    await a.take((f) => f.type === "ready", 10_000);
    const resumed = a.all.slice(before);
    expect(resumed.filter((f) => stored.has(f.type)).map((f) => f.seq)).toEqual(range(6, 2 * REPLAY_PAGE + 10));
    expect(resumed.at(-1)).toEqual({ type: "ready", seq: 2 * REPLAY_PAGE + 10, userId: alice.id });
    const attachment = await runInDurableObject(stub, async (_room, state) => state.getWebSockets()[0]?.deserializeAttachment());
    expect(attachment).not.toHaveProperty("replayAfter");
    await a.close();
  });
});
