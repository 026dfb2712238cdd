import { log } from "@edgeworks/http";
import { and, eq, gt, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { deserializeVapidKeys, sendPushNotification } from "web-push-browser";
import { pushSubscriptions } from "../schema";

// One Web Push to one endpoint, and what its answer means for the subscription: a success resets the
// failure count, 404/410 delete it at once (RFC 8030 §7.3: the subscription is gone for good), any other
// answer or a network error counts a failure, and an endpoint that keeps failing is deleted too.

/** Consecutive failed pushes after which a subscription is deleted. */
export const MAX_PUSH_FAILURES = 5;
/** A subscription failing for longer than this is deleted at its next failure. */
export const MAX_FAILING_MS = 24 * 3_600_000;

export type VapidKeys = Awaited<ReturnType<typeof deserializeVapidKeys>>;
/** A subscription as a push needs it. */
export interface PushTarget {
  id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
}
/** `sent`; `dropped`: the subscription is deleted (gone, or failing too long); `failed`: worth retrying. */
export type PushOutcome = "sent" | "dropped" | "failed";

/** Web Push needs both VAPID halves; without them notifications are only recorded in the outbox. */
export async function vapidKeys(env: Env): Promise<VapidKeys | null> {
  if (!env.VAPID_PUBLIC_KEY || !env.VAPID_PRIVATE_KEY) return null;
  return deserializeVapidKeys({ publicKey: env.VAPID_PUBLIC_KEY, privateKey: env.VAPID_PRIVATE_KEY });
}

/** The push service's HTTP status, or 0 when it could not be reached. */
async function send(env: Env, keys: VapidKeys, target: PushTarget, payload: string): Promise<number> {
  try {
    const res = await sendPushNotification(
      keys,
      { endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } },
      env.VAPID_SUBJECT,
      payload,
    );
    await res.body?.cancel();
    return res.ok ? 200 : res.status;
  } catch (err) {
    log(env.LOG_LEVEL, "warn", "push service unreachable", { subscriptionId: target.id, error: String(err) });
    return 0;
  }
}

/**
 * Pushes `payload` to one subscription and keeps its failure count. Never throws for the push
 * service's answer (only when D1 fails), so one endpoint cannot hold back anyone else's.
 *
 * @example if ((await pushOnce(env, keys, sub, body, Date.now())) === "failed") retryLater(sub);
 */
export async function pushOnce(env: Env, keys: VapidKeys, target: PushTarget, payload: string, now: number): Promise<PushOutcome> {
  const db = drizzle(env.DB);
  const byId = eq(pushSubscriptions.id, target.id);
  const status = await send(env, keys, target, payload);
  if (status === 200) {
    await db
      .update(pushSubscriptions)
      .set({ failures: 0, failingSince: null })
      .where(and(byId, gt(pushSubscriptions.failures, 0)));
    return "sent";
  }
  if (status === 404 || status === 410) {
    await db.delete(pushSubscriptions).where(byId);
    return "dropped";
  }
  const [row] = await db
    .update(pushSubscriptions)
    .set({ failures: sql`${pushSubscriptions.failures} + 1`, failingSince: sql`coalesce(${pushSubscriptions.failingSince}, ${now})` })
    .where(byId)
    .returning({ failures: pushSubscriptions.failures, failingSince: pushSubscriptions.failingSince });
  // deleted meanwhile (unsubscribed): nothing left to retry
  if (!row) return "dropped";
  if (row.failures < MAX_PUSH_FAILURES && now - (row.failingSince ?? now) <= MAX_FAILING_MS) return "failed";
  await db.delete(pushSubscriptions).where(byId);
  log(env.LOG_LEVEL, "warn", "push subscription dropped: it keeps failing", { subscriptionId: target.id, failures: row.failures, status });
  return "dropped";
}
