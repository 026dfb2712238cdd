// @ts-check
// Invoices (`in_`), their lines (`il_`) and invoice items (`ii_`): https://docs.stripe.com/api/invoices.
// Lifecycle as Stripe runs it: draft (editable; pending invoice items of the customer are pulled in) →
// finalize (number, hosted page, customer balance applied; an invoice with nothing due is paid at once) →
// open → paid | void | uncollectible. A charge goes through a PaymentIntent (the core's test-card rules); its
// id is in `payments` (InvoicePayment objects) and, while the invoice is open, `confirmation_secret` carries
// the client secret a front end confirms. Unlike Stripe, which finalizes a subscription's draft invoice about
// an hour after creating it, the fake finalizes and charges at once. The routes are in billing-invoice-routes.mjs,
// billing-invoice-items.mjs and billing-invoice-page.mjs.
import { invalidParam, StripeError } from "../errors.mjs";
import { newId } from "../store.mjs";
import { chargeInvoice } from "./billing-charge.mjs";
import { afterInvoicePaid, afterInvoicePaymentFailed } from "./billing-subscriptions.mjs";

/** @typedef {Record<string, any>} StripeObject */
/** @typedef {import("../store.mjs").Store} Store */

/** The fake's origin per store, for hosted_invoice_url (learnt from the requests that create invoices). */
export const originOf = /** @type {WeakMap<Store, string>} */ (new WeakMap());

/**
 * @typedef {object} LineSpec
 * @property {number} amount
 * @property {string} currency
 * @property {string} description
 * @property {{ start: number, end: number }} period
 * @property {number | null} quantity
 * @property {StripeObject | null} price
 * @property {string | null} [subscription]
 * @property {string | null} [subscriptionItem]
 * @property {string | null} [invoiceItem]
 * @property {boolean} [proration]
 * @property {{ invoice: string, invoice_line_items: string[] } | null} [creditedItems]
 * @property {Record<string, string>} [metadata]
 */

/**
 * An invoice line as Stripe shapes it (API 2025+: `parent` and `pricing`).
 * @param {string} invoiceId
 * @param {LineSpec} spec
 */
export function buildLine(invoiceId, spec) {
  const proration = spec.proration ?? false;
  const details = { proration_details: { credited_items: spec.creditedItems ?? null } };
  const parent = spec.subscriptionItem
    ? {
        type: "subscription_item_details",
        invoice_item_details: null,
        subscription_item_details: {
          invoice_item: spec.invoiceItem ?? null,
          proration,
          ...details,
          subscription: spec.subscription ?? null,
          subscription_item: spec.subscriptionItem,
        },
      }
    : spec.invoiceItem
      ? {
          type: "invoice_item_details",
          invoice_item_details: { invoice_item: spec.invoiceItem, proration, ...details, subscription: spec.subscription ?? null },
          subscription_item_details: null,
        }
      : null;
  return {
    id: newId("il"),
    object: "line_item",
    amount: spec.amount,
    currency: spec.currency,
    description: spec.description,
    discount_amounts: [],
    discountable: !proration,
    discounts: [],
    invoice: invoiceId,
    livemode: false,
    metadata: spec.metadata ?? {},
    parent,
    period: spec.period,
    pretax_credit_amounts: [],
    pricing: spec.price
      ? {
          type: "price_details",
          price_details: { price: spec.price.id, product: spec.price.product },
          unit_amount_decimal: String(spec.price.unit_amount),
        }
      : null,
    quantity: spec.quantity,
    quantity_decimal: spec.quantity === null ? null : String(spec.quantity),
    subscription: spec.subscription ?? null,
    subtotal: spec.amount,
    taxes: [],
  };
}

/**
 * A pending invoice item as a line of the invoice that bills it.
 * @param {string} invoiceId
 * @param {StripeObject} item
 */
function lineOfItem(invoiceId, item) {
  const subscription = item.parent?.subscription_details?.subscription ?? null;
  return buildLine(invoiceId, {
    amount: item.amount,
    currency: item.currency,
    description: item.description ?? "",
    period: item.period,
    quantity: item.quantity,
    price: item.pricing?.price_details
      ? {
          id: item.pricing.price_details.price,
          product: item.pricing.price_details.product,
          unit_amount: Number(item.pricing.unit_amount_decimal ?? item.amount),
        }
      : null,
    subscription,
    subscriptionItem: item.parent?.subscription_details?.subscription_item ?? null,
    invoiceItem: item.id,
    proration: item.proration,
    creditedItems: item.proration_details?.credited_items ?? null,
    metadata: item.metadata ?? {},
  });
}

/**
 * Recomputes the money fields from the lines (no tax, no discounts in the fake).
 * @param {StripeObject} invoice
 */
export function withTotals(invoice) {
  const subtotal = invoice.lines.data.reduce((/** @type {number} */ sum, /** @type {StripeObject} */ line) => sum + line.amount, 0);
  const due = invoice.status === "draft" ? Math.max(0, subtotal) : invoice.amount_due;
  return {
    ...invoice,
    subtotal,
    subtotal_excluding_tax: subtotal,
    total: subtotal,
    total_excluding_tax: subtotal,
    amount_due: due,
    amount_remaining: invoice.status === "draft" ? due : invoice.amount_remaining,
    lines: { ...invoice.lines, has_more: false },
  };
}

/**
 * Pending invoice items of a customer (for one subscription, or not tied to one) that the next invoice takes.
 * @param {Store} store
 * @param {string} customer
 * @param {string | null} subscription
 */
export function pendingItems(store, customer, subscription) {
  return store
    .all(
      "invoiceitem",
      (ii) => ii.customer === customer && ii.invoice === null && (ii.parent?.subscription_details?.subscription ?? null) === subscription,
    )
    .reverse() // store.all is newest first: bill items in the order they were created
    .sort((a, b) => a.created - b.created);
}

/**
 * Creates a draft invoice with `lines` plus the customer's pending invoice items; emits invoice.created and
 * invoiceitem.updated for each item it took.
 * @param {Store} store
 * @param {{ customer: string, currency: string, subscription?: StripeObject | null, billingReason: string,
 *   period?: { start: number, end: number }, lines?: LineSpec[], includePending?: boolean, description?: string | null,
 *   metadata?: Record<string, string>, collectionMethod?: string, daysUntilDue?: number | null, autoAdvance?: boolean,
 *   defaultPaymentMethod?: string | null, created?: number }} spec
 */
export function createDraftInvoice(store, spec) {
  const invoice = buildInvoice(store, spec, newId("in"));
  for (const line of invoice.lines.data) {
    const item = line.parent?.invoice_item_details?.invoice_item ?? line.parent?.subscription_item_details?.invoice_item;
    if (item) store.update("invoiceitem", item, { invoice: invoice.id });
  }
  const stored = store.create("in", invoice);
  store.emit("invoice.created", stored);
  return stored;
}

/**
 * The draft invoice object for `spec` (not stored): the lines plus the customer's pending invoice items.
 * @param {Store} store
 * @param {Parameters<typeof createDraftInvoice>[1]} spec
 * @param {string} id `in_…`, or `upcoming_in_…` for a preview
 * @returns {StripeObject}
 */
export function buildInvoice(store, spec, id) {
  const customer = store.get("customer", spec.customer, "customer");
  const now = spec.created ?? store.now();
  const subscriptionId = spec.subscription?.id ?? null;
  const lines = (spec.lines ?? []).map((line) => buildLine(id, line));
  const pending = spec.includePending === false ? [] : pendingItems(store, customer.id, subscriptionId);
  for (const item of pending) lines.push(lineOfItem(id, item));
  const collection = spec.collectionMethod ?? "charge_automatically";
  return withTotals({
    id,
    object: "invoice",
    account_country: "US",
    account_name: "Edgeworks (Stripe fake)",
    account_tax_ids: null,
    amount_due: 0,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: 0,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: spec.autoAdvance ?? Boolean(subscriptionId),
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: null,
    billing_reason: spec.billingReason,
    collection_method: collection,
    confirmation_secret: null,
    created: now,
    currency: spec.currency,
    custom_fields: null,
    customer: customer.id,
    customer_account: null,
    customer_address: customer.address ?? null,
    customer_email: customer.email ?? null,
    customer_name: customer.name ?? null,
    customer_phone: customer.phone ?? null,
    customer_shipping: customer.shipping ?? null,
    customer_tax_exempt: "none",
    customer_tax_ids: [],
    default_payment_method: spec.defaultPaymentMethod ?? null,
    default_source: null,
    default_tax_rates: [],
    description: spec.description ?? null,
    discounts: [],
    due_date: collection === "send_invoice" ? now + (spec.daysUntilDue ?? 30) * 86_400 : null,
    effective_at: null,
    ending_balance: null,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: "self" },
    last_finalization_error: null,
    latest_revision: null,
    lines: { object: "list", data: lines, has_more: false, url: `/v1/invoices/${id}/lines` },
    livemode: false,
    metadata: spec.metadata ?? {},
    next_payment_attempt: null,
    number: null,
    on_behalf_of: null,
    parent: subscriptionId
      ? {
          type: "subscription_details",
          quote_details: null,
          subscription_details: { metadata: spec.subscription?.metadata ?? {}, subscription: subscriptionId },
        }
      : null,
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    payments: { object: "list", data: [], has_more: false, url: `/v1/invoice_payments?invoice=${id}` },
    period_end: spec.period?.end ?? now,
    period_start: spec.period?.start ?? now,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: "draft",
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    test_clock: null,
    total_discount_amounts: [],
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: now,
  });
}

/**
 * Finalizes a draft: number, hosted page, the customer's balance applied (a credit lowers what is due; a
 * negative total becomes credit). Emits invoice.finalized, and invoice.paid when nothing is due.
 * @param {Store} store
 * @param {string} id
 */
export function finalizeInvoice(store, id) {
  const invoice = store.get("invoice", id);
  if (invoice.status !== "draft") {
    throw new StripeError({
      status: 400,
      type: "invalid_request_error",
      code: "invoice_not_editable",
      message: `This invoice is already finalized, you can't re-finalize a non-draft invoice.`,
    });
  }
  const customer = store.get("customer", invoice.customer);
  const starting = customer.balance ?? 0;
  const net = invoice.total + starting;
  const due = Math.max(0, net);
  const ending = Math.min(0, net);
  if (ending !== starting) store.update("customer", customer.id, { balance: ending }, { emit: "customer.updated" });
  const sequence = store.all("invoice", (i) => i.customer === customer.id && i.number !== null).length + 1;
  const now = store.now();
  const origin = originOf.get(store) ?? "http://127.0.0.1";
  const finalized = store.update("invoice", id, {
    status: "open",
    number: `${customer.invoice_prefix ?? "FAKE"}-${String(sequence).padStart(4, "0")}`,
    amount_due: due,
    amount_remaining: due,
    starting_balance: starting,
    ending_balance: ending,
    effective_at: now,
    hosted_invoice_url: `${origin}/i/${id}`,
    invoice_pdf: `${origin}/i/${id}/pdf`,
    status_transitions: { ...invoice.status_transitions, finalized_at: now },
  });
  store.emit("invoice.finalized", finalized);
  if (due === 0) return markInvoicePaid(store, id, null);
  return finalized;
}

/**
 * Marks an open invoice paid (by `paymentIntent`, or out of band / nothing due when null); emits invoice.paid
 * and invoice.payment_succeeded and lets its subscription react.
 * @param {Store} store
 * @param {string} id
 * @param {StripeObject | null} paymentIntent
 */
export function markInvoicePaid(store, id, paymentIntent) {
  const invoice = store.get("invoice", id);
  if (invoice.status === "paid") return invoice;
  const now = store.now();
  const payments = invoice.payments.data.map((/** @type {StripeObject} */ p) =>
    paymentIntent && p.payment.payment_intent === paymentIntent.id
      ? { ...p, amount_paid: paymentIntent.amount, status: "paid", status_transitions: { ...p.status_transitions, paid_at: now } }
      : p,
  );
  const paid = store.update("invoice", id, {
    status: "paid",
    amount_paid: invoice.amount_due,
    amount_remaining: 0,
    attempted: invoice.attempted || paymentIntent !== null,
    confirmation_secret: null,
    next_payment_attempt: null,
    payments: { ...invoice.payments, data: payments },
    status_transitions: { ...invoice.status_transitions, paid_at: now },
  });
  store.emit("invoice.paid", paid);
  store.emit("invoice.payment_succeeded", paid);
  afterInvoicePaid(store, paid);
  return store.get("invoice", id);
}

/**
 * Charges an open invoice with `paymentMethod` (or the invoice's / subscription's / customer's default).
 * A success marks it paid; a failure counts the attempt, emits invoice.payment_failed and returns the invoice
 * with `failure` (the PaymentIntent's last_payment_error) so callers decide whether that is an error.
 * @param {Store} store
 * @param {string} id
 * @param {{ paymentMethod?: string | null, retryAt?: number | null, offSession?: boolean }} [options] offSession
 *   (default true, as for Stripe's automatic collection): a 3-D Secure card declines instead of asking
 * @returns {{ invoice: StripeObject, paymentIntent: StripeObject | null, failure: StripeObject | null }}
 */
export function attemptInvoicePayment(store, id, options = {}) {
  const invoice = store.get("invoice", id);
  if (invoice.status !== "open")
    throw invalidParam("invoice", `Invoice is ${invoice.status}; only open invoices can be paid.`, "invoice_not_open");
  const pm = options.paymentMethod ?? defaultPaymentMethodOf(store, invoice);
  const pi = pm ? chargeInvoice(store, invoice, pm, { base: originOf.get(store), offSession: options.offSession ?? true }) : null;
  if (pi) recordPayment(store, id, pi);
  const succeeded = pi?.status === "succeeded";
  const failed = store.update("invoice", id, {
    attempt_count: invoice.attempt_count + 1,
    attempted: true,
    next_payment_attempt: succeeded ? null : (options.retryAt ?? null),
  });
  if (succeeded) return { invoice: markInvoicePaid(store, id, pi), paymentIntent: pi, failure: null };
  /** @type {StripeObject} */
  const failure = !pi
    ? {
        type: "invalid_request_error",
        code: "invoice_no_payment_method_types",
        message: "This customer has no attached payment source or default payment method.",
      }
    : (pi.last_payment_error ?? { type: "card_error", code: "authentication_required", message: "This payment requires authentication." });
  store.emit(pi?.status === "requires_action" ? "invoice.payment_action_required" : "invoice.payment_failed", failed);
  afterInvoicePaymentFailed(store, failed);
  return { invoice: store.get("invoice", id), paymentIntent: pi, failure };
}

/**
 * Adds (or refreshes) the invoice's InvoicePayment for `pi` and its confirmation_secret.
 * @param {Store} store
 * @param {string} id
 * @param {StripeObject} pi
 */
export function recordPayment(store, id, pi) {
  const invoice = store.get("invoice", id);
  const now = store.now();
  const others = invoice.payments.data.filter((/** @type {StripeObject} */ p) => p.payment.payment_intent !== pi.id);
  const previous = invoice.payments.data.find((/** @type {StripeObject} */ p) => p.payment.payment_intent === pi.id);
  const payment = {
    id: previous?.id ?? newId("inpay"),
    object: "invoice_payment",
    amount_paid: pi.status === "succeeded" ? pi.amount : null,
    amount_requested: pi.amount,
    created: previous?.created ?? now,
    currency: pi.currency,
    invoice: id,
    is_default: true,
    livemode: false,
    payment: { type: "payment_intent", payment_intent: pi.id },
    status: pi.status === "succeeded" ? "paid" : "open",
    status_transitions: { canceled_at: null, paid_at: pi.status === "succeeded" ? now : null },
  };
  return store.update("invoice", id, {
    payments: { ...invoice.payments, data: [payment, ...others.map((/** @type {StripeObject} */ p) => ({ ...p, is_default: false }))] },
    confirmation_secret: pi.status === "succeeded" ? null : { client_secret: pi.client_secret, type: "payment_intent" },
  });
}

/**
 * The payment method an automatic charge uses: the invoice's, its subscription's, then the customer's default.
 * @param {Store} store
 * @param {StripeObject} invoice
 * @returns {string | null}
 */
export function defaultPaymentMethodOf(store, invoice) {
  if (invoice.default_payment_method) return invoice.default_payment_method;
  const subId = invoice.parent?.subscription_details?.subscription;
  const sub = subId ? store.find(subId) : undefined;
  if (sub?.default_payment_method) return sub.default_payment_method;
  const customer = store.find(invoice.customer);
  return customer?.invoice_settings?.default_payment_method ?? null;
}

/**
 * The invoice an (invoice-created) PaymentIntent pays, if any.
 * @param {Store} store
 * @param {string} paymentIntentId
 */
export function invoiceOfPaymentIntent(store, paymentIntentId) {
  return store.all("invoice", (i) =>
    i.payments.data.some((/** @type {StripeObject} */ p) => p.payment.payment_intent === paymentIntentId),
  )[0];
}

/**
 * Creates an invoice item (`ii_`) from API params or from the subscription engine (prorations).
 * @param {Store} store
 * @param {StripeObject} spec the invoiceitem fields (customer, amount, currency, description, period, quantity,
 *   price?, proration?, subscription?, subscriptionItem?, invoice?, metadata?, creditedItems?)
 */
export function createInvoiceItem(store, spec) {
  const item = store.create("ii", {
    object: "invoiceitem",
    amount: spec.amount,
    currency: spec.currency,
    customer: spec.customer,
    customer_account: null,
    date: store.now(),
    description: spec.description ?? null,
    discountable: !spec.proration,
    discounts: [],
    invoice: spec.invoice ?? null,
    metadata: spec.metadata ?? {},
    net_amount: spec.amount,
    parent: spec.subscription
      ? {
          type: "subscription_details",
          subscription_details: { subscription: spec.subscription, subscription_item: spec.subscriptionItem ?? null },
        }
      : null,
    period: spec.period,
    pricing: spec.price
      ? {
          type: "price_details",
          price_details: { price: spec.price.id, product: spec.price.product },
          unit_amount_decimal: String(spec.price.unit_amount),
        }
      : null,
    proration: spec.proration ?? false,
    proration_details: { credited_items: spec.creditedItems ?? null },
    quantity: spec.quantity ?? 1,
    quantity_decimal: String(spec.quantity ?? 1),
    tax_rates: [],
    test_clock: null,
  });
  store.emit("invoiceitem.created", item);
  return item;
}

/**
 * Adds an invoice item to a draft invoice as a line.
 * @param {Store} store
 * @param {string} invoiceId
 * @param {StripeObject} item
 */
export function addItemToDraft(store, invoiceId, item) {
  const invoice = store.get("invoice", invoiceId);
  const lines = { ...invoice.lines, data: [...invoice.lines.data, lineOfItem(invoiceId, item)] };
  return store.update("invoice", invoiceId, withTotals({ ...invoice, lines }));
}

/**
 * @param {Store} store
 * @param {string} id
 */
export function draftOrThrow(store, id) {
  const invoice = store.get("invoice", id);
  if (invoice.status !== "draft") {
    throw new StripeError({
      status: 400,
      type: "invalid_request_error",
      code: "invoice_not_editable",
      message: "You can only modify draft invoices.",
    });
  }
  return invoice;
}
