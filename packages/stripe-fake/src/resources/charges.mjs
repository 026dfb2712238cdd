// @ts-check
// Charges (https://docs.stripe.com/api/charges): made by PaymentIntents (never created directly here);
// retrieve, list (customer, payment_intent), update metadata/description.
import { str } from "../params.mjs";
import { mergeMetadata, newId } from "../store.mjs";
import { inRange } from "./events.mjs";

/**
 * The Charge of a PaymentIntent attempt (succeeded, or failed with the test card's decline).
 * @param {import("../store.mjs").Store} store
 * @param {Record<string, any>} pi
 * @param {Record<string, any>} pm
 * @param {{ captured?: boolean, failure?: import("./payment-methods.mjs").TestCard }} options
 */
export function createCharge(store, pi, pm, options) {
  const failed = Boolean(options.failure);
  const captured = !failed && options.captured !== false;
  return store.create("ch", {
    object: "charge",
    amount: pi.amount,
    amount_captured: captured ? pi.amount : 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: failed ? null : newId("txn"),
    billing_details: pm.billing_details,
    calculated_statement_descriptor: "EDGEWORKS",
    captured,
    currency: pi.currency,
    customer: pi.customer,
    description: pi.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: options.failure?.code ?? null,
    failure_message: options.failure?.message ?? null,
    fraud_details: {},
    invoice: pi.invoice ?? null,
    metadata: pi.metadata,
    on_behalf_of: null,
    outcome: failed
      ? {
          network_status: "declined_by_network",
          reason: options.failure?.decline_code ?? null,
          risk_level: "normal",
          seller_message: "The bank did not return any further details with this decline.",
          type: "issuer_declined",
        }
      : {
          network_status: "approved_by_network",
          reason: null,
          risk_level: "normal",
          seller_message: "Payment complete.",
          type: "authorized",
        },
    paid: !failed,
    payment_intent: pi.id,
    payment_method: pm.id,
    payment_method_details: {
      card: {
        brand: pm.card.brand,
        checks: pm.card.checks,
        country: pm.card.country,
        exp_month: pm.card.exp_month,
        exp_year: pm.card.exp_year,
        fingerprint: pm.card.fingerprint,
        funding: pm.card.funding,
        last4: pm.card.last4,
        network: pm.card.brand,
        three_d_secure: null,
      },
      type: "card",
    },
    receipt_email: pi.receipt_email,
    receipt_number: null,
    receipt_url: null,
    refunded: false,
    review: null,
    shipping: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: failed ? "failed" : "succeeded",
    transfer_data: null,
    transfer_group: null,
  });
}

/** @type {import("../router.mjs").Route[]} */
export const routes = [
  { method: "GET", path: "/v1/charges/:id", handler: ({ store, params }) => store.get("charge", params.id ?? "") },
  {
    method: "POST",
    path: "/v1/charges/:id",
    handler: ({ store, params, body }) => {
      const charge = store.get("charge", params.id ?? "");
      /** @type {Record<string, any>} */
      const patch = { metadata: mergeMetadata(charge.metadata, body.metadata) };
      if (body.description !== undefined) patch.description = str(body, "description") ?? null;
      return store.update("charge", charge.id, patch, { emit: "charge.updated" });
    },
  },
  {
    method: "GET",
    path: "/v1/charges",
    handler: ({ store, query }) => {
      const customer = str(query, "customer");
      const paymentIntent = str(query, "payment_intent");
      return store.list(
        "charge",
        (c) =>
          (!customer || c.customer === customer) &&
          (!paymentIntent || c.payment_intent === paymentIntent) &&
          inRange(query.created, c.created),
        query,
        "/v1/charges",
      );
    },
  },
];
