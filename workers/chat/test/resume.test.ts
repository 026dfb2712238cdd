import { describe, expect, it } from "vitest";
import { call, connect, createRoom, type Frame, newUser } from "./helpers";

const storedTypes = new Set(["message", "edited", "deleted", "reaction", "member", "room"]);
const storedSeqs = (frames: Frame[]) => frames.filter((f) => storedTypes.has(f.type)).map((f) => f.seq as number);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("resume with since", () => {
  it("replays everything missed, in order, then ready, then live events: no gap, no duplicate", async () => {
    const alice = await newUser();
    const bob = await newUser();
    const room = await createRoom(alice, [bob]);
    const a = await connect(alice, room.id);
    let b = await connect(bob, room.id);
    await a.post("seen 1");
    await a.post("seen 2");
    await b.take((f) => f.type === "message" && f.text === "seen 2");
    const lastSeen = Math.max(...storedSeqs(b.all));
    await b.close();

    // while bob is away: messages, an edit, a reaction and a delete
    const m3 = await a.post("missed 3");
    await a.exchange({ type: "edit", messageId: m3.id, text: "missed 3 (edited)" }, (f) => f.type === "edited");
    await a.exchange({ type: "react", messageId: m3.id, emoji: "🔥" }, (f) => f.type === "reaction");
    const m4 = await a.post("missed 4");
    a.send({ type: "delete", messageId: m4.id });
    await a.take((f) => f.type === "deleted");
    for (let i = 5; i <= 12; i++) await a.post(`missed ${i}`);

    b = await connect(bob, room.id, lastSeen);
    const ready = b.all.find((f) => f.type === "ready");
    const beforeReady = b.all.slice(0, b.all.indexOf(ready as Frame));
    expect(ready).toEqual({ type: "ready", seq: 15, userId: bob.id });
    expect(storedSeqs(beforeReady)).toEqual(range(lastSeen + 1, 15));
    expect(beforeReady.find((f) => f.seq === m4.seq)).toMatchObject({ type: "message", text: "", attachments: [], deleted: true });
    expect(beforeReady.find((f) => f.type === "edited")).toMatchObject({ messageId: m3.id, text: "missed 3 (edited)" });

    const live = await a.post("live");
    expect(await b.take((f) => f.type === "message" && f.text === "live")).toMatchObject({ seq: live.seq });
    expect(storedSeqs(b.all)).toEqual(range(lastSeen + 1, live.seq));
    await a.close();
    await b.close();
  });

  it("no gap and no duplicate while the other side keeps sending during the reconnect", async () => {
    const alice = await newUser();
    const bob = await newUser();
    const room = await createRoom(alice, [bob]);
    const a = await connect(alice, room.id);
    const first = await a.post("start");
    // alice sends continuously while bob connects with since
    const sending = (async () => {
      for (let i = 0; i < 15; i++) await a.post(`burst ${i}`);
    })();
    const b = await connect(bob, room.id, first.seq);
    await sending;
    const last = await a.post("end");
    await b.take((f) => f.type === "message" && f.seq === last.seq);
    expect(storedSeqs(b.all)).toEqual(range(first.seq + 1, last.seq));
    await a.close();
    await b.close();
  });

  it("since=0 replays the whole room; no since replays nothing; since past the head replays nothing", async () => {
    const alice = await newUser();
    const room = await createRoom(alice);
    const a = await connect(alice, room.id);
    await a.post("1");
    await a.post("2");
    await a.close();

    const all = await connect(alice, room.id, 0);
    expect(all.all.map((f) => f.type).slice(0, 3)).toEqual(["message", "message", "ready"]);
    await all.close();
    const none = await connect(alice, room.id);
    expect(none.all[0]).toEqual({ type: "ready", seq: 2, userId: alice.id });
    expect(storedSeqs(none.all)).toEqual([]);
    await none.close();
    const ahead = await connect(alice, room.id, 50);
    expect(ahead.all[0]).toEqual({ type: "ready", seq: 2, userId: alice.id });
    await ahead.close();
  });

  it("resending a message after a reconnect does not store it twice", async () => {
    const alice = await newUser();
    const room = await createRoom(alice);
    let a = await connect(alice, room.id);
    const ack = await a.post("flaky network", "retry-me");
    await a.close();
    a = await connect(alice, room.id, 0);
    const again = await a.post("flaky network", "retry-me");
    expect(again).toEqual(ack);
    expect(storedSeqs(a.all)).toEqual([1]);
    await a.close();
  });
});

describe("history, then the socket", () => {
  it("a history page's headSeq is where the socket continues: every later event once, nothing before it", async () => {
    const alice = await newUser();
    const bob = await newUser();
    const room = await createRoom(alice, [bob]);
    const a = await connect(alice, room.id);
    const m = await a.post("one");
    a.send({ type: "react", messageId: m.id, emoji: "👍" });
    await a.take((f) => f.type === "reaction");
    const page = (await (await call("GET", `/rooms/${room.id}/messages`, bob.token)).json()) as { items: Frame[]; headSeq: number };
    expect(page.headSeq).toBe(2);
    expect(page.items[0]?.reactions).toEqual([{ emoji: "👍", userIds: [alice.id], count: 1 }]);
    await a.post("two");
    const b = await connect(bob, room.id, page.headSeq);
    expect(storedSeqs(b.all)).toEqual([3]);
    await a.close();
    await b.close();
  });
});

describe("concurrency", () => {
  it("three members sending at once: every socket sees the same contiguous sequence", async () => {
    const users = [await newUser(), await newUser(), await newUser()];
    const [owner, ...rest] = users as [Awaited<ReturnType<typeof newUser>>, ...Awaited<ReturnType<typeof newUser>>[]];
    const room = await createRoom(owner, rest);
    const sockets = await Promise.all(users.map((u) => connect(u, room.id)));
    await Promise.all(sockets.map(async (s, i) => Promise.all(Array.from({ length: 10 }, (_, k) => s.post(`u${i} m${k}`)))));
    for (const s of sockets) await s.take((f) => f.type === "message" && f.seq === 30);
    const views = sockets.map((s) => s.all.filter((f) => f.type === "message").map((f) => `${f.seq}:${f.id}`));
    expect(views[0]).toHaveLength(30);
    expect(views[1]).toEqual(views[0]);
    expect(views[2]).toEqual(views[0]);
    expect(storedSeqs(sockets[0]?.all ?? [])).toEqual(range(1, 30));
    const acks = sockets.flatMap((s) => s.all.filter((f) => f.type === "ack").map((f) => f.seq as number));
    expect(acks.sort((x, y) => x - y)).toEqual(range(1, 30));
    for (const s of sockets) await s.close();
  });
});
