import { describe, expect, it } from "vitest";
import { connect, createRoom, newUser } from "./helpers";

describe("the WebSocket path", () => {
  it("delivers a message to every member with an ack to the sender", async () => {
    const alice = await newUser();
    const bob = await newUser();
    const room = await createRoom(alice, [bob]);
    const a = await connect(alice, room.id);
    const b = await connect(bob, room.id);
    const ack = await a.post("hello", "c1");
    expect(ack).toEqual({ type: "ack", clientId: "c1", seq: 1, id: expect.any(String) });
    const got = await b.take((f) => f.type === "message");
    expect(got).toMatchObject({ type: "message", seq: 1, id: ack.id, userId: alice.id, text: "hello", clientId: "c1", attachments: [] });
    expect(await a.take((f) => f.type === "message")).toEqual(got);
    a.close();
    b.close();
  });
});
