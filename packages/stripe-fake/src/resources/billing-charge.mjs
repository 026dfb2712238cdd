// @ts-check
// The one place billing charges money: an invoice's PaymentIntent through the core (same test-card rules and
// payment_intent.* / charge.* events as a direct PaymentIntent).
import { chargeCustomer } from "./payment-intents.mjs";

/** @typedef {Record<string, any>} StripeObject */
/** @typedef {import("../store.mjs").Store} Store */

/**
 * The description Stripe gives an invoice's PaymentIntent.
 * @param {StripeObject} invoice
 */
function descriptionOf(invoice) {
  if (invoice.billing_reason === "subscription_create") return "Subscription creation";
  if (invoice.billing_reason === "subscription_cycle") return "Subscription cycle";
  if (invoice.billing_reason === "subscription_update") return "Subscription update";
  return `Invoice ${invoice.number ?? invoice.id}`;
}

/**
 * Charges `amount_remaining` of an open invoice with `paymentMethod`; `null` creates the PaymentIntent
 * unconfirmed (requires_payment_method) for the customer to confirm with its client_secret. Off session (renewals,
 * retries) a card that needs 3-D Secure is declined with authentication_required, as Stripe does.
 * @param {Store} store
 * @param {StripeObject} invoice
 * @param {string | null} paymentMethod
 * @param {{ base?: string, offSession?: boolean }} [options] base: the fake's origin (3-D Secure links)
 * @returns {StripeObject} the PaymentIntent
 */
export function chargeInvoice(store, invoice, paymentMethod, options = {}) {
  const input = {
    amount: invoice.amount_remaining,
    currency: invoice.currency,
    customer: invoice.customer,
    description: descriptionOf(invoice),
    invoice: invoice.id,
    payment_method: paymentMethod,
    confirm: paymentMethod !== null,
    off_session: options.offSession ?? false,
  };
  return chargeCustomer({ store, base: options.base ?? "" }, input).paymentIntent;
}
