// What Stripe's events do to orders (called by the webhook route after the signature was verified and
// the event was stored once in the inbox). Every handler is safe to run twice and in any order.
import { log } from "@edgeworks/http";
import { and, eq, sql } from "drizzle-orm";
import type Stripe from "stripe";
import type { Db } from "../deps";
import { stripeKeys, stripeOf } from "../stripe/client";
import { ensureStockCommitted, markPaid, refundLatePayment } from "./lifecycle";
import { reconcileChargeRefunded, settleRefundDue } from "./refunds";
import { orders } from "./schema";
import { eventIfChanged, type OrderRow } from "./service";

/** The order a PaymentIntent is for: by `metadata.order_id` (checked against the stored id), else by the id. */
async function orderOfPaymentIntent(db: Db, paymentIntentId: string, orderId: string | undefined): Promise<OrderRow | null> {
  if (orderId) {
    const [row] = await db.select().from(orders).where(eq(orders.id, orderId)).limit(1);
    if (row && (row.paymentIntentId === null || row.paymentIntentId === paymentIntentId)) return row;
  }
  const [row] = await db.select().from(orders).where(eq(orders.paymentIntentId, paymentIntentId)).limit(1);
  return row ?? null;
}

/**
 * Why a payment does not pay the order, or null when it does: a PaymentIntent edited after checkout
 * (another amount or currency) must not ship the order for less than its total.
 */
function paymentMismatch(order: OrderRow, amount: number, currency: string): string | null {
  const paid = currency.toUpperCase();
  if (paid === order.currency && amount === order.total) return null;
  return `Payment of ${amount} ${paid} does not match the order total of ${order.total} ${order.currency}`;
}

/**
 * A succeeded payment that does not match its pending order: the order stays pending_payment with the
 * reason (payment error + one timeline note), no stock is sold, and what was received is refunded in
 * Stripe with a key per PaymentIntent (a redelivery or a second event refunds nothing more). A failed
 * refund throws, so the webhook answers 500 and Stripe delivers the event again.
 */
async function refuseMismatchedPayment(env: Env, db: Db, order: OrderRow, pi: Stripe.PaymentIntent, reason: string, now: number) {
  await db.batch([
    db
      .update(orders)
      .set({ paymentError: reason, updatedAt: now })
      .where(and(eq(orders.id, order.id), eq(orders.state, "pending_payment"), sql`${orders.paymentError} IS NOT ${reason}`)),
    eventIfChanged(db, order.id, { type: "note", actor: "stripe", reason: `${reason}: not paid; the payment is refunded`, at: now }),
  ]);
  log(env.LOG_LEVEL, "error", "payment does not match its order; refunded", { orderId: order.id, paymentIntentId: pi.id, reason });
  await stripeOf(env).refunds.create(
    { payment_intent: pi.id, metadata: { order_id: order.id, reason: "payment_mismatch" } },
    { idempotencyKey: stripeKeys.mismatchRefund(pi.id) },
  );
}

const reload = async (db: Db, id: string): Promise<OrderRow | null> =>
  (await db.select().from(orders).where(eq(orders.id, id)).limit(1))[0] ?? null;

/** payment_intent.succeeded: pending → paid (stock committed, receipt); for a cancelled order, a refund. */
async function onSucceeded(env: Env, db: Db, pi: Stripe.PaymentIntent, now: number): Promise<void> {
  const order = await orderOfPaymentIntent(db, pi.id, pi.metadata?.order_id);
  if (!order) return;
  const amount = pi.amount_received > 0 ? pi.amount_received : pi.amount;
  if (order.state === "pending_payment") {
    const mismatch = paymentMismatch(order, amount, pi.currency);
    if (mismatch) return refuseMismatchedPayment(env, db, order, pi, mismatch, now);
    await markPaid(env, db, order.id, amount, "stripe", now);
  }
  const current = await reload(db, order.id);
  if (!current) return;
  if (current.state === "cancelled") {
    if (current.amountPaid === 0) await refundLatePayment(env, db, current.id, amount, now);
    else if (current.refundDue > 0) await settleRefundDue(env, db, current.id, "Payment received for a cancelled order", now);
    return;
  }
  await ensureStockCommitted(env, db, current, now);
}

/** payment_intent.payment_failed: the order stays pending_payment with the reason; after payment, ignored. */
async function onFailed(db: Db, pi: Stripe.PaymentIntent, now: number): Promise<void> {
  const order = await orderOfPaymentIntent(db, pi.id, pi.metadata?.order_id);
  if (order?.state !== "pending_payment") return;
  const error = pi.last_payment_error;
  const reason = [error?.message ?? "The payment failed", error?.decline_code ?? error?.code].filter(Boolean).join(" — ").slice(0, 500);
  await db.batch([
    db
      .update(orders)
      .set({ paymentError: reason, updatedAt: now })
      .where(and(eq(orders.id, order.id), eq(orders.state, "pending_payment"))),
    eventIfChanged(db, order.id, { type: "payment_failed", actor: "stripe", reason, at: now }),
  ]);
}

/**
 * charge.refunded: the order's refunds follow Stripe's amount_refunded. A refund that arrives before the
 * payment's own event (out of order) first records the payment from the charge.
 */
async function onChargeRefunded(env: Env, db: Db, charge: Stripe.Charge, eventId: string, now: number): Promise<void> {
  const pi = typeof charge.payment_intent === "string" ? charge.payment_intent : charge.payment_intent?.id;
  if (!pi) return;
  const order = await orderOfPaymentIntent(db, pi, charge.metadata?.order_id);
  if (!order) return;
  const captured = charge.amount_captured > 0 ? charge.amount_captured : charge.amount;
  // a payment that does not match the order pays nothing (its refund is what this event reports)
  if (order.state === "pending_payment" && charge.paid && paymentMismatch(order, captured, charge.currency) === null)
    await markPaid(env, db, order.id, captured, "stripe", now);
  const current = await reload(db, order.id);
  if (!current) return;
  if (current.state === "cancelled" && current.amountPaid === 0 && charge.paid) {
    // paid and refunded in Stripe while cancelled here: record the payment; what Stripe refunded counts below
    await db
      .update(orders)
      .set({ amountPaid: captured, updatedAt: now })
      .where(and(eq(orders.id, current.id), eq(orders.amountPaid, 0)));
  }
  const fresh = await reload(db, order.id);
  if (fresh) await reconcileChargeRefunded(db, fresh, charge, eventId, now);
}

/** The event types the shop acts on; every other type is acknowledged and ignored. */
export const HANDLED_EVENTS = ["payment_intent.succeeded", "payment_intent.payment_failed", "charge.refunded"] as const;

/**
 * Applies one verified Stripe event to the orders. Returns false for an event type the shop ignores.
 * Throws when something it needs (D1, an Inventory object, Stripe) failed, so the webhook answers 500 and
 * Stripe delivers the event again.
 */
export async function applyStripeEvent(env: Env, db: Db, event: Stripe.Event, now: number): Promise<boolean> {
  switch (event.type) {
    case "payment_intent.succeeded":
      await onSucceeded(env, db, event.data.object, now);
      return true;
    case "payment_intent.payment_failed":
      await onFailed(db, event.data.object, now);
      return true;
    case "charge.refunded":
      await onChargeRefunded(env, db, event.data.object, event.id, now);
      return true;
    default:
      return false;
  }
}
