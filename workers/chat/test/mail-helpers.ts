import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import worker from "../src/index";

/** An email as the mail service's queue receives it. */
export type Mail = { id: string; to: string; subject: string; text: string; html: string; kind: string };

/** A queue that keeps what is sent to it. */
export function capturingQueue() {
  const sent: Mail[] = [];
  const queue = {
    async send(body: Mail) {
      sent.push(body);
    },
    async sendBatch(messages: Iterable<MessageSendRequest<Mail>>) {
      for (const m of messages) sent.push(m.body);
    },
  };
  return { sent, queue: queue as unknown as Queue };
}

/** Hands one notify-queue message to the Worker's consumer, with the mail queue given. */
export async function deliver(body: unknown, mail: Queue) {
  const batch = createMessageBatch("edgeworks-chat-notify", [{ id: `n-${crypto.randomUUID()}`, timestamp: new Date(), attempts: 1, body }]);
  const ctx = createExecutionContext();
  await worker.queue(batch, { ...env, NOTIFY_QUEUE: capturingQueue().queue, MAIL_QUEUE: mail });
  return getQueueResult(batch, ctx);
}

/** The chat emails in the mail outbox addressed to `userId` (fake accounts: `<id>@users.test`), oldest id first. */
export async function mailsTo(userId: string): Promise<Mail[]> {
  const rows = await env.DB.prepare(
    "SELECT body FROM queue_outbox WHERE topic = 'mail' AND json_extract(body, '$.to') = ? ORDER BY created_at, id",
  )
    .bind(`${userId}@users.test`)
    .all<{ body: string }>();
  return rows.results.map((r) => JSON.parse(r.body) as Mail);
}

/** A room message as the room sends it to the notify queue (nobody connected unless told). */
export const roomMessage = (roomId: string, senderId: string, createdAt: number, text = "hello", connected: string[] = []) => ({
  roomId,
  messageId: `m-${crypto.randomUUID()}`,
  seq: 1,
  senderId,
  text,
  connected,
  createdAt,
});
