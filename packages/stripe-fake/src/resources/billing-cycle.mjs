// @ts-check
// Billing on the fake clock (`POST /_fake/clock/advance`): whatever falls due up to the new time happens in
// time order, per subscription — the period rolls over with a new invoice charged to the default payment
// method (licensed items in advance, metered usage of the period that ended, pending prorations), a trial ends,
// a failed invoice is retried (3, 5 and 7 days after it was first charged; after the last failure the
// subscription is canceled, Stripe's default), `cancel_at` ends the subscription, and a first invoice left
// unpaid for 23 hours expires an `incomplete` subscription.
import { attemptInvoicePayment } from "./billing-invoices.mjs";
import { upcomingInvoice } from "./billing-preview.mjs";
import { advanceLines, periodOf, usageLines } from "./billing-proration.mjs";
import {
  billSubscription,
  endSubscription,
  expireIncomplete,
  onPaymentIntentEvent,
  pendingUpdates,
  updateSubscription,
} from "./billing-subscriptions.mjs";
import { nextBoundary } from "./billing-util.mjs";

/** @typedef {Record<string, any>} StripeObject */
/** @typedef {import("../store.mjs").Store} Store */

const DAY = 86_400;
/** Days after an invoice's first charge when it is tried again. */
export const RETRY_DAYS = [3, 5, 7];
const INCOMPLETE_EXPIRY = 23 * 3600;
const TRIAL_WARNING = 3 * DAY;
const ROLLING = ["active", "trialing", "past_due", "unpaid"];

/** How long before a renewal `invoice.upcoming` is sent (Stripe: a Dashboard setting; the fake: 3 days). */
export const UPCOMING_NOTICE = 3 * DAY;
/** Renewals already announced with invoice.upcoming (`<sub>:<period end>`). */
const announced = /** @type {WeakMap<Store, Set<string>>} */ (new WeakMap());
/** Subscriptions told about their trial's end (customer.subscription.trial_will_end is sent once). */
const warned = /** @type {WeakMap<Store, Set<string>>} */ (new WeakMap());

/**
 * When an open invoice of the subscription is tried next, given how often it failed.
 * @param {StripeObject} invoice
 */
function retryAt(invoice) {
  const days = RETRY_DAYS[invoice.attempt_count - 1];
  return days === undefined ? null : (invoice.status_transitions.finalized_at ?? invoice.created) + days * DAY;
}

/**
 * The next thing due for a subscription, or undefined.
 * @param {Store} store
 * @param {StripeObject} sub
 * @returns {{ at: number, run: () => void } | undefined}
 */
function nextDue(store, sub) {
  /** @type {{ at: number, run: () => void }[]} */
  const due = [];
  if (sub.pending_update) {
    due.push({ at: sub.pending_update.expires_at, run: () => dropPendingUpdate(store, sub) });
  }
  if (sub.status === "incomplete") {
    due.push({ at: sub.created + INCOMPLETE_EXPIRY, run: () => expireIncomplete(store, sub.id, sub.created + INCOMPLETE_EXPIRY) });
  }
  if (sub.status === "trialing" && sub.trial_end && !warned.get(store)?.has(sub.id)) {
    due.push({
      at: sub.trial_end - TRIAL_WARNING,
      run: () => {
        const set = warned.get(store) ?? new Set();
        set.add(sub.id);
        warned.set(store, set);
        store.emit("customer.subscription.trial_will_end", sub);
      },
    });
  }
  if (ROLLING.includes(sub.status)) {
    const end = periodOf(sub).end;
    const key = `${sub.id}:${end}`;
    const renews = !sub.cancel_at || sub.cancel_at > end;
    const noticeFits = end - UPCOMING_NOTICE > periodOf(sub).start;
    if (renews && noticeFits && sub.collection_method === "charge_automatically" && !announced.get(store)?.has(key)) {
      due.push({
        at: end - UPCOMING_NOTICE,
        run: () => {
          const set = announced.get(store) ?? new Set();
          set.add(key);
          announced.set(store, set);
          store.emit("invoice.upcoming", upcomingInvoice(store, sub));
        },
      });
    }
    if (sub.cancel_at && sub.cancel_at <= end)
      due.push({ at: sub.cancel_at, run: () => endSubscription(store, sub.id, { at: sub.cancel_at }) });
    else due.push({ at: end, run: () => renew(store, sub, end) });
  }
  const open = store.all("invoice", (i) => i.parent?.subscription_details?.subscription === sub.id && i.status === "open");
  for (const invoice of open.filter((i) => i.next_payment_attempt)) {
    due.push({ at: invoice.next_payment_attempt, run: () => retry(store, sub, invoice) });
  }
  // send_invoice: an invoice not paid by its due date makes the subscription past_due
  for (const invoice of open.filter((i) => i.due_date && sub.status === "active")) {
    due.push({ at: invoice.due_date, run: () => updateSubscription(store, sub.id, { status: "past_due" }) });
  }
  return due.sort((a, b) => a.at - b.at)[0];
}

/**
 * A pending update's invoice was not paid in time: the update is dropped and its invoice voided.
 * @param {Store} store
 * @param {StripeObject} sub
 */
function dropPendingUpdate(store, sub) {
  const pending = pendingUpdates(store).get(sub.id);
  pendingUpdates(store).delete(sub.id);
  const invoice = pending ? store.find(pending.invoice) : undefined;
  if (invoice?.status === "open") {
    const voided = store.update("invoice", invoice.id, {
      status: "void",
      amount_remaining: 0,
      confirmation_secret: null,
      next_payment_attempt: null,
      status_transitions: { ...invoice.status_transitions, voided_at: store.now() },
    });
    store.emit("invoice.voided", voided);
  }
  updateSubscription(store, sub.id, { pending_update: null });
}

/**
 * The period ended at `boundary`: the next period starts, with its invoice.
 * @param {Store} store
 * @param {StripeObject} sub
 * @param {number} boundary
 */
function renew(store, sub, boundary) {
  const old = periodOf(sub);
  const recurring = sub.items.data[0].price.recurring;
  const period = { start: boundary, end: nextBoundary(sub.billing_cycle_anchor, recurring, boundary) };
  const trialEnded = sub.status === "trialing";
  const items = sub.items.data.map((/** @type {StripeObject} */ i) => ({
    ...i,
    current_period_start: period.start,
    current_period_end: period.end,
  }));
  const rolled = updateSubscription(store, sub.id, {
    items: { ...sub.items, data: items },
    ...(trialEnded ? { status: "active" } : {}),
  });
  const usage = trialEnded ? [] : usageLines(store, rolled, sub.items.data, old);
  billSubscription(store, rolled, {
    billingReason: "subscription_cycle",
    lines: [...advanceLines(store, rolled, items, period), ...usage],
    period: old,
    created: boundary,
    retryAt: boundary + (RETRY_DAYS[0] ?? 3) * DAY,
    offSession: true,
  });
}

/**
 * Tries a failed invoice again; after the last retry the subscription is canceled.
 * @param {Store} store
 * @param {StripeObject} sub
 * @param {StripeObject} invoice
 */
function retry(store, sub, invoice) {
  const at = invoice.next_payment_attempt;
  const next = retryAt({ ...invoice, attempt_count: invoice.attempt_count + 1 });
  const result = attemptInvoicePayment(store, invoice.id, { retryAt: next });
  if (result.failure && next === null) {
    const current = store.get("subscription", sub.id);
    if (current.status !== "canceled") endSubscription(store, sub.id, { at, reason: "payment_failed" });
  }
}

/**
 * Runs everything due up to `now`, in time order per subscription. While a step runs, the store's clock reads
 * the step's time, so invoices, charges and events carry the moment they would have happened at.
 * @param {Store} store
 * @param {number} now
 */
export function runBilling(store, now) {
  const finalOffset = store.offsetSeconds;
  try {
    for (const { id } of store.all("subscription", (s) => s.status !== "canceled" && s.status !== "incomplete_expired")) {
      for (let step = 0; step < 10_000; step++) {
        const due = nextDue(store, store.get("subscription", id));
        if (!due || due.at > now) break;
        store.offsetSeconds = finalOffset - (now - due.at);
        due.run();
      }
    }
  } finally {
    store.offsetSeconds = finalOffset;
  }
}

/**
 * Deleting a customer cancels their subscriptions at once (Stripe does the same).
 * @param {Store} store
 * @param {string} customer
 */
function cancelAllOf(store, customer) {
  for (const sub of store.all(
    "subscription",
    (s) => s.customer === customer && s.status !== "canceled" && s.status !== "incomplete_expired",
  )) {
    endSubscription(store, sub.id, { at: store.now(), reason: "cancellation_requested" });
  }
}

/**
 * Hooks billing to the core: the clock, and PaymentIntents confirmed after the invoice was created.
 * @param {{ store: Store }} deps
 */
export function setup({ store }) {
  store.onAdvance((now) => runBilling(store, now));
  store.onEmit((event) => {
    onPaymentIntentEvent(store, event);
    if (event.type === "customer.deleted") cancelAllOf(store, event.data.object.id);
  });
}

/** @type {import("../router.mjs").Route[]} */
export const routes = [];
