import { backoffDelay, defineConsumer, markProcessed, processedKeys } from "@edgeworks/queue";
import { z } from "@hono/zod-openapi";
import { and, eq, inArray } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { presenceStub } from "../deps";
import { notifications, pushSubscriptions, roomMembers } from "../schema";
import { type PushTarget, pushOnce, vapidKeys } from "./push-delivery";

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

/** One push to one subscription that failed (or did not fit the first round), retried on its own. */
export const pushRetry = z.object({
  kind: z.literal("push"),
  notificationId: z.string().min(1).max(200),
  subscriptionId: z.string().min(1).max(64),
});
export type PushRetry = z.infer<typeof pushRetry>;

const CONSUMER = "chat-notify";
/** Pushes made while handling a room message; more are sent as `push` messages (the subrequest budget of one invocation). */
const INLINE_PUSHES = 50;
/** Pushes in flight at once (Workers allow six open connections per invocation). */
const PUSH_CONCURRENCY = 6;
/** Retries of a failed push wait longer than the default: a push service outage should not use up an endpoint's 5 failures in seconds. */
const PUSH_BACKOFF = { baseSeconds: 5, maxSeconds: 600 };

/** The key under which one push (notification × subscription) is recorded as done in `processed_messages`. */
const pushKey = (notificationId: string, subscriptionId: string) => `push:${notificationId}:${subscriptionId}`;

/** Runs `fn` over `items`, at most `limit` at a time; results in order. */
async function eachLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

const chunks = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/** The room's members who are offline everywhere (not connected to the room, and their presence object says so). */
async function offlineMembers(env: Env, m: NotifyMessage): Promise<string[]> {
  const connected = new Set([m.senderId, ...m.connected]);
  const members = await drizzle(env.DB).select({ userId: roomMembers.userId }).from(roomMembers).where(eq(roomMembers.roomId, m.roomId));
  const candidates = members.map((r) => r.userId).filter((id) => !connected.has(id));
  const online = await eachLimited(candidates, 20, async (userId) => (await presenceStub(env, userId).status()).online);
  return candidates.filter((_, i) => !online[i]);
}

/**
 * Records a notification for each offline member (id `messageId:userId`, so a redelivery records it
 * once) and pushes it to each of their subscriptions, every endpoint on its own: a failing one is
 * retried as its own `push` message with backoff and never holds back anyone else's. Pushes already
 * made (recorded in `processed_messages`) are not made again when the room message is redelivered.
 */
async function notify(env: Env, m: NotifyMessage): Promise<void> {
  const db = drizzle(env.DB);
  const offline = await offlineMembers(env, m);
  if (offline.length === 0) return;
  const body = JSON.stringify({ roomId: m.roomId, messageId: m.messageId, seq: m.seq, senderId: m.senderId, text: m.text });
  const now = Date.now();
  const rows = offline.map((userId) => ({
    id: `${m.messageId}:${userId}`,
    userId,
    roomId: m.roomId,
    messageId: m.messageId,
    senderId: m.senderId,
    body,
    createdAt: now,
  }));
  for (const part of chunks(rows, 10)) await db.insert(notifications).values(part).onConflictDoNothing({ target: notifications.id });

  const keys = await vapidKeys(env);
  if (!keys) return;
  const subs: (PushTarget & { userId: string })[] = [];
  for (const part of chunks(offline, 90)) {
    subs.push(
      ...(await db
        .select({
          id: pushSubscriptions.id,
          userId: pushSubscriptions.userId,
          endpoint: pushSubscriptions.endpoint,
          p256dh: pushSubscriptions.p256dh,
          auth: pushSubscriptions.auth,
        })
        .from(pushSubscriptions)
        .where(inArray(pushSubscriptions.userId, part))),
    );
  }
  const targets = subs.map((sub) => ({ sub, notificationId: `${m.messageId}:${sub.userId}` }));
  const done = await processedKeys(
    env.DB,
    CONSUMER,
    targets.map((t) => pushKey(t.notificationId, t.sub.id)),
  );
  const todo = targets.filter((t) => !done.has(pushKey(t.notificationId, t.sub.id)));
  const outcomes = await eachLimited(todo.slice(0, INLINE_PUSHES), PUSH_CONCURRENCY, (t) => pushOnce(env, keys, t.sub, body, Date.now()));
  const sent = todo.filter((_, i) => outcomes[i] === "sent");
  await markPushed(env, [...new Set(sent.map((t) => t.notificationId))]);
  await markProcessed(
    env.DB,
    CONSUMER,
    sent.map((t) => pushKey(t.notificationId, t.sub.id)),
    Date.now(),
  );
  const retries = [
    ...todo.filter((_, i) => outcomes[i] === "failed").map((t) => ({ t, delaySeconds: 1 + backoffDelay(1, PUSH_BACKOFF) })),
    ...todo.slice(INLINE_PUSHES).map((t) => ({ t, delaySeconds: 0 })),
  ];
  for (const part of chunks(retries, 100)) {
    await env.NOTIFY_QUEUE.sendBatch(
      part.map(({ t, delaySeconds }) => ({
        body: { kind: "push", notificationId: t.notificationId, subscriptionId: t.sub.id } satisfies PushRetry,
        contentType: "json",
        delaySeconds,
      })),
    );
  }
}

/** Marks notifications delivered to at least one subscription. */
async function markPushed(env: Env, ids: string[]): Promise<void> {
  const db = drizzle(env.DB);
  for (const part of chunks(ids, 90)) await db.update(notifications).set({ pushed: 1 }).where(inArray(notifications.id, part));
}

/** One retried push: throws (so the Queue retries it with backoff) while the endpoint fails and is kept. */
async function retryPush(env: Env, r: PushRetry): Promise<void> {
  const keys = await vapidKeys(env);
  if (!keys) return;
  const db = drizzle(env.DB);
  const [n] = await db
    .select({ userId: notifications.userId, body: notifications.body })
    .from(notifications)
    .where(eq(notifications.id, r.notificationId));
  // the notification is gone (pruned): nothing to push
  if (!n) return;
  const [sub] = await db
    .select({
      id: pushSubscriptions.id,
      endpoint: pushSubscriptions.endpoint,
      p256dh: pushSubscriptions.p256dh,
      auth: pushSubscriptions.auth,
    })
    .from(pushSubscriptions)
    .where(and(eq(pushSubscriptions.id, r.subscriptionId), eq(pushSubscriptions.userId, n.userId)));
  // the subscription was removed (unsubscribed, gone, dropped): nothing to retry
  if (!sub) return;
  const outcome = await pushOnce(env, keys, sub, n.body, Date.now());
  if (outcome === "sent") await markPushed(env, [r.notificationId]);
  if (outcome === "failed") throw new Error("push service failed; retried with backoff");
}

/**
 * The Queue consumer of notifications, each message on its own: a room message (the recipients,
 * recorded once per chat message id in `processed_messages`) or one `push` retry (recorded once per
 * notification and subscription). A failed push never retries the room message, only itself.
 */
export const consumeNotify = defineConsumer<Env, NotifyMessage | PushRetry>({
  name: CONSUMER,
  schema: z.union([pushRetry, notifyMessage]),
  backoff: PUSH_BACKOFF,
  idempotency: { db: (env) => env.DB, key: (m) => ("kind" in m ? pushKey(m.notificationId, m.subscriptionId) : m.messageId) },
  handle: (body, { env }) => ("kind" in body ? retryPush(env, body) : notify(env, body)),
});
