import { backoffDelay, markProcessed, processedKeys } from "@edgeworks/queue";
import { z } from "@hono/zod-openapi";
import { and, eq, inArray } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { notifications, pushSubscriptions } from "../schema";
import { type PushTarget, pushOnce, vapidKeys } from "./push-delivery";

// The Web Push side of a notification: every subscription of every offline member on its own. A push
// that fails is retried alone (a `push` message on the notify queue, with backoff), so one member's
// broken endpoint never delays or silences anyone else's; each push done is recorded in
// `processed_messages`, so a redelivered room message pushes nobody twice.

/** One push to one subscription that failed (or did not fit the first round), retried on its own. */
export const pushRetry = z.object({
  kind: z.literal("push"),
  notificationId: z.string().min(1).max(200),
  subscriptionId: z.string().min(1).max(64),
});
export type PushRetry = z.infer<typeof pushRetry>;

/** The consumer (and `processed_messages` name) of the notify queue. */
export const NOTIFY_CONSUMER = "chat-notify";
/** Pushes made while handling a room message; more go out as `push` messages (the subrequest budget of one invocation). */
const INLINE_PUSHES = 50;
/** Pushes in flight at once (Workers allow six open connections per invocation). */
const PUSH_CONCURRENCY = 6;
/** Retries wait longer than the default: a push service outage should not use up an endpoint's 5 failures in seconds. */
export const PUSH_BACKOFF = { baseSeconds: 5, maxSeconds: 600 };

/** The key under which one push (notification × subscription) is recorded as done. */
export const pushKey = (notificationId: string, subscriptionId: string) => `push:${notificationId}:${subscriptionId}`;

/** Splits `items` into runs of at most `size`. */
export const chunks = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/** Runs `fn` over `items`, at most `limit` at a time; results in order. */
export async function eachLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Marks notifications delivered to at least one subscription. */
async function markPushed(env: Env, ids: string[]): Promise<void> {
  const db = drizzle(env.DB);
  for (const part of chunks(ids, 90)) await db.update(notifications).set({ pushed: 1 }).where(inArray(notifications.id, part));
}

/** The subscriptions of these users. */
async function subscriptionsOf(env: Env, userIds: string[]): Promise<(PushTarget & { userId: string })[]> {
  const db = drizzle(env.DB);
  const subs: (PushTarget & { userId: string })[] = [];
  for (const part of chunks(userIds, 90)) {
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
  return subs;
}

/**
 * Pushes one message's notifications (`<messageId>:<userId>`, payload `body`) to every subscription
 * of `userIds` not pushed yet: the first {@link INLINE_PUSHES} here, side by side; failed and
 * remaining ones as `push` messages of their own.
 */
export async function pushToMembers(env: Env, messageId: string, userIds: string[], body: string): Promise<void> {
  const keys = await vapidKeys(env);
  if (!keys) return;
  const targets = (await subscriptionsOf(env, userIds)).map((sub) => ({ sub, notificationId: `${messageId}:${sub.userId}` }));
  const keyOf = (t: (typeof targets)[number]) => pushKey(t.notificationId, t.sub.id);
  const done = await processedKeys(env.DB, NOTIFY_CONSUMER, targets.map(keyOf));
  const todo = targets.filter((t) => !done.has(keyOf(t)));
  const outcomes = await eachLimited(todo.slice(0, INLINE_PUSHES), PUSH_CONCURRENCY, (t) => pushOnce(env, keys, t.sub, body, Date.now()));
  const sent = todo.filter((_, i) => outcomes[i] === "sent");
  await markPushed(env, [...new Set(sent.map((t) => t.notificationId))]);
  await markProcessed(env.DB, NOTIFY_CONSUMER, sent.map(keyOf), Date.now());
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

/** One retried push: throws (so the Queue retries it with backoff) while the endpoint fails and is kept. */
export async function retryPush(env: Env, r: PushRetry): Promise<void> {
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
