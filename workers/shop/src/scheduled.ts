import { log } from "@edgeworks/http";
import { and, eq, gt, lt } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { cancelOrder } from "./orders/lifecycle";
import { drainShopOutbox } from "./orders/outbox";
import { executeRefund, settleRefundDue, stalePendingRefunds } from "./orders/refunds";
import { orders } from "./orders/schema";

/** Orders handled per kind of work per run, so one run stays short; the next minute continues. */
const BATCH = 25;
/** A pending refund whose Stripe call has not been answered for this long is sent again (same idempotency key). */
const STALE_REFUND_MS = 2 * 60_000;

/**
 * The cron's work at `now`: cancels orders left unpaid past their hold (stock and coupon released,
 * PaymentIntent cancelled), refunds what cancelled orders still owe, retries refunds left pending, and
 * drains the outbox (shop events, emails). Each part runs even when another fails.
 */
export async function runScheduled(
  env: Env,
  now: number,
): Promise<{ expired: number; refunds: number; drained: { events: number; mail: number } | null }> {
  const db = drizzle(env.DB);
  const fail = (what: string) => (err: unknown) => log(env.LOG_LEVEL, "error", what, { error: String(err) });
  const expired = await db
    .select({ id: orders.id })
    .from(orders)
    .where(and(eq(orders.state, "pending_payment"), lt(orders.holdExpiresAt, now)))
    .limit(BATCH);
  let cancelled = 0;
  for (const o of expired) {
    await cancelOrder(env, db, o.id, "system", "Not paid in time", now).then(() => cancelled++, fail("expiring an unpaid order failed"));
  }
  const owing = await db.select({ id: orders.id }).from(orders).where(gt(orders.refundDue, 0)).limit(BATCH);
  let refunded = 0;
  for (const o of owing) await settleRefundDue(env, db, o.id, "Order cancelled", now).then(() => refunded++, fail("refund due failed"));
  for (const r of await stalePendingRefunds(db, now - STALE_REFUND_MS)) {
    await executeRefund(env, db, r, "system", now).then(() => refunded++, fail("pending refund retry failed"));
  }
  const drained = await drainShopOutbox(env).catch((err: unknown) => {
    fail("outbox drain failed")(err);
    return null;
  });
  return { expired: cancelled, refunds: refunded, drained };
}

/** The cron (every minute): drains outboxes and cancels orders left unpaid past their hold. */
export const scheduled: ExportedHandlerScheduledHandler<Env> = async (controller, env) => {
  await runScheduled(env, controller.scheduledTime);
};
