import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ChatRoom, type SocketState } from "../src/do/chat-room";
import { call, connect, createRoom, newUser } from "./helpers";

describe("state survives hibernation", () => {
  it("each socket carries its user in its attachment, and a fresh instance rebuilds the room from storage", async () => {
    const alice = await newUser();
    const bob = await newUser();
    const room = await createRoom(alice, [bob]);
    const a = await connect(alice, room.id);
    const b = await connect(bob, room.id);
    await a.post("before");
    await a.post("hibernate");
    const stub = env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(room.id));
    const rebuilt = await runInDurableObject(stub, async (_instance, state) => {
      const attachments = state.getWebSockets().map((ws) => ws.deserializeAttachment() as SocketState);
      // what the runtime does after hibernation: a new instance over the same storage and sockets
      const fresh = new ChatRoom(state, env);
      await state.blockConcurrencyWhile(async () => {});
      return { attachments, head: fresh.head, roomId: fresh.roomId, online: fresh.onlineUsers() };
    });
    expect(rebuilt.attachments.map((s) => s.userId).sort()).toEqual([alice.id, bob.id].sort());
    for (const s of rebuilt.attachments) {
      expect(s).toEqual({
        userId: expect.any(String),
        connId: expect.any(String),
        connectedAt: expect.any(Number),
        lastSeenAt: expect.any(Number),
      });
    }
    expect(rebuilt).toMatchObject({ head: 2, roomId: room.id, online: [alice.id, bob.id].sort() });
    // the live sockets keep working and numbering continues
    const after = await b.post("after");
    expect(after.seq).toBe(3);
    expect(await a.take((f) => f.type === "message" && f.text === "after")).toMatchObject({ seq: 3, userId: bob.id });
    await a.close();
    await b.close();
  });

  it("history is served with nobody connected", async () => {
    const alice = await newUser();
    const room = await createRoom(alice);
    const a = await connect(alice, room.id);
    for (let i = 1; i <= 5; i++) await a.post(`m${i}`);
    await a.close();
    const res = await call("GET", `/rooms/${room.id}/messages?limit=2`, alice.token);
    expect(res.status).toBe(200);
    const page = (await res.json()) as { items: { seq: number; text: string }[]; nextBefore: number | null };
    expect(page.items.map((m) => [m.seq, m.text])).toEqual([
      [4, "m4"],
      [5, "m5"],
    ]);
    expect(page.nextBefore).toBe(4);
    const older = (await (await call("GET", `/rooms/${room.id}/messages?limit=2&before=4`, alice.token)).json()) as typeof page;
    expect(older.items.map((m) => m.seq)).toEqual([2, 3]);
    const oldest = (await (await call("GET", `/rooms/${room.id}/messages?limit=2&before=2`, alice.token)).json()) as typeof page;
    expect(oldest).toEqual({ items: [expect.objectContaining({ seq: 1, text: "m1" })], nextBefore: null, headSeq: 5 });
  });
});
