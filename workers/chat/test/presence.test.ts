import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ChatRoom, SocketState } from "../src/do/chat-room";
import { call, connect, createRoom, eventually, expectProblem, newUser, type User } from "./helpers";

type Presence = { items: { userId: string; online: boolean; lastSeenAt: string | null }[] };
const presence = async (asker: User, ...users: User[]) => {
  const res = await call("GET", `/presence?userIds=${users.map((u) => u.id).join(",")}`, asker.token);
  expect(res.status).toBe(200);
  return ((await res.json()) as Presence).items;
};
const isOnline = async (asker: User, user: User) => (await presence(asker, user))[0]?.online;

describe("presence", () => {
  it("online while a socket is open, offline after the last one closes", async () => {
    const alice = await newUser();
    const bob = await newUser();
    const room = await createRoom(alice, [bob]);
    expect(await presence(bob, alice)).toEqual([{ userId: alice.id, online: false, lastSeenAt: null }]);
    const a = await connect(alice, room.id);
    expect(await presence(bob, alice)).toEqual([{ userId: alice.id, online: true, lastSeenAt: null }]);
    await a.close();
    const after = await eventually(async () => ((await isOnline(bob, alice)) === false ? presence(bob, alice) : undefined));
    expect(after).toEqual([{ userId: alice.id, online: false, lastSeenAt: expect.any(String) }]);
  });

  it("counts sockets across rooms and devices", async () => {
    const alice = await newUser();
    const bob = await newUser();
    const r1 = await createRoom(alice, [bob]);
    const r2 = await createRoom(alice);
    const phone = await connect(alice, r1.id);
    const laptop = await connect(alice, r1.id);
    const other = await connect(alice, r2.id);
    await phone.close();
    await other.close();
    expect(await isOnline(bob, alice)).toBe(true);
    await laptop.close();
    await eventually(async () => ((await isOnline(bob, alice)) === false ? true : undefined));
  });

  it("the room sends presence frames when its set of online users changes", async () => {
    const alice = await newUser();
    const bob = await newUser();
    const room = await createRoom(alice, [bob]);
    const a = await connect(alice, room.id);
    expect(await a.take((f) => f.type === "presence")).toEqual({ type: "presence", online: [alice.id] });
    const b = await connect(bob, room.id);
    expect(await b.take((f) => f.type === "presence")).toEqual({ type: "presence", online: [alice.id, bob.id].sort() });
    expect(await a.take((f) => f.type === "presence")).toEqual({ type: "presence", online: [alice.id, bob.id].sort() });
    await b.close();
    expect(await a.take((f) => f.type === "presence")).toEqual({ type: "presence", online: [alice.id] });
    await a.close();
  });

  it("a room's presence shows its members online anywhere, not only in this room", async () => {
    const alice = await newUser();
    const bob = await newUser();
    const shared = await createRoom(bob, [alice]);
    const alone = await createRoom(alice);
    const b = await connect(bob, shared.id);
    expect(await b.take((f) => f.type === "presence")).toEqual({ type: "presence", online: [bob.id] });
    const a = await connect(alice, alone.id); // alice comes online in another room
    expect(await b.take((f) => f.type === "presence")).toEqual({ type: "presence", online: [alice.id, bob.id].sort() });
    await a.close();
    expect(await b.take((f) => f.type === "presence")).toEqual({ type: "presence", online: [bob.id] });
    // a member who joins while online elsewhere shows up at once
    const carol = await newUser();
    const elsewhere = await createRoom(carol);
    const c = await connect(carol, elsewhere.id);
    expect((await call("POST", `/rooms/${shared.id}/members`, bob.token, { userId: carol.id })).status).toBe(201);
    expect(await b.take((f) => f.type === "presence")).toEqual({ type: "presence", online: [bob.id, carol.id].sort() });
    // and one who is removed disappears
    expect((await call("DELETE", `/rooms/${shared.id}/members/${carol.id}`, bob.token)).status).toBe(204);
    expect(await b.take((f) => f.type === "presence")).toEqual({ type: "presence", online: [bob.id] });
    await c.close();
    await b.close();
  });

  it("a socket that stops answering is closed (4000) and its user goes offline", async () => {
    const alice = await newUser();
    const bob = await newUser();
    const room = await createRoom(alice, [bob]);
    const a = await connect(alice, room.id);
    const b = await connect(bob, room.id);
    const stub = env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(room.id));
    await runInDurableObject(stub, (instance: ChatRoom, state) => {
      for (const ws of state.getWebSockets()) {
        const s = ws.deserializeAttachment() as SocketState;
        if (s.userId === alice.id) instance.setState(ws, { ...s, lastSeenAt: Date.now() - 120_000 });
      }
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await a.closedWith()).code).toBe(4000);
    expect(await b.take((f) => f.type === "presence" && f.online.length === 1)).toEqual({ type: "presence", online: [bob.id] });
    await eventually(async () => ((await isOnline(bob, alice)) === false ? true : undefined));
    expect(await isOnline(alice, bob)).toBe(true);
    await b.close();
  });

  it("a connection its room stopped vouching for (the room vanished) expires after 2 minutes", async () => {
    const alice = await newUser();
    const room = await createRoom(alice);
    const a = await connect(alice, room.id);
    expect(await isOnline(alice, alice)).toBe(true);
    const stub = env.PRESENCE.get(env.PRESENCE.idFromName(alice.id));
    await runInDurableObject(stub, (_i, state) => {
      state.storage.sql.exec("UPDATE conns SET last_seen = ?", Date.now() - 121_000);
    });
    expect(await presence(alice, alice)).toEqual([{ userId: alice.id, online: false, lastSeenAt: expect.any(String) }]);
    await a.close();
  });

  it("strangers' presence is never revealed", async () => {
    const alice = await newUser();
    const mallory = await newUser();
    const room = await createRoom(alice);
    const a = await connect(alice, room.id);
    expect(await presence(mallory, alice)).toEqual([{ userId: alice.id, online: false, lastSeenAt: null }]);
    await a.close();
  });

  it.each([
    ["", "empty"],
    [",,,", "only commas"],
    ["a/b", "a slash"],
    [Array.from({ length: 101 }, (_, i) => `u${i}`).join(","), "101 ids"],
  ])("userIds=%s (%s) is 422", async (q) => {
    const alice = await newUser();
    await expectProblem(await call("GET", `/presence?userIds=${encodeURIComponent(q)}`, alice.token), 422, "validation_failed");
  });

  it("no userIds is 422, no token is 401", async () => {
    const alice = await newUser();
    await expectProblem(await call("GET", "/presence", alice.token), 422, "validation_failed");
    await expectProblem(await call("GET", `/presence?userIds=${alice.id}`), 401, "unauthorized");
  });
});
