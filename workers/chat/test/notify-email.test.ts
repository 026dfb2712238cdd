import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { newTestUser } from "@edgeworks/testing";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import { call, createRoom, newUser } from "./helpers";

// Issue 10, "Email that is actually sent": a chat notification for an offline member is also an email,
// written to the transactional outbox (queue_outbox, topic "mail") in the batch that records the
// notification and drained to the mail service's queue (captured here; workers/mail sends it).

/** A queue that keeps what is sent to it. */
function capturingQueue() {
  const sent: unknown[] = [];
  const queue = {
    async send(body: unknown) {
      sent.push(body);
    },
    async sendBatch(messages: Iterable<MessageSendRequest<unknown>>) {
      for (const m of messages) sent.push(m.body);
    },
  };
  return { sent, queue: queue as unknown as Queue };
}

async function deliver(body: unknown, mail: Queue) {
  const batch = createMessageBatch("edgeworks-chat-notify", [{ id: `n-${crypto.randomUUID()}`, timestamp: new Date(), attempts: 1, body }]);
  const ctx = createExecutionContext();
  await worker.queue(batch, { ...env, NOTIFY_QUEUE: capturingQueue().queue, MAIL_QUEUE: mail });
  return getQueueResult(batch, ctx);
}

type Mail = { id: string; to: string; subject: string; text: string; html: string; kind: string };
const outbox = async (messageId: string) =>
  (
    await env.DB.prepare("SELECT body, sent_at FROM queue_outbox WHERE topic = 'mail' AND body LIKE ? ORDER BY id")
      .bind(`%${messageId}%`)
      .all<{ body: string; sent_at: number | null }>()
  ).results;

describe("notification emails", () => {
  it("each offline member gets one email (outbox, then the mail queue); the sender and connected members none", async () => {
    const alice = await newUser();
    const [bob, carol, dave] = [await newUser(), await newUser(), await newUser()];
    const room = await createRoom(alice, [bob, carol, dave], "Design\nreview");
    const message = {
      roomId: room.id,
      messageId: `m-${crypto.randomUUID()}`,
      seq: 7,
      senderId: alice.id,
      text: "the <b>mock-ups</b> are ready",
      connected: [dave.id],
      createdAt: Date.now(),
    };
    const mail = capturingQueue();
    expect((await deliver(message, mail.queue)).retryMessages).toEqual([]);

    const rows = await outbox(message.messageId);
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.sent_at !== null)).toBe(true);
    const sent = (mail.sent as Mail[]).sort((x, y) => (x.to < y.to ? -1 : 1));
    expect(sent.map((m) => m.to)).toEqual([`${bob.id}@users.test`, `${carol.id}@users.test`].sort());
    const link = `http://127.0.0.1:8787/chat/#room=${room.id}`;
    for (const m of sent) {
      const to = m.to.split("@")[0];
      expect(m).toEqual({
        id: `chat-message/${message.messageId}/${to}`,
        to: m.to,
        kind: "chat-message",
        subject: "New messages in Design review",
        unsubscribeUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:8787\/chat\/v1\/email\/unsubscribe\?token=/),
        text: expect.stringContaining("the <b>mock-ups</b> are ready"),
        html: expect.stringContaining("the &lt;b&gt;mock-ups&lt;/b&gt; are ready"),
      });
      expect(m.text).toContain(link);
      expect(m.html).toContain(`href="${link}"`);
    }

    // a redelivery (or a second send) writes and sends no second email
    const again = capturingQueue();
    await env.DB.prepare("DELETE FROM processed_messages WHERE message_key = ?").bind(message.messageId).run();
    await deliver(message, again.queue);
    expect(await outbox(message.messageId)).toHaveLength(2);
    expect(again.sent).toEqual([]);
  });

  it("the notification and its email are one batch: the dev outbox and the mail outbox agree", async () => {
    const alice = await newUser();
    const bob = await newUser();
    const room = await createRoom(alice, [bob]);
    const message = {
      roomId: room.id,
      messageId: `m-${crypto.randomUUID()}`,
      seq: 1,
      senderId: alice.id,
      text: "",
      connected: [],
      createdAt: Date.now(),
    };
    await deliver(message, capturingQueue().queue);
    const box = (await (await call("GET", `/dev/outbox?userId=${bob.id}`)).json()) as { items: { messageId: string }[] };
    expect(box.items.map((n) => n.messageId)).toEqual([message.messageId]);
    const [row] = await outbox(message.messageId);
    // a message without text (an attachment) says so rather than sending an empty quote
    expect(JSON.parse(row?.body ?? "{}")).toMatchObject({
      to: `${bob.id}@users.test`,
      text: expect.stringContaining("sent an attachment"),
    });
  });

  it("a member whose address is not verified gets the notification but no email (anyone can register someone else's address)", async () => {
    const alice = await newUser();
    const bob = await newUser();
    // the fake accounts directory answers emailVerified: false for ids that start with "unverified"
    const mallory = await newTestUser("*", "unverified_");
    const room = await createRoom(alice, [bob, mallory]);
    const message = {
      roomId: room.id,
      messageId: `m-${crypto.randomUUID()}`,
      seq: 1,
      senderId: alice.id,
      text: "hi",
      connected: [],
      createdAt: Date.now(),
    };
    const mail = capturingQueue();
    expect((await deliver(message, mail.queue)).retryMessages).toEqual([]);
    const box = (await (await call("GET", `/dev/outbox?userId=${mallory.id}`)).json()) as { items: { messageId: string }[] };
    expect(box.items.map((n) => n.messageId)).toEqual([message.messageId]);
    expect((mail.sent as Mail[]).map((m) => m.to)).toEqual([`${bob.id}@users.test`]);
    expect((await outbox(message.messageId)).map((r) => JSON.parse(r.body).to)).toEqual([`${bob.id}@users.test`]);
  });
});
