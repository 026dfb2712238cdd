// Refunds: through the API (admin), automatic (a paid order cancelled, a payment for a cancelled order)
// and from Stripe (charge.refunded for a refund made elsewhere). Never above what was paid: the refund
// row is inserted by one conditional statement that checks paid − (succeeded + pending refunds).
import { ApiError, log } from "@edgeworks/http";
import { and, eq, inArray, sql } from "drizzle-orm";
import { nanoid } from "nanoid";
import Stripe from "stripe";
import type { Db } from "../deps";
import { stripeKeys, stripeOf } from "../stripe/client";
import { formatMoney } from "./pricing";
import { type OrderState, orderLines, orders, refundLines, refunds } from "./schema";
import { type Actor, eventIfChanged, eventOutboxIfChanged, findOrder, insertChunks, linesOf, type OrderRow } from "./service";
import { ALLOWED_FROM, assertAllowed } from "./state";
import { restockLines } from "./stock";

/** A refund request (admin): an amount, some lines, or (neither) everything still refundable. */
export interface RefundRequest {
  amount?: number;
  lines?: { lineId: string; quantity: number }[];
  reason: string;
  restock?: boolean;
}

type RefundRow = typeof refunds.$inferSelect;

/** The states a refund's order may be in: the refund action's, plus cancelled for automatic refunds. */
const refundableStates = (source: RefundRow["source"]): OrderState[] =>
  source === "api" ? [...ALLOWED_FROM.refund] : [...ALLOWED_FROM.refund, "cancelled"];

/** Paid minus what succeeded or is under way: the most a new refund may take. */
const committedRefunds = (orderId: string) =>
  sql`(SELECT COALESCE(SUM(${refunds.amount}), 0) FROM ${refunds} WHERE ${refunds.orderId} = ${orderId} AND ${refunds.state} IN ('pending', 'succeeded'))`;

/** What a new refund of this order may take at most. */
export async function refundableOf(db: Db, order: OrderRow): Promise<number> {
  const [row] = await db
    .select({ committed: committedRefunds(order.id).mapWith(Number) })
    .from(orders)
    .where(eq(orders.id, order.id));
  return Math.max(0, order.amountPaid - (row?.committed ?? 0));
}

/** The order's refund total and state from its succeeded refunds (idempotent: recomputed, never added). */
function recomputeOrder(db: Db, orderId: string, now: number) {
  const succeeded = sql`(SELECT COALESCE(SUM(${refunds.amount}), 0) FROM ${refunds} WHERE ${refunds.orderId} = ${orderId} AND ${refunds.state} = 'succeeded')`;
  return db
    .update(orders)
    .set({
      amountRefunded: succeeded,
      state: sql`CASE WHEN ${orders.state} IN ('paid', 'fulfilled', 'delivered', 'partially_refunded') AND ${succeeded} > 0
        THEN (CASE WHEN ${succeeded} >= ${orders.amountPaid} THEN 'refunded' ELSE 'partially_refunded' END) ELSE ${orders.state} END`,
      updatedAt: now,
    })
    .where(eq(orders.id, orderId));
}

/**
 * Inserts a pending refund of `amount` only when the order is in a refundable state and the amount fits
 * (one statement, so concurrent refunds can never add up to more than was paid). False when it does not.
 */
async function insertRefund(db: Db, row: RefundRow): Promise<boolean> {
  const result = await db.run(
    sql`INSERT INTO ${refunds} (id, order_id, amount, currency, reason, state, source, restock, stripe_refund_id, failure, created_by, created_at, updated_at)
        SELECT ${row.id}, ${row.orderId}, ${row.amount}, ${row.currency}, ${row.reason}, 'pending', ${row.source}, ${row.restock}, NULL, NULL,
               ${row.createdBy}, ${row.createdAt}, ${row.updatedAt}
        FROM ${orders} WHERE ${orders.id} = ${row.orderId} AND ${inArray(orders.state, refundableStates(row.source))}
          AND ${orders.amountPaid} - ${committedRefunds(row.orderId)} >= ${row.amount}`,
  );
  return result.meta.changes === 1;
}

const overRefund = (refundable: number) =>
  new ApiError("conflict", `At most ${refundable} can still be refunded`, { extensions: { refundable } });

/** The next state of an order once `refunded` in total was refunded. */
const stateAfter = (order: OrderRow, refunded: number): OrderState =>
  ALLOWED_FROM.refund.includes(order.state) ? (refunded >= order.amountPaid ? "refunded" : "partially_refunded") : order.state;

/**
 * Marks a refund succeeded (its Stripe id), recomputes the order (amount_refunded, state) and writes
 * the timeline entry and the `order.refunded` event, once (only a pending refund moves).
 */
async function finalizeRefund(db: Db, refund: RefundRow, stripeRefundId: string | null, actor: Actor, now: number): Promise<void> {
  const order = await findOrder(db, refund.orderId);
  const to = stateAfter(order, order.amountRefunded + refund.amount);
  await db.batch([
    db
      .update(refunds)
      .set({ state: "succeeded", stripeRefundId, updatedAt: now })
      .where(and(eq(refunds.id, refund.id), eq(refunds.state, "pending"))),
    eventIfChanged(db, refund.orderId, {
      type: "refund",
      // a state change only when the refund moves the order (a cancelled order's refund does not)
      from: to === order.state ? null : order.state,
      to: to === order.state ? null : to,
      actor,
      reason: `${formatMoney(refund.amount, refund.currency)} refunded: ${refund.reason}`,
      at: now,
    }),
    eventOutboxIfChanged(db, { type: "order.refunded", orderId: refund.orderId, refundId: refund.id }, now),
    recomputeOrder(db, refund.orderId, now),
  ]);
}

/** A refund Stripe refused: failed, its lines' refunded quantities given back, a timeline entry. */
async function failRefund(
  db: Db,
  refund: RefundRow,
  failure: string,
  actor: Actor,
  now: number,
  counted?: { lineId: string; quantity: number }[],
): Promise<void> {
  const lines = counted ?? (await db.select().from(refundLines).where(eq(refundLines.refundId, refund.id)));
  await db.batch([
    db
      .update(refunds)
      .set({ state: "failed", failure: failure.slice(0, 500), updatedAt: now })
      .where(and(eq(refunds.id, refund.id), eq(refunds.state, "pending"))),
    eventIfChanged(db, refund.orderId, { type: "refund_failed", actor, reason: failure.slice(0, 500), at: now }),
    ...lines.map((l) =>
      db
        .update(orderLines)
        .set({ refundedQuantity: sql`${orderLines.refundedQuantity} - ${l.quantity}` })
        // only when the refund moved to failed just now (changes() of the statement before is 1)
        .where(and(eq(orderLines.id, l.lineId), sql`changes() = 1`)),
    ),
  ]);
}

/**
 * Sends a pending refund to Stripe (idempotency key from the refund id, so a retry never refunds twice)
 * and records the answer. A refusal marks it failed (409 with Stripe's message); an unreachable Stripe
 * leaves it pending for the cron (503).
 */
export async function executeRefund(env: Env, db: Db, refund: RefundRow, actor: Actor, now: number): Promise<void> {
  const order = await findOrder(db, refund.orderId);
  if (!order.paymentIntentId) {
    await failRefund(db, refund, "The order has no payment to refund", actor, now);
    throw new ApiError("conflict", "The order has no payment to refund");
  }
  let stripeRefund: Stripe.Refund;
  try {
    stripeRefund = await stripeOf(env).refunds.create(
      {
        payment_intent: order.paymentIntentId,
        amount: refund.amount,
        reason: "requested_by_customer",
        metadata: { order_id: order.id, refund_id: refund.id },
      },
      { idempotencyKey: stripeKeys.refund(refund.id) },
    );
  } catch (err) {
    if (err instanceof Stripe.errors.StripeInvalidRequestError || err instanceof Stripe.errors.StripeCardError) {
      await failRefund(db, refund, err.message, actor, now);
      throw new ApiError("conflict", `Stripe refused the refund: ${err.message}`);
    }
    if (err instanceof ApiError) throw err;
    log(env.LOG_LEVEL, "error", "stripe refund failed; left pending for the cron", { refundId: refund.id, error: String(err) });
    throw new ApiError("service_unavailable", "The payment provider could not be reached; the refund will be retried", {
      headers: { "Retry-After": "60" },
    });
  }
  if (stripeRefund.status === "failed" || stripeRefund.status === "canceled") {
    await failRefund(db, refund, stripeRefund.failure_reason ?? `refund ${stripeRefund.status}`, actor, now);
    throw new ApiError("conflict", `Stripe refused the refund: ${stripeRefund.failure_reason ?? stripeRefund.status}`);
  }
  await finalizeRefund(db, refund, stripeRefund.id, actor, now);
  if (refund.restock === 1 && order.stockCommitted === 1) {
    const refunded = await db.select().from(refundLines).where(eq(refundLines.refundId, refund.id));
    const lines = await linesOf(db, order.id);
    const byId = new Map(lines.map((l) => [l.id, l]));
    await restockLines(
      env,
      `refund:${refund.id}`,
      refunded.flatMap((r) => {
        const line = byId.get(r.lineId);
        return line ? [{ productId: line.productId, variantId: line.variantId, quantity: r.quantity }] : [];
      }),
    ).catch((err: unknown) => log(env.LOG_LEVEL, "error", "restock after refund failed", { refundId: refund.id, error: String(err) }));
  }
}

/**
 * An admin refund: lines (their price × quantity, each at most what is left of the line) or an amount, or
 * everything still refundable; never above paid − refunded (409), idempotent through the route's
 * Idempotency-Key and Stripe's key from the refund id.
 */
export async function refundOrder(env: Env, db: Db, orderId: string, req: RefundRequest, actor: Actor, now: number): Promise<RefundRow> {
  const order = await findOrder(db, orderId);
  assertAllowed("refund", order.state);
  const lines = await linesOf(db, orderId);
  const byId = new Map(lines.map((l) => [l.id, l]));
  let linesAmount = 0;
  const seen = new Set<string>();
  for (const [i, l] of (req.lines ?? []).entries()) {
    const line = byId.get(l.lineId);
    const at = `lines.${i}`;
    if (!line)
      throw new ApiError("validation_failed", "No such line in this order", {
        errors: [{ path: `${at}.lineId`, location: "body", message: "Not a line of this order" }],
      });
    if (seen.has(l.lineId))
      throw new ApiError("validation_failed", "A line is listed twice", {
        errors: [{ path: `${at}.lineId`, location: "body", message: "Listed twice" }],
      });
    seen.add(l.lineId);
    if (l.quantity > line.quantity - line.refundedQuantity) {
      throw new ApiError("validation_failed", "More units than are left to refund on this line", {
        errors: [{ path: `${at}.quantity`, location: "body", message: `At most ${line.quantity - line.refundedQuantity}` }],
      });
    }
    linesAmount += line.unitPrice * l.quantity;
  }
  const refundable = await refundableOf(db, order);
  if (refundable === 0) throw new ApiError("conflict", "Nothing is left to refund on this order", { extensions: { refundable } });
  const amount = req.amount ?? (req.lines && req.lines.length > 0 ? Math.min(linesAmount, refundable) : refundable);
  if (amount > refundable) throw overRefund(refundable);
  const row: RefundRow = {
    id: nanoid(),
    orderId,
    amount,
    currency: order.currency,
    reason: req.reason,
    state: "pending",
    source: "api",
    restock: req.restock ? 1 : 0,
    stripeRefundId: null,
    failure: null,
    createdBy: actor,
    createdAt: now,
    updatedAt: now,
  };
  if (!(await insertRefund(db, row))) {
    const current = await findOrder(db, orderId);
    assertAllowed("refund", current.state);
    throw overRefund(await refundableOf(db, current));
  }
  if (req.lines && req.lines.length > 0) {
    const inserts = insertChunks(
      refundLines,
      req.lines.map((l) => ({ refundId: row.id, lineId: l.lineId, quantity: l.quantity })),
    ).map((chunk) => db.insert(refundLines).values(chunk));
    const [firstInsert, ...moreInserts] = inserts;
    if (!firstInsert) throw new Error("refund lines: nothing to insert");
    const results = await db.batch([
      firstInsert,
      ...moreInserts,
      ...req.lines.map((l) =>
        db
          .update(orderLines)
          .set({ refundedQuantity: sql`${orderLines.refundedQuantity} + ${l.quantity}` })
          .where(and(eq(orderLines.id, l.lineId), sql`${orderLines.refundedQuantity} + ${l.quantity} <= ${orderLines.quantity}`)),
      ),
    ]);
    const counted = req.lines.filter((_, i) => results[i + inserts.length]?.meta.changes === 1);
    if (counted.length !== req.lines.length) {
      // a concurrent refund took these units first: undo what this one counted
      await failRefund(db, row, "Units were refunded concurrently", actor, now, counted);
      throw new ApiError("conflict", "Some of these units were refunded concurrently");
    }
  }
  await executeRefund(env, db, row, actor, now);
  const [done] = await db.select().from(refunds).where(eq(refunds.id, row.id));
  return done ?? row;
}

/**
 * Refunds whatever of a cancelled (or otherwise owed) order's payment is not yet refunded: a paid order
 * cancelled, or a payment that succeeded after the order was cancelled. Clears `refund_due` when done;
 * the cron calls it again for orders whose refund could not be made yet.
 */
export async function settleRefundDue(env: Env, db: Db, orderId: string, reason: string, now: number): Promise<void> {
  const order = await findOrder(db, orderId);
  const pending = await db
    .select()
    .from(refunds)
    .where(and(eq(refunds.orderId, orderId), eq(refunds.state, "pending")));
  for (const p of pending)
    await executeRefund(env, db, p, "system", now).catch((err: unknown) =>
      log(env.LOG_LEVEL, "warn", "pending refund retry failed", { refundId: p.id, error: String(err) }),
    );
  const refundable = await refundableOf(db, order);
  if (refundable > 0) {
    const row: RefundRow = {
      id: nanoid(),
      orderId,
      amount: refundable,
      currency: order.currency,
      reason,
      state: "pending",
      source: "system",
      restock: 0,
      stripeRefundId: null,
      failure: null,
      createdBy: "system",
      createdAt: now,
      updatedAt: now,
    };
    if (await insertRefund(db, row)) await executeRefund(env, db, row, "system", now);
  }
  await db.update(orders).set({ refundDue: 0 }).where(eq(orders.id, orderId));
}

/**
 * charge.refunded: Stripe's `amount_refunded` is the truth. Refunds this shop made are matched by their
 * metadata (pending ones completed); money refunded elsewhere (the Stripe dashboard) becomes a refund
 * of source `stripe` for the difference, so the order's refund state follows Stripe.
 */
export async function reconcileChargeRefunded(db: Db, order: OrderRow, charge: Stripe.Charge, eventId: string, now: number): Promise<void> {
  for (const r of charge.refunds?.data ?? []) {
    const ours = r.metadata?.refund_id;
    if (!ours || r.status !== "succeeded") continue;
    const [row] = await db
      .select()
      .from(refunds)
      .where(and(eq(refunds.id, ours), eq(refunds.orderId, order.id), eq(refunds.state, "pending")));
    if (row) await finalizeRefund(db, row, r.id, "stripe", now);
  }
  const [known] = await db
    .select({ committed: committedRefunds(order.id).mapWith(Number) })
    .from(orders)
    .where(eq(orders.id, order.id));
  const diff = Math.min(charge.amount_refunded, order.amountPaid) - (known?.committed ?? 0);
  if (diff <= 0) return;
  const row: RefundRow = {
    id: `stripe-${eventId}`.slice(0, 64),
    orderId: order.id,
    amount: diff,
    currency: order.currency,
    reason: "Refunded in Stripe",
    state: "pending",
    source: "stripe",
    restock: 0,
    stripeRefundId: null,
    failure: null,
    createdBy: "stripe",
    createdAt: now,
    updatedAt: now,
  };
  if (await insertRefund(db, row)) await finalizeRefund(db, row, null, "stripe", now);
}

/** The pending refunds older than `olderThanMs`, for the cron to retry. */
export const stalePendingRefunds = (db: Db, before: number) =>
  db
    .select()
    .from(refunds)
    .where(and(eq(refunds.state, "pending"), sql`${refunds.createdAt} < ${before}`))
    .limit(20);
