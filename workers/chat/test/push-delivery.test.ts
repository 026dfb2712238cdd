import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import { createRoom, newUser, type User } from "./helpers";
import { recorded, subscribe } from "./push-helpers";

// Issue 10, item 9: one member's failing push endpoint must not silence the others. The push service is
// the local fake (test/fake-push-service.ts: 500 under /fail/); the notify Queue is captured, so the
// test delivers every message itself and sees what is retried.

/** A notify Queue that keeps what is sent to it (instead of delivering it in the background). */
function capturingQueue() {
  const sent: { body: unknown; delaySeconds?: number }[] = [];
  const queue = {
    async send(body: unknown, options?: QueueSendOptions) {
      sent.push({ body, delaySeconds: options?.delaySeconds });
    },
    async sendBatch(messages: Iterable<MessageSendRequest<unknown>>) {
      for (const m of messages) sent.push({ body: m.body, delaySeconds: m.delaySeconds });
    },
  };
  return { sent, queue: queue as unknown as Queue };
}

async function deliver(body: unknown, queue: Queue, attempts = 1) {
  const batch = createMessageBatch("edgeworks-chat-notify", [{ id: `n-${crypto.randomUUID()}`, timestamp: new Date(), attempts, body }]);
  const ctx = createExecutionContext();
  await worker.queue(batch, { ...env, NOTIFY_QUEUE: queue });
  return getQueueResult(batch, ctx);
}

const hits = async (path: string) => (await recorded()).filter((r) => r.path === path).length;
const subscriptionOf = (user: User) =>
  env.DB.prepare("SELECT failures, failing_since FROM push_subscriptions WHERE user_id = ?").bind(user.id).first();

async function roomOfThree() {
  const alice = await newUser();
  const [bob, carol, dave] = [await newUser(), await newUser(), await newUser()];
  const room = await createRoom(alice, [bob, carol, dave]);
  const paths = { bob: `/fail/${bob.id}`, carol: `/push/${carol.id}`, dave: `/push/${dave.id}` };
  await subscribe(bob, paths.bob);
  await subscribe(carol, paths.carol);
  await subscribe(dave, paths.dave);
  const message = {
    roomId: room.id,
    messageId: `m-${crypto.randomUUID()}`,
    seq: 1,
    senderId: alice.id,
    text: "hello all",
    connected: [],
    createdAt: Date.now(),
  };
  return { bob, carol, dave, paths, message };
}

describe("Web Push delivery per recipient", () => {
  it("a failing endpoint (500) does not stop the others: they are pushed once, it is retried, then dropped after 5 failures", async () => {
    const { bob, carol, dave, paths, message } = await roomOfThree();
    const { sent, queue } = capturingQueue();

    const first = await deliver(message, queue);
    // the room message itself is done: nothing of it is retried
    expect(first.retryMessages).toEqual([]);
    expect(first.explicitAcks).toHaveLength(1);
    expect(await hits(paths.carol)).toBe(1);
    expect(await hits(paths.dave)).toBe(1);
    expect(await hits(paths.bob)).toBe(1);
    expect(await subscriptionOf(bob)).toEqual({ failures: 1, failing_since: expect.any(Number) });
    expect(await subscriptionOf(carol)).toEqual({ failures: 0, failing_since: null });
    // only bob's endpoint is retried, on its own message, after a delay
    expect(sent).toHaveLength(1);
    const retry = sent[0];
    expect(retry?.body).toMatchObject({ kind: "push", notificationId: `${message.messageId}:${bob.id}` });
    expect(retry?.delaySeconds).toBeGreaterThan(0);

    // failures 2..4 are retried by the Queue; the 5th in a row drops the endpoint and acks the message
    for (const attempt of [1, 2, 3]) {
      const again = await deliver(retry?.body, queue, attempt);
      expect(again.retryMessages).toHaveLength(1);
      expect(await subscriptionOf(bob)).toMatchObject({ failures: attempt + 1 });
    }
    const last = await deliver(retry?.body, queue, 4);
    expect(last.retryMessages).toEqual([]);
    expect(last.explicitAcks).toHaveLength(1);
    expect(await subscriptionOf(bob)).toBeNull();
    expect(await hits(paths.bob)).toBe(5);

    // a redelivered room message pushes nobody again
    await deliver(message, queue);
    expect(await hits(paths.carol)).toBe(1);
    expect(await hits(paths.dave)).toBe(1);
    expect(sent).toHaveLength(1);
    const { results } = await env.DB.prepare("SELECT user_id, pushed FROM notifications WHERE message_id = ? ORDER BY user_id")
      .bind(message.messageId)
      .all();
    expect(results).toEqual(
      [
        { user_id: bob.id, pushed: 0 },
        { user_id: carol.id, pushed: 1 },
        { user_id: dave.id, pushed: 1 },
      ].sort((x, y) => (x.user_id < y.user_id ? -1 : 1)),
    );
  });

  it("an endpoint failing for more than 24 hours is dropped at its next failure", async () => {
    const { bob, message } = await roomOfThree();
    await env.DB.prepare("UPDATE push_subscriptions SET failures = 1, failing_since = ? WHERE user_id = ?")
      .bind(Date.now() - 25 * 3_600_000, bob.id)
      .run();
    const { sent, queue } = capturingQueue();
    expect((await deliver(message, queue)).retryMessages).toEqual([]);
    expect(await subscriptionOf(bob)).toBeNull();
    expect(sent).toEqual([]);
  });

  it("past 50 endpoints the rest go out as their own push messages, each endpoint still pushed exactly once", async () => {
    const alice = await newUser();
    const members = [await newUser(), await newUser(), await newUser()];
    const room = await createRoom(alice, members);
    const paths = members.flatMap((m) => Array.from({ length: 20 }, (_, i) => `/push/${m.id}/${i}`));
    for (const [i, path] of paths.entries()) await subscribe(members[Math.floor(i / 20)] as User, path);
    const message = {
      roomId: room.id,
      messageId: `m-${crypto.randomUUID()}`,
      seq: 1,
      senderId: alice.id,
      text: "to everyone",
      connected: [],
      createdAt: Date.now(),
    };
    const { sent, queue } = capturingQueue();
    expect((await deliver(message, queue)).retryMessages).toEqual([]);
    const pushedNow = (await Promise.all(paths.map(hits))).filter((n) => n === 1).length;
    expect(pushedNow).toBe(50);
    expect(sent).toHaveLength(10);
    expect(sent.every((m) => m.delaySeconds === 0 && (m.body as { kind: string }).kind === "push")).toBe(true);
    for (const m of sent) expect((await deliver(m.body, queue)).retryMessages).toEqual([]);
    expect(await Promise.all(paths.map(hits))).toEqual(paths.map(() => 1));
    // the push messages themselves are not run twice either
    await deliver(sent[0]?.body, queue);
    expect(await Promise.all(paths.map(hits))).toEqual(paths.map(() => 1));
  }, 30_000);

  it("a success resets the count: only consecutive failures drop an endpoint", async () => {
    const { carol, message } = await roomOfThree();
    await env.DB.prepare("UPDATE push_subscriptions SET failures = 4, failing_since = ? WHERE user_id = ?")
      .bind(Date.now(), carol.id)
      .run();
    await deliver(message, capturingQueue().queue);
    expect(await subscriptionOf(carol)).toEqual({ failures: 0, failing_since: null });
  });
});
