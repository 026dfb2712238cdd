import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import type { SearchMessage } from "../src/queues/search-index";

async function deliver(queue: string, bodies: unknown[]) {
  const batch = createMessageBatch(
    queue,
    bodies.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return getQueueResult(batch, ctx);
}

const indexed = (messageId: string) =>
  env.DB.prepare("SELECT text, version, deleted_at FROM message_index WHERE message_id = ?").bind(messageId).first();

describe("search indexing consumer", () => {
  const base = (over: Partial<SearchMessage>): SearchMessage => ({
    kind: "upsert",
    roomId: "room-q",
    messageId: `msg-${crypto.randomUUID()}`,
    seq: 1,
    version: 1,
    userId: "u",
    text: "first",
    createdAt: Date.now(),
    ...over,
  });

  it("converges whatever the order and however often events arrive", async () => {
    const created = base({});
    const edited = { ...created, version: 5, text: "edited" };
    const deleted = { ...created, kind: "delete" as const, version: 7, text: "" };
    const result = await deliver("edgeworks-chat-search", [deleted, created, edited, created, edited]);
    expect(result.explicitAcks.length).toBe(5);
    expect(result.retryMessages).toEqual([]);
    expect(await indexed(created.messageId)).toEqual({ text: "", version: 7, deleted_at: expect.any(Number) });
  });

  it("an edit arriving before its message still ends as the edit", async () => {
    const created = base({});
    await deliver("edgeworks-chat-search", [{ ...created, version: 3, text: "later text" }]);
    await deliver("edgeworks-chat-search", [created]);
    expect(await indexed(created.messageId)).toEqual({ text: "later text", version: 3, deleted_at: null });
  });

  it("malformed bodies are acked and dropped, the rest applied", async () => {
    const good = base({ text: "good one" });
    const result = await deliver("edgeworks-chat-search", [{ nope: true }, "text", null, good]);
    expect(result.explicitAcks.length).toBe(4);
    expect(await indexed(good.messageId)).toMatchObject({ text: "good one" });
  });
});

/** A group room of `owner` and `member` in D1 and a notify-queue body for `owner`'s message in it. */
async function roomWithMessage(owner: string, member: string) {
  const roomId = `room-${crypto.randomUUID()}`;
  await env.DB.batch([
    env.DB.prepare(
      "INSERT INTO rooms (id, kind, name, created_by, created_at, updated_at, last_activity_at) VALUES (?, 'group', 'q', 'a', 0, 0, 0)",
    ).bind(roomId),
    env.DB.prepare("INSERT INTO room_members (room_id, user_id, role, joined_at) VALUES (?, ?, 'owner', 0), (?, ?, 'member', 0)").bind(
      roomId,
      owner,
      roomId,
      member,
    ),
  ]);
  const body = { roomId, messageId: `m-${crypto.randomUUID()}`, seq: 1, senderId: owner, text: "hi", connected: [], createdAt: Date.now() };
  return { roomId, body };
}

describe("notification consumer", () => {
  it("acks malformed bodies; a redelivered message records one notification", async () => {
    const { roomId, body } = await roomWithMessage("qa", "qb");
    const result = await deliver("edgeworks-chat-notify", [{ bad: 1 }, body, body]);
    expect(result.explicitAcks.length).toBe(3);
    const { results } = await env.DB.prepare("SELECT user_id FROM notifications WHERE room_id = ?").bind(roomId).all();
    expect(results).toEqual([{ user_id: "qb" }]);
  });
});

describe("notification consumer idempotency", () => {
  it("a chat message is notified once: a later copy skips the handler (processed_messages)", async () => {
    const { roomId, body } = await roomWithMessage("ia", "ib");
    expect((await deliver("edgeworks-chat-notify", [body])).explicitAcks).toEqual(["m0"]);
    const processed = await env.DB.prepare("SELECT consumer FROM processed_messages WHERE message_key = ?").bind(body.messageId).all();
    expect(processed.results).toEqual([{ consumer: "chat-notify" }]);
    // with the row gone, only the processed-message check can keep a second copy from writing it again
    await env.DB.prepare("DELETE FROM notifications WHERE room_id = ?").bind(roomId).run();
    expect((await deliver("edgeworks-chat-notify", [body])).explicitAcks).toEqual(["m0"]);
    const { results } = await env.DB.prepare("SELECT user_id FROM notifications WHERE room_id = ?").bind(roomId).all();
    expect(results).toEqual([]);
  });
});
