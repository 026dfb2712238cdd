import { defineConsumer } from "@edgeworks/queue";
import { z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { deserializeVapidKeys, sendPushNotification } from "web-push-browser";
import { presenceStub } from "../deps";
import { notifications, pushSubscriptions, roomMembers } from "../schema";

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
  const db = drizzle(env.DB);
  const subs = await db
    .select({
      id: pushSubscriptions.id,
      endpoint: pushSubscriptions.endpoint,
      p256dh: pushSubscriptions.p256dh,
      auth: pushSubscriptions.auth,
    })
    .from(pushSubscriptions)
    .where(eq(pushSubscriptions.userId, userId));
  let sent = false;
  for (const sub of subs) {
    const res = await sendPushNotification(
      keys,
      { endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } },
      env.VAPID_SUBJECT,
      payload,
    );
    // 404/410: the subscription is gone for good (RFC 8030 §7.3)
    if (res.status === 404 || res.status === 410) await db.delete(pushSubscriptions).where(eq(pushSubscriptions.id, sub.id));
    else if (res.ok) sent = true;
    else throw new Error(`push service answered ${res.status}`);
  }
  return sent;
}

/** Notifies the room's members who are offline everywhere (their presence object says so). */
async function notify(env: Env, m: NotifyMessage): Promise<void> {
  const connected = new Set([m.senderId, ...m.connected]);
  const db = drizzle(env.DB);
  const members = await db.select({ userId: roomMembers.userId }).from(roomMembers).where(eq(roomMembers.roomId, m.roomId));
  for (const { userId } of members) {
    if (connected.has(userId)) continue;
    if ((await presenceStub(env, userId).status()).online) continue;
    const id = `${m.messageId}:${userId}`;
    const body = JSON.stringify({ roomId: m.roomId, messageId: m.messageId, seq: m.seq, senderId: m.senderId, text: m.text });
    const inserted = await db
      .insert(notifications)
      .values({ id, userId, roomId: m.roomId, messageId: m.messageId, senderId: m.senderId, body, createdAt: Date.now() })
      .onConflictDoNothing({ target: notifications.id })
      .run();
    // a redelivery of one already pushed (only a row that was there before can have been pushed)
    if (inserted.meta.changes === 0) {
      const [row] = await db.select({ pushed: notifications.pushed }).from(notifications).where(eq(notifications.id, id));
      if (row?.pushed === 1) continue;
    }
    if (await pushTo(env, userId, body)) await db.update(notifications).set({ pushed: 1 }).where(eq(notifications.id, id));
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
