// The payment state machine. Every outcome is ONE conditional UPDATE of the payment row (on its status,
// and for `succeeded` on the order not being cancelled) plus the outbox rows of its event, in one D1 batch;
// the outbox rows are inserted only if the UPDATE won (they check the row's `last_event_id`), so the RPC
// path, the webhook, the consumer and the cron can all settle the same PaymentIntent and exactly one event
// comes out. Rule: no charge is ever left behind for a cancelled order (see `step`).
import {
  type CommerceEvent,
  EVENT_SUBSCRIBERS,
  type EventCause,
  type EventPayload,
  newEvent,
  relayInBackground,
  type ServiceLogger,
} from "@edgeworks/commerce-contracts";
import { and, eq, isNull } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { nanoid } from "nanoid";
import { type PaymentRow, type PaymentStatus, payments } from "./schema";
import { type Stripe, stripeKeys, stripeOf } from "./stripe";

/** What the state machine needs: the Worker's env, the clock, a logger and what caused this work. */
export interface PayDeps {
  env: Env;
  now: () => number;
  logger: ServiceLogger;
  /** The cause of the events produced (`{ requestId }` for an RPC/webhook, `{ event }` for a consumed event). */
  cause: EventCause;
  /** For waitUntil (the relay after a write); without it the cron relays. */
  defer?: (work: Promise<unknown>) => void;
}

type Failure = { code: string; message: string };

const PAYMENT_ID = () => `pay_${nanoid(21)}`;

export const paymentByOrder = async (env: Env, orderId: string): Promise<PaymentRow | undefined> =>
  (await drizzle(env.DB).select().from(payments).where(eq(payments.orderId, orderId)).limit(1))[0];

const paymentByIntent = async (env: Env, paymentIntentId: string): Promise<PaymentRow | undefined> =>
  (await drizzle(env.DB).select().from(payments).where(eq(payments.paymentIntentId, paymentIntentId)).limit(1))[0];

/** The outbox rows of `event`, inserted only if the payment row carries `event.id` as its last transition. */
function guardedOutbox(d1: D1Database, paymentId: string, event: CommerceEvent, now: number): D1PreparedStatement[] {
  const body = JSON.stringify(event);
  return EVENT_SUBSCRIBERS[event.type].map((topic) =>
    d1
      .prepare(
        "INSERT INTO queue_outbox (id, topic, body, created_at) SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM payments WHERE id = ? AND last_event_id = ?)",
      )
      .bind(`${event.id}:${topic}`, topic, body, now, paymentId, event.id),
  );
}

interface Change {
  status: PaymentStatus;
  paymentIntentId?: string | null;
  failure?: Failure;
  amountRefunded?: number;
}

/**
 * Moves a payment from one of `from` to `change.status`, with `event` in the outbox, in one batch. False
 * when the row was no longer in `from` (or, with `notCancelled`, the order was cancelled meanwhile):
 * nothing was written, no event.
 */
async function transition(
  deps: PayDeps,
  row: PaymentRow,
  from: readonly PaymentStatus[],
  change: Change,
  event: CommerceEvent | null,
  options: { notCancelled?: boolean; extra?: D1PreparedStatement[] } = {},
): Promise<boolean> {
  const d1 = deps.env.DB;
  const now = deps.now();
  const marker = event?.id ?? `trn_${nanoid(21)}`;
  const update = d1
    .prepare(
      `UPDATE payments SET status = ?, payment_intent_id = COALESCE(?, payment_intent_id), failure_code = COALESCE(?, failure_code),
       failure_message = COALESCE(?, failure_message), amount_refunded = COALESCE(?, amount_refunded), last_event_id = ?, updated_at = ?
       WHERE id = ? AND status IN (${from.map(() => "?").join(", ")})${options.notCancelled ? " AND order_cancelled = 0" : ""}`,
    )
    .bind(
      change.status,
      change.paymentIntentId ?? null,
      change.failure?.code.slice(0, 100) ?? null,
      change.failure?.message.slice(0, 500) ?? null,
      change.amountRefunded ?? null,
      marker,
      now,
      row.id,
      ...from,
    );
  const results = await d1.batch([update, ...(options.extra ?? []), ...(event ? guardedOutbox(d1, row.id, event, now) : [])]);
  const won = (results[0]?.meta.changes ?? 0) === 1;
  if (won) {
    deps.logger.info("payment state changed", { paymentId: row.id, from: row.status, to: change.status, event: event?.type ?? null });
    if (event) deps.defer?.(relayInBackground(deps.env, d1));
  }
  return won;
}

/**
 * A new payment event. Caused by a consumed event: that event. Otherwise by the saga's request (the one that
 * asked for the charge), so an outcome the webhook or the cron settles still carries the saga's request id.
 */
const event = <T extends "payment.succeeded" | "payment.failed" | "payment.refunded">(
  deps: PayDeps,
  row: PaymentRow,
  type: T,
  payload: EventPayload<T>,
) => newEvent(type, payload, deps.cause.event ? deps.cause : { requestId: row.requestId ?? deps.cause.requestId ?? null }, deps.now());

/** A PaymentIntent's decline as `payment.failed` says it. */
function failureOf(pi: Stripe.PaymentIntent): Failure {
  const e = pi.last_payment_error;
  if (e) return { code: e.decline_code ?? e.code ?? "payment_failed", message: e.message ?? "The payment failed" };
  if (pi.status === "canceled") return { code: "payment_intent_canceled", message: "The PaymentIntent was canceled" };
  return { code: "payment_failed", message: "The payment failed" };
}

/** Refunds a succeeded PaymentIntent of a cancelled order (idempotent per order) and moves the row to refunded. */
async function refund(deps: PayDeps, row: PaymentRow, pi: Stripe.PaymentIntent): Promise<boolean> {
  const stripe = stripeOf(deps.env);
  let re: Stripe.Refund;
  try {
    re = await stripe.refunds.create(
      { payment_intent: pi.id, reason: "requested_by_customer", metadata: { orderId: row.orderId, paymentId: row.id } },
      { idempotencyKey: stripeKeys.refund(row.orderId) },
    );
  } catch (err) {
    // refunded already (by hand, in the dashboard): record that refund instead
    const existing = (await stripe.refunds.list({ payment_intent: pi.id, limit: 1 })).data[0];
    if (!existing) throw err;
    re = existing;
  }
  const now = deps.now();
  const insertRefund = deps.env.DB.prepare(
    "INSERT INTO refunds (id, payment_id, order_id, amount, currency, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
  ).bind(re.id, row.id, row.orderId, re.amount, re.currency, re.status ?? "succeeded", now);
  const refunded = event(deps, row, "payment.refunded", {
    orderId: row.orderId,
    paymentId: row.id,
    refundId: re.id,
    amount: re.amount,
    currency: row.currency,
  });
  return transition(
    deps,
    row,
    ["processing", "succeeded", "canceled"],
    { status: "refunded", paymentIntentId: pi.id, amountRefunded: Math.min(re.amount, row.amount) },
    refunded,
    { extra: [insertRefund] },
  );
}

const CANCELABLE: readonly string[] = [
  "requires_payment_method",
  "requires_confirmation",
  "requires_action",
  "requires_capture",
  "processing",
];

/** Cancels a PaymentIntent that has not succeeded (idempotent per order); a race with its success → the fresh intent. */
async function cancelIntent(deps: PayDeps, row: PaymentRow, pi: Stripe.PaymentIntent): Promise<Stripe.PaymentIntent> {
  const stripe = stripeOf(deps.env);
  try {
    return await stripe.paymentIntents.cancel(
      pi.id,
      { cancellation_reason: "abandoned" },
      { idempotencyKey: stripeKeys.cancel(row.orderId) },
    );
  } catch (err) {
    deps.logger.warn("PaymentIntent cancel refused; reading it again", { paymentIntentId: pi.id, error: String(err) });
    return stripe.paymentIntents.retrieve(pi.id);
  }
}

type Step = "done" | "again";

/** One step of settling a payment row against the PaymentIntent as Stripe has it now. */
async function step(
  deps: PayDeps,
  row: PaymentRow,
  pi: Stripe.PaymentIntent | null,
  failure: Failure | null,
): Promise<Step | { pi: Stripe.PaymentIntent }> {
  const again = (won: boolean): Step => (won ? "done" : "again");
  if (row.status === "failed" || row.status === "refunded") return "done";
  if (!pi) {
    if (row.status === "processing" && failure) {
      const failed = event(deps, row, "payment.failed", { orderId: row.orderId, paymentId: row.id, paymentIntentId: null, ...failure });
      return again(await transition(deps, row, ["processing"], { status: "failed", failure }, failed));
    }
    return "done";
  }
  const cancelled = row.orderCancelled || row.status === "canceled";
  if (pi.status === "succeeded") {
    // the hard rule: money taken for a cancelled order goes back at once
    if (cancelled) return again(await refund(deps, row, pi));
    if (row.status !== "processing") return "done";
    const succeeded = event(deps, row, "payment.succeeded", {
      orderId: row.orderId,
      paymentId: row.id,
      paymentIntentId: pi.id,
      amount: pi.amount,
      currency: row.currency,
    });
    return again(
      await transition(deps, row, ["processing"], { status: "succeeded", paymentIntentId: pi.id }, succeeded, { notCancelled: true }),
    );
  }
  if (CANCELABLE.includes(pi.status) && cancelled) return { pi: await cancelIntent(deps, row, pi) };
  if (row.status !== "processing") return "done";
  if (pi.status === "canceled" && row.orderCancelled) {
    return again(await transition(deps, row, ["processing"], { status: "canceled", paymentIntentId: pi.id }, null));
  }
  if (pi.status === "canceled" || (pi.status === "requires_payment_method" && pi.last_payment_error)) {
    const f = failure ?? failureOf(pi);
    const failed = event(deps, row, "payment.failed", { orderId: row.orderId, paymentId: row.id, paymentIntentId: pi.id, ...f });
    return again(await transition(deps, row, ["processing"], { status: "failed", paymentIntentId: pi.id, failure: f }, failed));
  }
  // requires_action (3-D Secure), processing: the webhook (or the cron, or the order's timeout) settles it later
  return "done";
}

/**
 * Brings the payment of `orderId` in line with `pi` (as Stripe has it now): succeeded, failed, canceled, or
 * refunded when the order was cancelled. Safe to call from any path, any number of times.
 */
export async function settle(
  deps: PayDeps,
  orderId: string,
  initial: Stripe.PaymentIntent | null,
  failure: Failure | null = null,
): Promise<PaymentRow> {
  let pi = initial;
  for (let round = 0; round < 6; round++) {
    const row = await paymentByOrder(deps.env, orderId);
    if (!row) throw new Error(`no payment for order ${orderId}`);
    if (pi && row.paymentIntentId !== pi.id && row.paymentIntentId === null) {
      await drizzle(deps.env.DB)
        .update(payments)
        .set({ paymentIntentId: pi.id })
        .where(and(eq(payments.id, row.id), isNull(payments.paymentIntentId)));
      continue;
    }
    const next = await step(deps, row, pi, failure);
    if (next === "done") return (await paymentByOrder(deps.env, orderId)) ?? row;
    if (next !== "again") pi = next.pi;
  }
  throw new Error(`payment of order ${orderId} did not settle (concurrent changes); retried later`);
}

/** A Stripe error the SDK threw for a charge that will never succeed as asked (a decline, a bad payment method). */
function chargeFailure(err: unknown): { failure: Failure; pi: Stripe.PaymentIntent | null } | null {
  if (typeof err !== "object" || err === null) return null;
  const e = err as {
    type?: string;
    code?: string;
    decline_code?: string;
    message?: string;
    payment_intent?: Stripe.PaymentIntent;
    statusCode?: number;
  };
  if (
    e.type === "StripeCardError" ||
    (e.type === "StripeInvalidRequestError" && e.statusCode !== undefined && e.statusCode < 409 && e.statusCode !== 401)
  ) {
    return {
      failure: { code: e.decline_code ?? e.code ?? "payment_failed", message: e.message ?? "The payment failed" },
      pi: e.payment_intent ?? null,
    };
  }
  return null;
}

/** The PaymentIntent of a payment, always from the stored row (so a retry under the same idempotency key replays it). */
const intentParams = (row: PaymentRow): Stripe.PaymentIntentCreateParams => ({
  amount: row.amount,
  currency: row.currency,
  payment_method: row.paymentMethod ?? "pm_card_visa",
  confirm: true,
  automatic_payment_methods: { enabled: true, allow_redirects: "never" },
  description: `Order ${row.orderId}`,
  metadata: { orderId: row.orderId, paymentId: row.id },
});

/** Creates (or, same idempotency key, finds again) and confirms the PaymentIntent of a processing payment, then settles it. */
async function confirmCharge(deps: PayDeps, row: PaymentRow): Promise<PaymentRow> {
  const stripe = stripeOf(deps.env);
  if (row.paymentIntentId) return settle(deps, row.orderId, await stripe.paymentIntents.retrieve(row.paymentIntentId));
  let pi: Stripe.PaymentIntent | null = null;
  let failure: Failure | null = null;
  try {
    pi = await stripe.paymentIntents.create(intentParams(row), { idempotencyKey: stripeKeys.charge(row.orderId) });
  } catch (err) {
    const failed = chargeFailure(err);
    if (!failed) throw err;
    deps.logger.info("charge declined", { paymentId: row.id, code: failed.failure.code });
    ({ pi, failure } = failed);
  }
  return settle(deps, row.orderId, pi, failure);
}

/**
 * A payment of a cancelled order left `processing` without a recorded PaymentIntent (its charge died after
 * calling Stripe, or before): did Stripe make one? Asks with the charge's idempotency key and other params
 * (unconfirmed): Stripe answers `idempotency_error` if the charge's request was made (then the original is
 * replayed and settled: canceled or refunded), else makes an unconfirmed intent nobody can pay, canceled at once.
 */
async function closeCancelledWithoutIntent(deps: PayDeps, row: PaymentRow): Promise<PaymentRow> {
  const stripe = stripeOf(deps.env);
  let probe: Stripe.PaymentIntent;
  try {
    probe = await stripe.paymentIntents.create(
      {
        amount: row.amount,
        currency: row.currency,
        description: `Order ${row.orderId} (cancelled)`,
        metadata: { orderId: row.orderId, paymentId: row.id },
      },
      { idempotencyKey: stripeKeys.charge(row.orderId) },
    );
  } catch (err) {
    if ((err as { type?: string }).type !== "StripeIdempotencyError") throw err;
    deps.logger.warn("a charge reached Stripe for a cancelled order; settling it", { paymentId: row.id });
    return confirmCharge(deps, row);
  }
  return settle(
    deps,
    row.orderId,
    await stripe.paymentIntents.cancel(
      probe.id,
      { cancellation_reason: "abandoned" },
      { idempotencyKey: `${stripeKeys.cancel(row.orderId)}:probe` },
    ),
  );
}

export interface ChargeInput {
  orderId: string;
  userId: string;
  amount: number;
  currency: string;
  paymentMethod: string;
}

/**
 * Charges an order once. The first call records the payment (processing) and confirms a PaymentIntent
 * (Stripe idempotency key `commerce-charge:<orderId>`, params from the stored row, so a retry finds the same
 * intent); later calls answer where it stands. An order already cancelled is refused: `canceled`, no intent.
 */
export async function charge(deps: PayDeps, input: ChargeInput): Promise<PaymentRow> {
  const t = deps.now();
  await drizzle(deps.env.DB)
    .insert(payments)
    .values({
      id: PAYMENT_ID(),
      orderId: input.orderId,
      userId: input.userId,
      status: "processing",
      amount: input.amount,
      amountRefunded: 0,
      currency: input.currency,
      paymentMethod: input.paymentMethod,
      paymentIntentId: null,
      failureCode: null,
      failureMessage: null,
      orderCancelled: false,
      lastEventId: null,
      requestId: deps.cause.requestId ?? null,
      createdAt: t,
      updatedAt: t,
    })
    .onConflictDoNothing();
  const row = await paymentByOrder(deps.env, input.orderId);
  if (!row) throw new Error("payment row vanished");
  if (row.status !== "processing") return row;
  if (row.orderCancelled && !row.paymentIntentId) {
    // cancelled while an earlier charge had not recorded its intent: refuse, after asking Stripe whether that
    // charge reached it (then its intent is canceled or refunded)
    deps.logger.info("charge refused: the order is cancelled", { paymentId: row.id });
    return closeCancelledWithoutIntent(deps, row);
  }
  return confirmCharge(deps, row);
}

/**
 * `order.cancelled`: marks the order cancelled on its payment (or records a canceled payment when there is
 * none yet, so a late charge is refused), then cancels a pending PaymentIntent or refunds a succeeded one.
 */
export async function cancelOrder(deps: PayDeps, payload: EventPayload<"order.cancelled">): Promise<PaymentRow> {
  const db = drizzle(deps.env.DB);
  for (let round = 0; round < 3; round++) {
    const [row] = await db
      .update(payments)
      .set({ orderCancelled: true, updatedAt: deps.now() })
      .where(eq(payments.orderId, payload.orderId))
      .returning();
    if (!row) {
      const t = deps.now();
      const [inserted] = await db
        .insert(payments)
        .values({
          id: PAYMENT_ID(),
          orderId: payload.orderId,
          userId: payload.userId,
          status: "canceled",
          amount: payload.amount,
          amountRefunded: 0,
          currency: payload.currency,
          paymentMethod: null,
          paymentIntentId: null,
          failureCode: null,
          failureMessage: null,
          orderCancelled: true,
          lastEventId: null,
          requestId: deps.cause.event?.requestId ?? deps.cause.requestId ?? null,
          createdAt: t,
          updatedAt: t,
        })
        .onConflictDoNothing()
        .returning();
      if (inserted) {
        deps.logger.info("order cancelled before any charge: a charge will be refused", { paymentId: inserted.id });
        return inserted;
      }
      continue;
    }
    deps.logger.info("order cancelled", { paymentId: row.id, status: row.status, refund: payload.refund });
    // no intent yet while processing: the charge in flight (or the cron) sees the flag and cancels/refunds
    if (!row.paymentIntentId) return row;
    const pi = await stripeOf(deps.env).paymentIntents.retrieve(row.paymentIntentId);
    return settle(deps, row.orderId, pi);
  }
  throw new Error(`order ${payload.orderId}: payment row kept changing`);
}

/** The payment a Stripe object belongs to: by its PaymentIntent id, else by `metadata.orderId` (an intent not yet recorded). */
async function paymentOfIntent(env: Env, pi: { id: string; metadata?: Stripe.Metadata | null }): Promise<PaymentRow | undefined> {
  const known = await paymentByIntent(env, pi.id);
  if (known) return known;
  const orderId = pi.metadata?.orderId;
  if (!orderId) return undefined;
  const row = await paymentByOrder(env, orderId);
  return row && (row.paymentIntentId === null || row.paymentIntentId === pi.id) ? row : undefined;
}

/** Applies a verified Stripe event; false when it is not one payments acts on (or not about one of its payments). */
export async function applyStripeEvent(deps: PayDeps, event: Stripe.Event): Promise<boolean> {
  const stripe = stripeOf(deps.env);
  switch (event.type) {
    case "payment_intent.succeeded":
    case "payment_intent.payment_failed":
    case "payment_intent.canceled": {
      const row = await paymentOfIntent(deps.env, event.data.object);
      if (!row) return false;
      // the event is a snapshot (deliveries can come late or out of order): settle against the intent as it is now
      await settle(
        { ...deps, logger: deps.logger.with({ correlationId: row.orderId }) },
        row.orderId,
        await stripe.paymentIntents.retrieve(event.data.object.id),
      );
      return true;
    }
    case "charge.refunded": {
      const charge = event.data.object;
      const piId = typeof charge.payment_intent === "string" ? charge.payment_intent : charge.payment_intent?.id;
      if (!piId) return false;
      const row = await paymentByIntent(deps.env, piId);
      if (!row) return false;
      if (row.status === "refunded" || !charge.refunded) return true;
      // refunded outside this service (the dashboard): record it and tell the order
      if (row.status === "succeeded" || row.status === "canceled") await refund(deps, row, await stripe.paymentIntents.retrieve(piId));
      return true;
    }
    default:
      return false;
  }
}

/**
 * The cron's reconciliation: payments still `processing` `olderThanMs` after their last change (a lost
 * webhook, a caller that died mid-charge) are settled against Stripe; one without an intent is charged
 * again with the same idempotency key (finds the intent if it was made), or, its order being cancelled, closed
 * after asking Stripe whether the charge reached it (`closeCancelledWithoutIntent`).
 */
export async function reconcile(deps: PayDeps, olderThanMs: number, limit = 25): Promise<number> {
  const db = drizzle(deps.env.DB);
  const cutoff = deps.now() - olderThanMs;
  const stale = await deps.env.DB.prepare(
    "SELECT order_id FROM payments WHERE status = 'processing' AND updated_at < ? ORDER BY updated_at LIMIT ?",
  )
    .bind(cutoff, limit)
    .all<{ order_id: string }>();
  let settled = 0;
  for (const { order_id: orderId } of stale.results) {
    const logger = deps.logger.with({ correlationId: orderId });
    try {
      const row = await paymentByOrder(deps.env, orderId);
      if (row?.status !== "processing") continue;
      // touch it, so a failing one waits its turn again instead of starving the others
      await db
        .update(payments)
        .set({ updatedAt: deps.now() })
        .where(and(eq(payments.id, row.id), eq(payments.status, "processing")));
      if (!row.paymentIntentId && row.orderCancelled) await closeCancelledWithoutIntent({ ...deps, logger }, row);
      else await confirmCharge({ ...deps, logger }, row);
      settled++;
    } catch (error) {
      logger.warn("reconciliation failed; next run retries", { error: String(error) });
    }
  }
  return settled;
}
