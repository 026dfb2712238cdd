import { describe, expect, it } from "vitest";
import { call, connect, createRoom, eventually, expectProblem, newUser, type User } from "./helpers";

type Outbox = { items: { userId: string; roomId: string; messageId: string; senderId: string; body: string; pushed: boolean }[] };
const outboxOf = async (user: User) => {
  const res = await call("GET", `/dev/outbox?userId=${user.id}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Outbox;
};

describe("notifications for offline members", () => {
  it("go to the outbox through the Queue for members offline everywhere, never for the connected or the sender", async () => {
    const alice = await newUser();
    const bob = await newUser();
    const carol = await newUser();
    const dave = await newUser();
    const room = await createRoom(alice, [bob, carol, dave]);
    const other = await createRoom(dave);
    const a = await connect(alice, room.id);
    const c = await connect(carol, room.id);
    const d = await connect(dave, other.id); // online, but in another room
    const ack = await a.post("are you there?");
    const box = await eventually(async () => {
      const o = await outboxOf(bob);
      return o.items.length > 0 ? o : undefined;
    });
    expect(box.items).toEqual([
      {
        id: `${ack.id}:${bob.id}`,
        userId: bob.id,
        roomId: room.id,
        messageId: ack.id,
        senderId: alice.id,
        body: JSON.stringify({ roomId: room.id, messageId: ack.id, seq: ack.seq, senderId: alice.id, text: "are you there?" }),
        pushed: false, // bob has no push subscription
        createdAt: expect.any(String),
      },
    ]);
    const mine = (await (await call("GET", "/notifications", bob.token)).json()) as Outbox;
    expect(mine.items).toEqual(box.items);
    expect(await (await call("GET", "/notifications", carol.token)).json()).toEqual({ items: [] });
    expect((await outboxOf(carol)).items).toEqual([]);
    expect((await outboxOf(alice)).items).toEqual([]);
    expect((await outboxOf(dave)).items).toEqual([]);
    await a.close();
    await c.close();
    await d.close();
  });

  it("the outbox query is validated", async () => {
    await expectProblem(await call("GET", "/dev/outbox?userId=..%2Fx"), 422, "validation_failed");
  });
});

describe("push subscriptions", () => {
  const sub = (endpoint = `https://push.example/${crypto.randomUUID()}`) => ({
    endpoint,
    keys: { p256dh: `B${"A".repeat(86)}`, auth: "AAAAAAAAAAAAAAAAAAAAAA" },
  });

  it("register (201), again (200), list, delete; someone else's is 404", async () => {
    const alice = await newUser();
    const bob = await newUser();
    const body = sub();
    const first = await call("POST", "/push/subscriptions", alice.token, body);
    expect(first.status).toBe(201);
    const created = (await first.json()) as { id: string };
    expect(created).toEqual({ id: expect.any(String), endpoint: body.endpoint, createdAt: expect.any(String) });
    const again = await call("POST", "/push/subscriptions", alice.token, body);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(created);
    expect(await (await call("GET", "/push/subscriptions", alice.token)).json()).toEqual({ items: [created] });
    expect(await (await call("GET", "/push/subscriptions", bob.token)).json()).toEqual({ items: [] });
    await expectProblem(await call("DELETE", `/push/subscriptions/${created.id}`, bob.token), 404, "not_found");
    expect((await call("DELETE", `/push/subscriptions/${created.id}`, alice.token)).status).toBe(204);
    await expectProblem(await call("DELETE", `/push/subscriptions/${created.id}`, alice.token), 404, "not_found");
  });

  it.each([
    [{ ...sub(), endpoint: "http://push.example/x" }, ["endpoint"]],
    [{ ...sub(), endpoint: "javascript:alert(1)" }, ["endpoint"]],
    [{ ...sub(), keys: { p256dh: "short", auth: "AAAAAAAAAAAAAAAAAAAAAA" } }, ["keys.p256dh"]],
    [{ endpoint: "https://push.example/x" }, ["keys"]],
  ])("%j is 422", async (body, paths) => {
    const alice = await newUser();
    await expectProblem(await call("POST", "/push/subscriptions", alice.token, body), 422, "validation_failed", paths);
  });
});
