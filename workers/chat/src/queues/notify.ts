import { defineConsumer } from "@edgeworks/queue";
import { z } from "@hono/zod-openapi";
import { deserializeVapidKeys, sendPushNotification } from "web-push-browser";
import { presenceStub } from "../deps";

/** A new message, sent by its room with the users who had a socket open in it at the time. */
export const notifyMessage = z.object({
  roomId: z.string().min(1),
  messageId: z.string().min(1),
  seq: z.number().int(),
  senderId: z.string(),
  text: z.string(),
  connected: z.array(z.string()),
  createdAt: z.number().int(),
});
export type NotifyMessage = z.infer<typeof notifyMessage>;

/** Web Push needs both VAPID halves; without them notifications are only recorded in the outbox. */
async function vapidKeys(env: Env) {
  if (!env.VAPID_PUBLIC_KEY || !env.VAPID_PRIVATE_KEY) return null;
  return deserializeVapidKeys({ publicKey: env.VAPID_PUBLIC_KEY, privateKey: env.VAPID_PRIVATE_KEY });
}

async function pushTo(env: Env, userId: string, payload: string): Promise<boolean> {
  const keys = await vapidKeys(env);
  if (!keys) return false;
  const { results } = await env.DB.prepare("SELECT id, endpoint, p256dh, auth FROM push_subscriptions WHERE user_id = ?").bind(userId).all<{
    id: string;
    endpoint: string;
    p256dh: string;
    auth: string;
  }>();
  let sent = false;
  for (const sub of results) {
    const res = await sendPushNotification(
      keys,
      { endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } },
      env.VAPID_SUBJECT,
      payload,
    );
    // 404/410: the subscription is gone for good (RFC 8030 §7.3)
    if (res.status === 404 || res.status === 410) await env.DB.prepare("DELETE FROM push_subscriptions WHERE id = ?").bind(sub.id).run();
    else if (res.ok) sent = true;
    else throw new Error(`push service answered ${res.status}`);
  }
  return sent;
}

/** Notifies the room's members who are offline everywhere (their presence object says so). */
async function notify(env: Env, m: NotifyMessage): Promise<void> {
  const connected = new Set([m.senderId, ...m.connected]);
  const { results } = await env.DB.prepare("SELECT user_id FROM room_members WHERE room_id = ?").bind(m.roomId).all<{ user_id: string }>();
  for (const { user_id: userId } of results) {
    if (connected.has(userId)) continue;
    if ((await presenceStub(env, userId).status()).online) continue;
    const id = `${m.messageId}:${userId}`;
    const body = JSON.stringify({ roomId: m.roomId, messageId: m.messageId, seq: m.seq, senderId: m.senderId, text: m.text });
    const inserted = await env.DB.prepare(
      "INSERT INTO notifications (id, user_id, room_id, message_id, sender_id, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
    )
      .bind(id, userId, m.roomId, m.messageId, m.senderId, body, Date.now())
      .run();
    // a redelivery of one already pushed (only a row that was there before can have been pushed)
    if (inserted.meta.changes === 0) {
      const pushed = await env.DB.prepare("SELECT pushed FROM notifications WHERE id = ?").bind(id).first<number>("pushed");
      if (pushed === 1) continue;
    }
    if (await pushTo(env, userId, body)) await env.DB.prepare("UPDATE notifications SET pushed = 1 WHERE id = ?").bind(id).run();
  }
}

/**
 * The Queue consumer of notifications: each message on its own, retried with backoff (then the DLQ).
 * A chat message is notified once: its id is recorded in `processed_messages` after the pushes, so a
 * redelivery (or a second send) skips the member and presence lookups; the notification rows' own
 * `ON CONFLICT` and `pushed` flag still cover two copies running at once.
 */
export const consumeNotify = defineConsumer<Env, NotifyMessage>({
  name: "chat-notify",
  schema: notifyMessage,
  idempotency: { db: (env) => env.DB, key: (m) => m.messageId },
  handle: (body, { env }) => notify(env, body),
});
