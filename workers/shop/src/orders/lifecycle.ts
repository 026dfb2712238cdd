// State changes of an order and what they cause: every transition is one conditional UPDATE
// (`WHERE state = <the state it was read in>`) batched with its timeline entry, so of two concurrent
// calls exactly one moves the order; the other gets 409. Stock, coupons and money follow the state.
import { ApiError, log } from "@edgeworks/http";
import { and, eq, isNotNull, isNull, sql } from "drizzle-orm";
import { releaseCoupon } from "../cart/coupons";
import type { Db } from "../deps";
import { stripeKeys, stripeOf } from "../stripe/client";
import { settleRefundDue } from "./refunds";
import { type OrderState, orderLines, orders } from "./schema";
import { type Actor, eventIfChanged, eventInsert, eventOutboxIfChanged, findOrder, linesOf, type OrderRow } from "./service";
import { assertAllowed, illegalTransition, TARGET } from "./state";
import { commitOrderStock, releaseOrderStock, restockLines } from "./stock";

/** The conditional state update's 409: the order moved since it was read (a concurrent transition won). */
async function lostRace(db: Db, orderId: string, action: "fulfill" | "deliver" | "cancel"): Promise<never> {
  const current = await findOrder(db, orderId);
  throw illegalTransition(action, current.state);
}

/**
 * fulfill (paid → fulfilled) or deliver (fulfilled → delivered); 409 from any other state. A partially
 * refunded order ships what was kept: fulfill, then deliver, set its `fulfilled_at` / `delivered_at` and it
 * stays partially_refunded (timeline entries `fulfilled` / `delivered`); each only once, in that order.
 *
 * @example await advanceOrder(db, id, "fulfill", "admin:u1", "shipped with DHL", Date.now());
 */
export async function advanceOrder(
  db: Db,
  orderId: string,
  action: "fulfill" | "deliver",
  actor: Actor,
  reason: string | null,
  now: number,
): Promise<void> {
  const order = await findOrder(db, orderId);
  assertAllowed(action, order.state);
  const keepsState = order.state === "partially_refunded";
  // for a partially refunded order the timestamps say how far it has shipped (the state alone cannot)
  const step = action === "fulfill" ? isNull(orders.fulfilledAt) : and(isNotNull(orders.fulfilledAt), isNull(orders.deliveredAt));
  const ready = action === "fulfill" ? order.fulfilledAt === null : order.fulfilledAt !== null && order.deliveredAt === null;
  if (keepsState && !ready) throw illegalTransition(action, order.state);
  const to = keepsState ? order.state : TARGET[action];
  const [update] = await db.batch([
    db
      .update(orders)
      .set({ state: to, updatedAt: now, ...(action === "fulfill" ? { fulfilledAt: now } : { deliveredAt: now }) })
      .where(and(eq(orders.id, orderId), eq(orders.state, order.state), keepsState ? step : undefined)),
    eventIfChanged(db, orderId, {
      type: keepsState ? (action === "fulfill" ? "fulfilled" : "delivered") : "state_changed",
      from: order.state,
      to,
      actor,
      reason,
      at: now,
    }),
  ]);
  if (update.meta.changes !== 1) await lostRace(db, orderId, action);
}

/**
 * Cancels a pending or paid order (409 otherwise). Pending: its stock holds and coupon are released and
 * the PaymentIntent cancelled (a payment that still arrives is refunded by the webhook). Paid: the sold
 * units go back to stock and everything paid is refunded through Stripe.
 */
export async function cancelOrder(env: Env, db: Db, orderId: string, actor: Actor, reason: string | null, now: number): Promise<void> {
  const order = await findOrder(db, orderId);
  assertAllowed("cancel", order.state);
  const wasPaid = order.state === "paid";
  const [update] = await db.batch([
    db
      .update(orders)
      .set({ state: "cancelled", cancelledAt: now, updatedAt: now, holdExpiresAt: null, refundDue: wasPaid ? 1 : 0 })
      .where(and(eq(orders.id, orderId), eq(orders.state, order.state))),
    eventIfChanged(db, orderId, { type: "state_changed", from: order.state, to: "cancelled", actor, reason, at: now }),
    // a paid order's units all go back (restocked and refunded): its lines say so, so reports do not count them as sold
    db
      .update(orderLines)
      .set({ refundedQuantity: sql`${orderLines.quantity}` })
      .where(
        and(
          eq(orderLines.orderId, orderId),
          wasPaid ? sql`EXISTS (SELECT 1 FROM ${orders} WHERE ${orders.id} = ${orderId} AND ${orders.state} = 'cancelled')` : sql`0`,
        ),
      ),
  ]);
  if (update.meta.changes !== 1) await lostRace(db, orderId, "cancel");
  await afterCancel(env, db, order, wasPaid, reason, now);
}

/** What a cancellation causes once it is recorded; failures are logged (holds also expire by themselves). */
async function afterCancel(env: Env, db: Db, order: OrderRow, wasPaid: boolean, reason: string | null, now: number): Promise<void> {
  const lines = await linesOf(db, order.id);
  const logged = (what: string) => (err: unknown) => log(env.LOG_LEVEL, "error", what, { orderId: order.id, error: String(err) });
  if (wasPaid) {
    if (order.stockCommitted === 1) await restockLines(env, `cancel:${order.id}`, lines).catch(logged("restock after cancel failed"));
    else
      await releaseOrderStock(
        env,
        order.id,
        lines.map((l) => l.productId),
      ).catch(logged("stock release after cancel failed"));
    await settleRefundDue(env, db, order.id, `Order cancelled${reason ? `: ${reason}` : ""}`, now).catch(
      logged("refund after cancel failed"),
    );
    return;
  }
  await releaseOrderStock(
    env,
    order.id,
    lines.map((l) => l.productId),
  ).catch(logged("stock release after cancel failed"));
  if (order.couponId) await releaseCoupon(db, order.id).catch(logged("coupon release after cancel failed"));
  if (order.paymentIntentId) {
    await stripeOf(env)
      .paymentIntents.cancel(
        order.paymentIntentId,
        { cancellation_reason: "abandoned" },
        { idempotencyKey: stripeKeys.cancelPaymentIntent(order.id) },
      )
      .catch((err: unknown) =>
        log(env.LOG_LEVEL, "warn", "PaymentIntent cancel refused (a late payment is refunded)", { orderId: order.id, error: String(err) }),
      );
  }
}

/**
 * pending_payment → paid with the amount Stripe received, once (the conditional update), with the
 * timeline entry and the `order.paid` event (receipt email) in the same batch; then the stock holds are
 * committed. True when this call moved the order.
 */
export async function markPaid(env: Env, db: Db, orderId: string, amount: number, actor: Actor, now: number): Promise<boolean> {
  const [update] = await db.batch([
    db
      .update(orders)
      .set({ state: "paid", amountPaid: amount, paidAt: now, paymentError: null, holdExpiresAt: null, updatedAt: now })
      .where(and(eq(orders.id, orderId), eq(orders.state, "pending_payment"))),
    eventIfChanged(db, orderId, {
      type: "state_changed",
      from: "pending_payment",
      to: "paid",
      actor,
      reason: "Payment succeeded",
      at: now,
    }),
    eventOutboxIfChanged(db, { type: "order.paid", orderId }, now),
  ]);
  const moved = update.meta.changes === 1;
  await ensureStockCommitted(env, db, await findOrder(db, orderId), now);
  return moved;
}

/** States whose stock is sold (committed), so a retry of a failed commit can finish it. */
const SOLD: readonly OrderState[] = ["paid", "fulfilled", "delivered", "refunded", "partially_refunded"];

/** Commits a paid order's holds if that has not happened yet (idempotent in the Inventory objects too). */
export async function ensureStockCommitted(env: Env, db: Db, order: OrderRow, now: number): Promise<void> {
  if (order.stockCommitted === 1 || !SOLD.includes(order.state)) return;
  const lines = await linesOf(db, order.id);
  const shortfall = await commitOrderStock(env, order.id, lines);
  if (shortfall.length > 0) {
    const units = shortfall.map((s) => `${s.quantity} × ${s.variantId}`).join(", ");
    log(env.LOG_LEVEL, "error", "paid order oversold: its hold had expired and the units were gone", { orderId: order.id, units });
    await eventInsert(db, order.id, {
      type: "note",
      actor: "system",
      reason: `Paid after its stock hold ended; short: ${units}`.slice(0, 500),
      at: now,
    });
  }
  await db.update(orders).set({ stockCommitted: 1, updatedAt: now }).where(eq(orders.id, order.id));
}

/** A payment that succeeded for an order already cancelled: recorded once and refunded, never a second state. */
export async function refundLatePayment(env: Env, db: Db, orderId: string, amount: number, now: number): Promise<void> {
  await db.batch([
    db
      .update(orders)
      .set({ amountPaid: amount, refundDue: 1, updatedAt: now })
      .where(and(eq(orders.id, orderId), eq(orders.state, "cancelled"), eq(orders.amountPaid, 0))),
    eventIfChanged(db, orderId, {
      type: "note",
      actor: "stripe",
      reason: "A payment succeeded after the order was cancelled; it is refunded",
      at: now,
    }),
  ]);
  const order = await findOrder(db, orderId);
  if (order.refundDue > 0) await settleRefundDue(env, db, orderId, "Payment received for a cancelled order", now);
}

/** The customer may cancel only their own unpaid order; anything else of theirs is 409. */
export function assertCustomerMayCancel(order: OrderRow): void {
  if (order.state !== "pending_payment") {
    throw new ApiError("conflict", `Cannot cancel an order that is ${order.state}; ask the shop for a refund`, {
      extensions: { state: order.state, allowedFrom: ["pending_payment"] },
    });
  }
}
