// @ts-check
// Subscription routes (https://docs.stripe.com/api/subscriptions): create, retrieve, update (items, prorations,
// cancellation at period end, payment method, metadata), cancel and list. The engine is billing-subscriptions.mjs.
import { invalidParam, StripeError } from "../errors.mjs";
import { arr, bool, int, obj, oneOf, str } from "../params.mjs";
import { mergeMetadata } from "../store.mjs";
import { originOf } from "./billing-invoices.mjs";
import { advanceLines, applyItemParams, assertCompatible, periodOf, prorationLines } from "./billing-proration.mjs";
import {
  addPendingProration,
  billSubscription,
  createSubscription,
  endSubscription,
  LIVE,
  lastBilled,
  PAYMENT_BEHAVIOURS,
  PRORATIONS,
  pendingUpdates,
  updateSubscription,
  withItems,
} from "./billing-subscriptions.mjs";
import { periodBoundary } from "./billing-util.mjs";

/** @typedef {Record<string, any>} StripeObject */

/** How long a pending update waits for its payment (Stripe: 23 hours). */
export const PENDING_UPDATE_TTL = 23 * 3600;
/** @typedef {import("../router.mjs").Ctx} Ctx */

/**
 * Applies `POST /v1/subscriptions/:id`: items, prorations, cancellation at period end, payment method, metadata.
 * @param {Ctx} ctx
 */
export function updateFromParams(ctx) {
  originOf.set(ctx.store, ctx.base);
  const store = ctx.store;
  const body = ctx.body;
  const sub = store.get("subscription", ctx.params.id ?? "");
  if (sub.status === "canceled" || sub.status === "incomplete_expired") {
    const allowed = Object.keys(body).every((k) => ["metadata", "cancellation_details", "expand"].includes(k));
    if (!allowed) throw invalidParam("id", "A canceled subscription can only update its cancellation_details and metadata.");
    return updateSubscription(store, sub.id, body.metadata !== undefined ? { metadata: mergeMetadata(sub.metadata, body.metadata) } : {});
  }
  const behaviour = oneOf(body, "proration_behavior", PRORATIONS) ?? "create_prorations";
  const now = ctx.now();
  const at = int(body, "proration_date", { min: 0 }) ?? now;
  const period = periodOf(sub);
  if (at < period.start || at > period.end)
    throw invalidParam("proration_date", "The proration date must be within the current billing period.");
  // every plain param is read (and refused) before anything changes
  const cancelAtEnd = bool(body, "cancel_at_period_end");
  const cancelAt = body.cancel_at === undefined ? undefined : body.cancel_at === "" ? null : (int(body, "cancel_at", { min: now }) ?? null);
  /** @type {StripeObject} */
  const plain = {};
  if (body.default_payment_method !== undefined) plain.default_payment_method = str(body, "default_payment_method") ?? null;
  if (body.metadata !== undefined) plain.metadata = mergeMetadata(sub.metadata, body.metadata);
  if (body.description !== undefined) plain.description = str(body, "description", { max: 500 }) ?? null;
  const paymentBehaviour = oneOf(body, "payment_behavior", PAYMENT_BEHAVIOURS) ?? "allow_incomplete";
  /** @type {{ invoice: StripeObject, failure: StripeObject | null } | null} */
  let billed = null;
  const itemParams = arr(body, "items");
  /** @type {StripeObject[]} */
  let items = sub.items.data;
  /** @type {StripeObject} */
  const patch = {};
  if (itemParams.length > 0) {
    items = applyItemParams(ctx, sub, itemParams, period);
    assertCompatible(
      items.map((i) => i.price),
      "items",
    );
  }
  const first = /** @type {StripeObject} */ (items[0]);
  const oldInterval = sub.items.data[0].price.recurring;
  const intervalChanged =
    first.price.recurring.interval !== oldInterval.interval || first.price.recurring.interval_count !== oldInterval.interval_count;
  const endTrial = body.trial_end === "now" && sub.status === "trialing";
  const resetAnchor = intervalChanged || body.billing_cycle_anchor === "now" || endTrial;
  const prorating = behaviour !== "none" && sub.status !== "trialing" && !endTrial;
  const proration = prorating ? prorationLines(store, sub, sub.items.data, items, period, at, lastBilled(store, sub)) : [];
  if (resetAnchor) {
    const nextPeriod = { start: now, end: periodBoundary(now, first.price.recurring, 1) };
    items = items.map((i) => ({ ...i, current_period_start: nextPeriod.start, current_period_end: nextPeriod.end }));
    for (const line of proration.filter((l) => l.amount < 0)) addPendingProration(store, sub, line);
    Object.assign(patch, { billing_cycle_anchor: now, ...(endTrial ? { trial_end: now, status: "active" } : {}) });
    store.update("subscription", sub.id, withItems({ ...sub, ...patch }, items));
    const current = store.get("subscription", sub.id);
    billed = billSubscription(store, current, {
      billingReason: "subscription_update",
      lines: advanceLines(store, current, items, nextPeriod),
      period: nextPeriod,
    });
    // the charge decides the status now (a failed one made it past_due)
    delete patch.status;
  } else {
    for (const line of proration) addPendingProration(store, sub, line);
    store.update("subscription", sub.id, withItems(sub, items));
    if (behaviour === "always_invoice" && proration.length > 0) {
      billed = billSubscription(store, store.get("subscription", sub.id), {
        billingReason: "subscription_update",
        lines: [],
        period: { start: at, end: period.end },
      });
    }
  }
  if (billed?.failure && paymentBehaviour === "error_if_incomplete") rollBack(store, sub, billed);
  if (billed?.failure && paymentBehaviour === "pending_if_incomplete") return deferUntilPaid(store, sub, billed.invoice, now);
  if (cancelAtEnd !== undefined) {
    const end = periodOf(store.get("subscription", sub.id)).end;
    Object.assign(patch, { cancel_at_period_end: cancelAtEnd, cancel_at: cancelAtEnd ? end : null, canceled_at: cancelAtEnd ? now : null });
    patch.cancellation_details = { comment: null, feedback: null, reason: cancelAtEnd ? "cancellation_requested" : null };
  }
  if (cancelAt !== undefined) Object.assign(patch, { cancel_at: cancelAt, cancel_at_period_end: false });
  Object.assign(patch, plain);
  const latest = store.get("subscription", sub.id);
  const after = { ...latest, ...patch };
  // one updated event with everything that changed against the state before this request
  store.update("subscription", sub.id, after);
  const previous = Object.fromEntries(
    Object.keys(after)
      .filter((k) => JSON.stringify(after[k]) !== JSON.stringify(sub[k]))
      .map((k) => [k, sub[k] ?? null]),
  );
  if (Object.keys(previous).length > 0) store.emit("customer.subscription.updated", after, previous);
  return store.get("subscription", sub.id);
}

/**
 * `payment_behavior=error_if_incomplete` on an update whose immediate charge failed: the invoice is voided, the
 * subscription goes back to what it was, and the caller gets the card error (402), as Stripe does.
 * @param {import("../store.mjs").Store} store
 * @param {StripeObject} before the subscription before the request
 * @param {{ invoice: StripeObject, failure: StripeObject | null }} billed
 * @returns {never}
 */
function rollBack(store, before, billed) {
  const invoice = store.get("invoice", billed.invoice.id);
  if (invoice.status === "open") {
    const voided = store.update("invoice", invoice.id, {
      status: "void",
      amount_remaining: 0,
      confirmation_secret: null,
      next_payment_attempt: null,
      status_transitions: { ...invoice.status_transitions, voided_at: store.now() },
    });
    store.emit("invoice.voided", voided);
  }
  updateSubscription(store, before.id, before);
  const failure = billed.failure ?? {};
  throw new StripeError({
    status: 402,
    type: "card_error",
    code: failure.code ?? "card_declined",
    decline_code: failure.decline_code,
    message: failure.message ?? "Your card was declined.",
  });
}

/**
 * `payment_behavior=pending_if_incomplete` on an update whose immediate charge did not succeed: the subscription
 * stays as it was with `pending_update` (items, anchor, 23-hour expiry); the invoice stays open, and paying it
 * (client confirmation, 3-D Secure, invoices.pay, the hosted page) applies the change. Unpaid by expires_at, the
 * pending update is dropped and the invoice voided (billing-cycle.mjs).
 * @param {import("../store.mjs").Store} store
 * @param {StripeObject} before the subscription before the request
 * @param {StripeObject} invoice the update's open invoice
 * @param {number} now
 */
function deferUntilPaid(store, before, invoice, now) {
  const applied = store.get("subscription", before.id);
  const patch = { items: applied.items, billing_cycle_anchor: applied.billing_cycle_anchor, trial_end: applied.trial_end };
  pendingUpdates(store).set(before.id, { invoice: invoice.id, patch });
  store.update("subscription", before.id, before);
  return updateSubscription(store, before.id, {
    pending_update: {
      billing_cycle_anchor: applied.billing_cycle_anchor !== before.billing_cycle_anchor ? applied.billing_cycle_anchor : null,
      expires_at: now + PENDING_UPDATE_TTL,
      subscription_items: applied.items.data,
      trial_end: applied.trial_end !== before.trial_end ? applied.trial_end : null,
      trial_from_plan: null,
    },
  });
}

/** @type {import("../router.mjs").Route[]} */
export const routes = [
  { method: "POST", path: "/v1/subscriptions", handler: (ctx) => createSubscription(ctx, ctx.body) },
  { method: "GET", path: "/v1/subscriptions/:id", handler: (ctx) => ctx.store.get("subscription", ctx.params.id ?? "") },
  { method: "POST", path: "/v1/subscriptions/:id", handler: updateFromParams },
  {
    method: "DELETE",
    path: "/v1/subscriptions/:id",
    handler(ctx) {
      const sub = ctx.store.get("subscription", ctx.params.id ?? "");
      if (sub.status === "canceled" || sub.status === "incomplete_expired") {
        throw invalidParam("id", `A canceled subscription can't be canceled again.`, "resource_missing");
      }
      // DELETE params may come in the query string (stripe-node sends them there) or the body
      const params = { ...ctx.query, ...ctx.body };
      const details = obj(params, "cancellation_details") ?? {};
      return endSubscription(ctx.store, sub.id, {
        at: ctx.now(),
        prorate: bool(params, "prorate") ?? false,
        invoiceNow: bool(params, "invoice_now") ?? false,
        comment: str(details, "comment", { max: 5000 }) ?? null,
        feedback: str(details, "feedback") ?? null,
      });
    },
  },
  {
    method: "GET",
    path: "/v1/subscriptions",
    handler(ctx) {
      const q = ctx.query;
      const customer = str(q, "customer");
      const price = str(q, "price");
      const status = oneOf(
        q,
        "status",
        /** @type {const} */ ([
          "active",
          "all",
          "canceled",
          "ended",
          "incomplete",
          "incomplete_expired",
          "past_due",
          "paused",
          "trialing",
          "unpaid",
        ]),
      );
      const matches = (/** @type {StripeObject} */ s) => {
        if (!status) return LIVE.includes(s.status);
        if (status === "all") return true;
        if (status === "ended") return s.status === "canceled" || s.status === "incomplete_expired";
        return s.status === status;
      };
      return ctx.store.list(
        "subscription",
        (s) =>
          (!customer || s.customer === customer) &&
          (!price || s.items.data.some((/** @type {StripeObject} */ i) => i.price.id === price)) &&
          matches(s),
        q,
        "/v1/subscriptions",
      );
    },
  },
];
