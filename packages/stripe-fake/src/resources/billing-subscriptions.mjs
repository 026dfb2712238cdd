// @ts-check
// Subscriptions (`sub_`, items `si_`): https://docs.stripe.com/api/subscriptions. Creating one bills its first
// period at once (or starts a trial with a $0 invoice); `payment_behavior=default_incomplete` leaves the
// subscription `incomplete` with an open invoice whose PaymentIntent the client confirms. A change of price or
// quantity prorates to the second (`proration_behavior`: create_prorations → pending invoice items for the next
// invoice, always_invoice → invoiced and charged now, none). Renewals, retries and trial ends run on the fake
// clock (billing-cycle.mjs).
import { invalidParam, StripeError } from "../errors.mjs";
import { arr, bool, int, obj, oneOf, str } from "../params.mjs";
import { mergeMetadata, newId } from "../store.mjs";
import { chargeInvoice } from "./billing-charge.mjs";
import {
  attemptInvoicePayment,
  createDraftInvoice,
  createInvoiceItem,
  finalizeInvoice,
  invoiceOfPaymentIntent,
  markInvoicePaid,
  originOf,
  recordPayment,
} from "./billing-invoices.mjs";
import { priceOfItem } from "./billing-products.mjs";
import { advanceLines, assertCompatible, buildItem, periodOf, prorationLines, quantityOf, usageLines } from "./billing-proration.mjs";
import { boundedInt, MAX_QUANTITY, periodBoundary, prorate as prorateAmount, prorationDescription } from "./billing-util.mjs";
import { authenticatePaymentIntent } from "./payment-intents.mjs";

/** @typedef {Record<string, any>} StripeObject */
/** @typedef {import("../store.mjs").Store} Store */
/** @typedef {import("../router.mjs").Ctx} Ctx */

const DAY = 86_400;
export const LIVE = ["active", "trialing", "past_due", "unpaid", "incomplete", "paused"];
export const PRORATIONS = /** @type {const} */ (["create_prorations", "none", "always_invoice"]);
export const PAYMENT_BEHAVIOURS = /** @type {const} */ ([
  "allow_incomplete",
  "default_incomplete",
  "error_if_incomplete",
  "pending_if_incomplete",
]);

/**
 * @param {StripeObject} sub
 * @param {StripeObject[]} items
 */
export function withItems(sub, items) {
  return {
    ...sub,
    items: {
      object: "list",
      data: items,
      has_more: false,
      total_count: items.length,
      url: `/v1/subscription_items?subscription=${sub.id}`,
    },
  };
}

/**
 * Emits customer.subscription.updated when anything changed, with Stripe's previous_attributes.
 * @param {Store} store
 * @param {string} id
 * @param {StripeObject} patch
 */
export function updateSubscription(store, id, patch) {
  const quiet = creating.get(store)?.has(id);
  return store.update("subscription", id, patch, quiet ? {} : { emit: "customer.subscription.updated" });
}

/**
 * Subscriptions whose create request is still running: their first payment settles their status without an
 * updated event, and customer.subscription.created then carries that status (active, trialing or incomplete),
 * as Stripe's does for a subscription paid within the create call.
 */
const creating = /** @type {WeakMap<Store, Set<string>>} */ (new WeakMap());

/**
 * Lines of the invoice that paid the current terms, for `credited_items` of proration credits.
 * @param {Store} store
 * @param {StripeObject} sub
 */
export function lastBilled(store, sub) {
  const invoice = sub.latest_invoice ? store.find(sub.latest_invoice) : undefined;
  return invoice ? { invoice: invoice.id, lines: invoice.lines.data } : null;
}

/**
 * Creates, finalizes and (unless `payNow` is false) charges a subscription invoice; returns the invoice and failure.
 * @param {Store} store
 * @param {StripeObject} sub
 * @param {{ billingReason: string, lines: import("./billing-invoices.mjs").LineSpec[], period: { start: number, end: number }, created?: number, payNow?: boolean, paymentMethod?: string | null, retryAt?: number | null, offSession?: boolean }} spec
 *   offSession: renewals charge off session (a 3-D Secure card declines); create and update charge on session
 */
export function billSubscription(store, sub, spec) {
  const draft = createDraftInvoice(store, {
    customer: sub.customer,
    currency: sub.currency,
    subscription: sub,
    billingReason: spec.billingReason,
    period: spec.period,
    lines: spec.lines,
    collectionMethod: sub.collection_method,
    daysUntilDue: sub.days_until_due,
    created: spec.created,
  });
  store.update("subscription", sub.id, { latest_invoice: draft.id });
  const invoice = finalizeInvoice(store, draft.id);
  if (invoice.status !== "open") return { invoice, failure: null };
  if (sub.collection_method === "send_invoice") {
    // Stripe emails the invoice; the customer pays on the hosted page by due_date
    store.emit("invoice.sent", invoice);
    return { invoice, failure: null };
  }
  if (spec.payNow === false) {
    recordPayment(store, invoice.id, chargeInvoice(store, invoice, null));
    return { invoice: store.get("invoice", invoice.id), failure: null };
  }
  const result = attemptInvoicePayment(store, invoice.id, {
    paymentMethod: spec.paymentMethod ?? null,
    retryAt: spec.retryAt ?? null,
    offSession: spec.offSession ?? false,
  });
  return { invoice: result.invoice, failure: result.failure };
}

/**
 * Reacts to a paid invoice: an incomplete or past-due subscription whose latest invoice it is becomes active.
 * @param {Store} store
 * @param {StripeObject} invoice
 */
export function afterInvoicePaid(store, invoice) {
  const subId = invoice.parent?.subscription_details?.subscription;
  const sub = subId ? store.find(subId) : undefined;
  const pending = sub ? pendingUpdates(store).get(sub.id) : undefined;
  if (sub && pending?.invoice === invoice.id) {
    // payment_behavior=pending_if_incomplete: the change waited for this payment
    pendingUpdates(store).delete(sub.id);
    updateSubscription(store, sub.id, { ...pending.patch, pending_update: null, latest_invoice: invoice.id });
    return;
  }
  if (!sub || !["incomplete", "past_due", "unpaid"].includes(sub.status)) return;
  const stillOpen = store.all("invoice", (i) => i.parent?.subscription_details?.subscription === sub.id && i.status === "open");
  if (stillOpen.length > 0) return;
  updateSubscription(store, sub.id, { status: sub.trial_end && sub.trial_end > store.now() ? "trialing" : "active" });
}

/** Changes waiting for their invoice (payment_behavior=pending_if_incomplete): subscription → invoice + patch. */
const pendingStore = /** @type {WeakMap<Store, Map<string, { invoice: string, patch: StripeObject }>>} */ (new WeakMap());

/**
 * The pending updates of a store.
 * @param {Store} store
 */
export function pendingUpdates(store) {
  const map = pendingStore.get(store) ?? new Map();
  pendingStore.set(store, map);
  return map;
}

/**
 * Reacts to a failed charge: a renewal or update that does not pay makes an active subscription past_due.
 * @param {Store} store
 * @param {StripeObject} invoice
 */
export function afterInvoicePaymentFailed(store, invoice) {
  const subId = invoice.parent?.subscription_details?.subscription;
  const sub = subId ? store.find(subId) : undefined;
  if (!sub || invoice.billing_reason === "subscription_create") return;
  if (sub.status === "active" || sub.status === "trialing") updateSubscription(store, sub.id, { status: "past_due" });
}

/**
 * Follows a PaymentIntent confirmed later (by the client, or after 3-D Secure) to its invoice.
 * @param {Store} store
 * @param {StripeObject} event
 */
export function onPaymentIntentEvent(store, event) {
  const pi = event.data?.object;
  if (!pi || (event.type !== "payment_intent.succeeded" && event.type !== "payment_intent.payment_failed")) return;
  const invoice = invoiceOfPaymentIntent(store, pi.id);
  if (invoice?.status !== "open") return;
  recordPayment(store, invoice.id, pi);
  if (event.type !== "payment_intent.succeeded") return;
  // payment_settings.save_default_payment_method=on_subscription: the card that paid becomes the subscription's
  const subId = invoice.parent?.subscription_details?.subscription;
  const sub = subId ? store.find(subId) : undefined;
  if (sub?.payment_settings?.save_default_payment_method === "on_subscription" && pi.payment_method && !sub.default_payment_method) {
    updateSubscription(store, sub.id, { default_payment_method: pi.payment_method });
  }
  markInvoicePaid(store, invoice.id, pi);
}

/**
 * The first invoice of a subscription started before its billing_cycle_anchor: the time until the anchor,
 * prorated against the full period that ends at the anchor (or nothing with proration_behavior=none).
 * @param {Store} store
 * @param {StripeObject} sub
 * @param {StripeObject[]} items
 * @param {{ start: number, end: number }} period now → anchor
 * @param {boolean} prorate
 * @returns {import("./billing-invoices.mjs").LineSpec[]}
 */
function anchoredLines(store, sub, items, period, prorate) {
  if (!prorate) return [];
  const recurring = items[0]?.price.recurring;
  const full = { start: periodBoundary(period.end, recurring, -1), end: period.end };
  return items
    .filter((i) => i.price.recurring?.usage_type !== "metered")
    .map((item) => ({
      amount: prorateAmount((item.price.unit_amount ?? 0) * quantityOf(item), full, period.start),
      currency: sub.currency,
      description: prorationDescription("Remaining", store, item.price, quantityOf(item), period.start),
      period,
      quantity: quantityOf(item),
      price: item.price,
      subscription: sub.id,
      subscriptionItem: item.id,
      proration: true,
    }));
}

/**
 * The subscription object with every field Stripe returns.
 * @param {{ id: string, customer: string, currency: string, now: number, anchor: number, body: StripeObject,
 *   defaultPaymentMethod: string | null, trialEnd: number | null, collection: string }} spec
 */
function newSubscription(spec) {
  const body = spec.body;
  const cancelAtPeriodEnd = bool(body, "cancel_at_period_end") ?? false;
  return {
    id: spec.id,
    object: "subscription",
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: spec.anchor,
    billing_cycle_anchor_config: null,
    billing_mode: { type: "classic" },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: null,
    cancel_at_period_end: cancelAtPeriodEnd,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, reason: null },
    collection_method: spec.collection,
    created: spec.now,
    currency: spec.currency,
    customer: spec.customer,
    customer_account: null,
    days_until_due: spec.collection === "send_invoice" ? (int(body, "days_until_due", { min: 0 }) ?? 30) : null,
    default_payment_method: spec.defaultPaymentMethod,
    default_source: null,
    default_tax_rates: [],
    description: str(body, "description", { max: 500 }) ?? null,
    discounts: [],
    ended_at: null,
    invoice_settings: { account_tax_ids: null, issuer: { type: "self" } },
    latest_invoice: null,
    livemode: false,
    managed_payments: null,
    metadata: mergeMetadata({}, body.metadata),
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: {
      payment_method_options: null,
      payment_method_types: null,
      save_default_payment_method:
        oneOf(obj(body, "payment_settings") ?? {}, "save_default_payment_method", /** @type {const} */ (["off", "on_subscription"])) ??
        "off",
    },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: spec.now,
    status: "incomplete",
    test_clock: null,
    transfer_data: null,
    trial_end: spec.trialEnd,
    trial_settings: { end_behavior: { missing_payment_method: "create_invoice" } },
    trial_start: spec.trialEnd ? spec.now : null,
  };
}

/**
 * Creates a subscription from API params (also used by Checkout in subscription mode) and bills its first period.
 * @param {Ctx} ctx
 * @param {StripeObject} body subscription create params
 * @param {{ paymentMethod?: string | null }} [options] a payment method that Checkout just collected
 */
export function createSubscription(ctx, body, options = {}) {
  originOf.set(ctx.store, ctx.base);
  const store = ctx.store;
  const customer = store.get("customer", /** @type {string} */ (str(body, "customer", { required: true })), "customer");
  const itemParams = arr(body, "items");
  if (itemParams.length === 0) throw invalidParam("items", "Missing required param: items.", "parameter_missing");
  if (itemParams.length > 20) throw invalidParam("items", "A subscription can have at most 20 items.");
  const prices = itemParams.map((raw, n) => {
    if (typeof raw !== "object" || raw === null) throw invalidParam(`items[${n}]`, "Invalid object");
    return priceOfItem(ctx, raw, `items[${n}]`, { recurring: true });
  });
  assertCompatible(prices, "items");
  prices.forEach((price, n) => {
    if (prices.findIndex((p) => p.id === price.id) !== n) {
      throw invalidParam(`items[${n}][price]`, "Cannot add multiple subscription items with the same price.");
    }
  });
  const first = /** @type {StripeObject} */ (prices[0]);
  const behaviour = oneOf(body, "payment_behavior", PAYMENT_BEHAVIOURS) ?? "allow_incomplete";
  const collection =
    oneOf(body, "collection_method", /** @type {const} */ (["charge_automatically", "send_invoice"])) ?? "charge_automatically";
  const defaultPm = options.paymentMethod ?? str(body, "default_payment_method") ?? null;
  const pm = defaultPm ?? customer.invoice_settings?.default_payment_method ?? null;
  const now = ctx.now();
  const trialDays = int(body, "trial_period_days", { min: 0 });
  const trialParam = body.trial_end === "now" ? now : int(body, "trial_end", { min: 0 });
  if (trialDays !== undefined && trialDays > 730) throw invalidParam("trial_period_days", "Trial period cannot be longer than 730 days.");
  const trialEnd = trialParam !== undefined && trialParam > now ? trialParam : trialDays ? now + trialDays * DAY : null;
  const needsPm = !trialEnd && behaviour !== "default_incomplete" && collection === "charge_automatically" && first.unit_amount > 0;
  if (needsPm && !pm) {
    throw new StripeError({
      status: 400,
      type: "invalid_request_error",
      code: "resource_missing",
      message: "This customer has no attached payment source or default payment method. Please consider adding a default payment method.",
    });
  }
  const id = newId("sub");
  const natural = periodBoundary(now, first.recurring, 1);
  const anchorParam = trialEnd ? undefined : int(body, "billing_cycle_anchor", { min: now });
  if (anchorParam !== undefined && anchorParam > natural) {
    throw invalidParam("billing_cycle_anchor", "billing_cycle_anchor cannot be later than next natural billing date for plan.");
  }
  const prorateFirst = (oneOf(body, "proration_behavior", PRORATIONS) ?? "create_prorations") !== "none";
  const period = { start: now, end: trialEnd ?? anchorParam ?? natural };
  const items = prices.map((price, n) => {
    const raw = itemParams[n];
    return buildItem({
      subscription: id,
      price,
      quantity: boundedInt(raw, "quantity", MAX_QUANTITY, `items[${n}][quantity]`) ?? 1,
      metadata: mergeMetadata({}, raw.metadata),
      period,
      created: now,
    });
  });
  const base = newSubscription({
    id,
    customer: customer.id,
    currency: first.currency,
    now,
    anchor: trialEnd ?? anchorParam ?? now,
    body,
    defaultPaymentMethod: defaultPm,
    trialEnd,
    collection,
  });
  let sub = store.create("sub", withItems(base, items));
  if (sub.cancel_at_period_end) sub = store.update("subscription", id, { cancel_at: period.end });
  const pending = creating.get(store) ?? new Set();
  creating.set(store, pending);
  pending.add(id);
  /** @type {StripeObject | null} */
  let failure = null;
  try {
    const billed = billSubscription(store, sub, {
      billingReason: "subscription_create",
      lines:
        anchorParam !== undefined && anchorParam < natural
          ? anchoredLines(store, sub, items, period, prorateFirst)
          : advanceLines(store, sub, items, period, { trial: Boolean(trialEnd), first: true }),
      period,
      payNow: behaviour !== "default_incomplete",
      paymentMethod: options.paymentMethod ?? null,
    });
    failure = billed.failure;
    const settled = billed.invoice.status === "paid" || collection === "send_invoice";
    if (settled && store.get("subscription", id).status === "incomplete") {
      updateSubscription(store, id, { status: trialEnd ? "trialing" : "active" });
    }
  } finally {
    pending.delete(id);
  }
  sub = store.get("subscription", id);
  store.emit("customer.subscription.created", sub);
  if (failure && behaviour === "error_if_incomplete") {
    expireIncomplete(store, id, now);
    throw new StripeError({
      status: 402,
      type: "card_error",
      code: failure.code,
      decline_code: failure.decline_code,
      message: failure.message ?? "Your card was declined.",
    });
  }
  return sub;
}

/**
 * A proration line as a pending invoice item (`ii_`, proration: true) for the subscription's next invoice.
 * @param {Store} store
 * @param {StripeObject} sub
 * @param {import("./billing-invoices.mjs").LineSpec} line
 */
export function addPendingProration(store, sub, line) {
  return createInvoiceItem(store, {
    customer: sub.customer,
    amount: line.amount,
    currency: line.currency,
    description: line.description,
    period: line.period,
    quantity: line.quantity,
    price: line.price,
    proration: true,
    subscription: sub.id,
    subscriptionItem: line.subscriptionItem,
    creditedItems: line.creditedItems ?? null,
  });
}

/**
 * Ends a subscription now (DELETE) or at `at` (period end / cancel_at, from the clock): status canceled,
 * optional proration credit and final invoice; emits customer.subscription.deleted.
 * @param {Store} store
 * @param {string} id
 * @param {{ at: number, prorate?: boolean, invoiceNow?: boolean, comment?: string | null, feedback?: string | null, reason?: string }} spec
 */
export function endSubscription(store, id, spec) {
  const sub = store.get("subscription", id);
  const period = periodOf(sub);
  if (spec.prorate && sub.status !== "trialing") {
    for (const line of prorationLines(store, sub, sub.items.data, [], period, spec.at, lastBilled(store, sub)))
      addPendingProration(store, sub, line);
  }
  // a deleted customer gets no final invoice
  const billable = store.has("customer", sub.customer);
  const usage = billable ? usageLines(store, sub, sub.items.data, { start: period.start, end: spec.at }).filter((l) => l.amount !== 0) : [];
  if (billable && (spec.invoiceNow || usage.length > 0)) {
    billSubscription(store, sub, {
      billingReason: "subscription_cycle",
      lines: usage,
      period: { start: period.start, end: spec.at },
      created: spec.at,
    });
  }
  const ended = store.update("subscription", id, {
    status: "canceled",
    canceled_at: sub.canceled_at ?? spec.at,
    ended_at: spec.at,
    cancel_at: sub.cancel_at,
    cancellation_details: {
      comment: spec.comment ?? null,
      feedback: spec.feedback ?? null,
      reason: spec.reason ?? "cancellation_requested",
    },
  });
  store.emit("customer.subscription.deleted", ended);
  return ended;
}

/**
 * Ends an incomplete subscription whose first invoice was not paid: its open invoices voided, the
 * subscription `incomplete_expired` (customer.subscription.updated).
 * @param {Store} store
 * @param {string} id
 * @param {number} at
 */
export function expireIncomplete(store, id, at) {
  for (const invoice of store.all("invoice", (i) => i.parent?.subscription_details?.subscription === id && i.status === "open")) {
    const voided = store.update("invoice", invoice.id, {
      status: "void",
      amount_remaining: 0,
      confirmation_secret: null,
      next_payment_attempt: null,
      status_transitions: { ...invoice.status_transitions, voided_at: at },
    });
    store.emit("invoice.voided", voided);
  }
  updateSubscription(store, id, { status: "incomplete_expired", ended_at: at });
}

/**
 * Checkout in subscription mode (called by the core's checkout completion, which has created the customer when
 * the session had none and made the collected card its default): the subscription and its first invoice,
 * charged with that card. The hosted page passes 3-D Secure itself; a declined card ends the attempt with a 402
 * and leaves no live subscription (incomplete_expired, invoice voided), as Checkout creates none.
 * @param {Ctx} ctx
 * @param {StripeObject} session the checkout session (customer set, line_items, subscription_data, metadata)
 * @returns {StripeObject} the subscription
 */
export function createSubscriptionFromCheckout(ctx, session) {
  const store = ctx.store;
  const customer = store.get("customer", session.customer, "customer");
  const collected = typeof session.payment_method === "string" ? session.payment_method : null;
  const paymentMethod = collected ?? customer.invoice_settings?.default_payment_method ?? "pm_card_visa";
  const lineItems = Array.isArray(session.line_items) ? session.line_items : (session.line_items?.data ?? []);
  const items = lineItems.map((/** @type {StripeObject} */ li) => ({
    price: typeof li.price === "string" ? li.price : li.price?.id,
    quantity: String(li.quantity ?? 1),
  }));
  const data = session.subscription_data ?? {};
  const body = {
    customer: customer.id,
    items,
    default_payment_method: paymentMethod,
    metadata: { ...(data.metadata ?? {}) },
    ...(data.trial_period_days ? { trial_period_days: String(data.trial_period_days) } : {}),
    ...(data.description ? { description: data.description } : {}),
  };
  const sub = createSubscription(ctx, body, { paymentMethod });
  const invoice = sub.latest_invoice ? store.get("invoice", sub.latest_invoice) : null;
  if (invoice?.status !== "open") return store.get("subscription", sub.id);
  const piId = invoice.payments.data[0]?.payment.payment_intent;
  const pi = piId ? store.get("payment_intent", piId) : null;
  if (pi?.status === "requires_action") {
    authenticatePaymentIntent(store, pi.id, "succeed");
    return store.get("subscription", sub.id);
  }
  expireIncomplete(store, sub.id, ctx.now());
  const error = pi?.last_payment_error;
  throw new StripeError({
    status: 402,
    type: "card_error",
    code: error?.code ?? "card_declined",
    decline_code: error?.decline_code,
    message: error?.message ?? "Your card was declined.",
  });
}

/** @type {import("../router.mjs").Route[]} */
export const routes = [];
