import { describe, expect, it } from "vitest";
import { call, connect, createRoom, type Frame, newUser } from "./helpers";

const setup = async () => {
  const alice = await newUser();
  const bob = await newUser();
  const room = await createRoom(alice, [bob]);
  return { alice, bob, room };
};

const stored = (frames: Frame[]) => frames.filter((f) => typeof f.seq === "number" && !["ack", "ready", "read"].includes(f.type));

describe("messages and acks", () => {
  it("delivers a message to every member, with an ack to the sender", async () => {
    const { alice, bob, room } = await setup();
    const a = await connect(alice, room.id);
    const b = await connect(bob, room.id);
    const ack = await a.post("hello", "c1");
    expect(ack).toEqual({ type: "ack", clientId: "c1", seq: 1, id: expect.any(String) });
    const got = await b.take((f) => f.type === "message");
    expect(got).toEqual({
      type: "message",
      seq: 1,
      id: ack.id,
      userId: alice.id,
      clientId: "c1",
      text: "hello",
      attachments: [],
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(await a.take((f) => f.type === "message")).toEqual(got);
    await a.close();
    await b.close();
  });

  it("a resent clientId returns the original ack and stores nothing new", async () => {
    const { alice, bob, room } = await setup();
    const a = await connect(alice, room.id);
    const b = await connect(bob, room.id);
    const first = await a.post("once", "same-id");
    const again = await a.post("once (retry)", "same-id");
    expect(again).toEqual(first);
    const other = await a.post("next", "other-id");
    expect(other.seq).toBe(first.seq + 1);
    await b.take((f) => f.type === "message" && f.clientId === "other-id");
    expect(b.all.filter((f) => f.type === "message").map((f) => f.text)).toEqual(["once", "next"]);
    const history = await (await call("GET", `/rooms/${room.id}/messages`, alice.token)).json();
    expect((history as { items: Frame[] }).items.map((m) => m.text)).toEqual(["once", "next"]);
    await a.close();
    await b.close();
  });

  it("the same clientId from two users is two messages", async () => {
    const { alice, bob, room } = await setup();
    const a = await connect(alice, room.id);
    const b = await connect(bob, room.id);
    const x = await a.post("from alice", "shared");
    const y = await b.post("from bob", "shared");
    expect(y.seq).toBe(x.seq + 1);
    expect(y.id).not.toBe(x.id);
    await a.close();
    await b.close();
  });

  it("numbers stored events 1, 2, 3… across messages, edits, reactions and deletes", async () => {
    const { alice, bob, room } = await setup();
    const a = await connect(alice, room.id);
    const b = await connect(bob, room.id);
    const m1 = await a.post("one");
    b.send({ type: "react", messageId: m1.id, emoji: "👍" });
    await a.take((f) => f.type === "reaction"); // two sockets: wait so the order is known
    await a.exchange({ type: "edit", messageId: m1.id, text: "one (edited)" }, (f) => f.type === "edited");
    const m2 = await a.post("two");
    a.send({ type: "delete", messageId: m2.id });
    await b.take((f) => f.type === "deleted");
    expect(stored(b.all).map((f) => [f.seq, f.type])).toEqual([
      [1, "message"],
      [2, "reaction"],
      [3, "edited"],
      [4, "message"],
      [5, "deleted"],
    ]);
    expect(b.all.find((f) => f.type === "reaction")).toMatchObject({ messageId: m1.id, userId: bob.id, emoji: "👍", action: "added" });
    expect(b.all.find((f) => f.type === "edited")).toMatchObject({ messageId: m1.id, text: "one (edited)", editedAt: expect.any(String) });
    expect(b.all.find((f) => f.type === "deleted")).toMatchObject({ messageId: m2.id, userId: alice.id });
    await a.close();
    await b.close();
  });

  it("a second react with the same emoji removes it", async () => {
    const { alice, bob, room } = await setup();
    const a = await connect(alice, room.id);
    const m = await a.post("react to me");
    a.send({ type: "react", messageId: m.id, emoji: ":tada:" });
    expect(await a.take((f) => f.type === "reaction")).toMatchObject({ action: "added" });
    a.send({ type: "react", messageId: m.id, emoji: ":tada:" });
    expect(await a.take((f) => f.type === "reaction")).toMatchObject({ action: "removed" });
    const page = (await (await call("GET", `/rooms/${room.id}/messages`, bob.token)).json()) as { items: Frame[] };
    expect(page.items[0]?.reactions).toEqual([]);
    await a.close();
  });

  it("only the author may edit or delete; unknown messages are not_found", async () => {
    const { alice, bob, room } = await setup();
    const a = await connect(alice, room.id);
    const b = await connect(bob, room.id);
    const m = await a.post("mine");
    b.send({ type: "edit", messageId: m.id, text: "hijacked" });
    expect(await b.take((f) => f.type === "error")).toEqual({ type: "error", code: "forbidden", detail: expect.any(String) });
    b.send({ type: "delete", messageId: m.id });
    expect(await b.take((f) => f.type === "error")).toMatchObject({ code: "forbidden" });
    b.send({ type: "edit", messageId: "nope", text: "x" });
    expect(await b.take((f) => f.type === "error")).toMatchObject({ code: "not_found" });
    a.send({ type: "delete", messageId: m.id });
    await a.take((f) => f.type === "deleted");
    a.send({ type: "edit", messageId: m.id, text: "back from the dead" });
    expect(await a.take((f) => f.type === "error")).toMatchObject({ code: "not_found" });
    const page = (await (await call("GET", `/rooms/${room.id}/messages`, bob.token)).json()) as { items: Frame[] };
    expect(page.items).toEqual([expect.objectContaining({ id: m.id, text: "", deletedAt: expect.any(String) })]);
    await a.close();
    await b.close();
  });
});

describe("moderation", () => {
  it("the owner (or an admin) may delete anyone's message, but not edit it", async () => {
    const { alice, bob, room } = await setup();
    const a = await connect(alice, room.id);
    const b = await connect(bob, room.id);
    const m = await b.post("spam");
    a.send({ type: "edit", messageId: m.id, text: "edited by owner" });
    expect(await a.take((f) => f.type === "error")).toMatchObject({ code: "forbidden" });
    a.send({ type: "delete", messageId: m.id });
    expect(await b.take((f) => f.type === "deleted")).toMatchObject({ messageId: m.id, userId: alice.id });
    await a.close();
    await b.close();
  });
});

describe("ephemeral frames", () => {
  it("typing goes to the others, not to the typist", async () => {
    const { alice, bob, room } = await setup();
    const a = await connect(alice, room.id);
    const b = await connect(bob, room.id);
    a.send({ type: "typing" });
    expect(await b.take((f) => f.type === "typing")).toEqual({ type: "typing", userId: alice.id, expiresAt: expect.any(String) });
    await a.post("after typing");
    expect(a.all.some((f) => f.type === "typing")).toBe(false);
    await a.close();
    await b.close();
  });

  it("read receipts are broadcast, move forward only, and drive the unread count", async () => {
    const { alice, bob, room } = await setup();
    const a = await connect(alice, room.id);
    const b = await connect(bob, room.id);
    await a.post("1");
    await a.post("2");
    const m3 = await a.post("3");
    const unread = async () => {
      const list = (await (await call("GET", "/rooms", bob.token)).json()) as { items: Frame[] };
      return list.items.find((r) => r.id === room.id);
    };
    expect(await unread()).toMatchObject({ unreadCount: 3, lastReadSeq: 0, headSeq: 3, lastMessage: { text: "3", seq: m3.seq } });
    b.send({ type: "read", seq: 2 });
    expect(await a.take((f) => f.type === "read")).toEqual({ type: "read", userId: bob.id, seq: 2 });
    b.send({ type: "read", seq: 1 });
    expect(await a.take((f) => f.type === "read")).toEqual({ type: "read", userId: bob.id, seq: 2 });
    expect(await unread()).toMatchObject({ unreadCount: 1, lastReadSeq: 2 });
    b.send({ type: "read", seq: 999 });
    expect(await a.take((f) => f.type === "read")).toEqual({ type: "read", userId: bob.id, seq: 3 });
    expect(await unread()).toMatchObject({ unreadCount: 0 });
    await a.close();
    await b.close();
  });

  it("ping is answered with pong, whatever its spacing", async () => {
    const { alice, room } = await setup();
    const a = await connect(alice, room.id);
    a.send('{"type":"ping"}');
    expect(await a.take((f) => f.type === "pong")).toEqual({ type: "pong" });
    a.send('{ "type" : "ping" }');
    expect(await a.take((f) => f.type === "pong")).toEqual({ type: "pong" });
    await a.close();
  });
});

describe("odd user ids", () => {
  it("a user whose id is long and unusual (from the token) can connect and chat", async () => {
    const { mintToken } = await import("@edgeworks/testing");
    const id = `user:${"x".repeat(300)}@weird/ünïcode`;
    const odd = { id, token: await mintToken({ sub: id }) };
    const room = await createRoom(odd);
    const s = await connect(odd, room.id);
    const ack = await s.post("hi from a long id");
    expect(ack.seq).toBe(1);
    await s.close();
  });
});
