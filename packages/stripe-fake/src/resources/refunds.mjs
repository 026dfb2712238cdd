// @ts-check
// Refunds (https://docs.stripe.com/api/refunds): by payment_intent or charge, full (default) or partial;
// more than what is left → 400 amount_too_large ("Refund amount ($x) is greater than unrefunded amount on
// charge ($y)"), nothing left → 400 charge_already_refunded. A refund succeeds at once and emits
// refund.created, charge.refunded (previous_attributes) and refund.updated.
import { invalidParam, StripeError } from "../errors.mjs";
import { int, oneOf, str } from "../params.mjs";
import { mergeMetadata, newId } from "../store.mjs";
import { inRange } from "./events.mjs";
import { money } from "./payment-intents.mjs";

/**
 * The successful charge a refund is for.
 * @param {import("../store.mjs").Store} store
 * @param {Record<string, any>} body
 */
function chargeToRefund(store, body) {
  const chargeId = str(body, "charge");
  const piId = str(body, "payment_intent");
  if (!chargeId && !piId) {
    throw new StripeError({
      status: 400,
      type: "invalid_request_error",
      code: "parameter_missing",
      message: "One of the following params should be provided for this request: payment_intent or charge.",
    });
  }
  if (chargeId) return store.get("charge", chargeId, "charge");
  const pi = store.get("payment_intent", /** @type {string} */ (piId), "payment_intent");
  const charge = pi.latest_charge ? store.find(pi.latest_charge) : undefined;
  if (pi.status !== "succeeded" || !charge || charge.status !== "succeeded") {
    throw new StripeError({
      status: 400,
      type: "invalid_request_error",
      code: "charge_not_refundable",
      param: "payment_intent",
      message: `This PaymentIntent (${pi.id}) does not have a successful charge to refund.`,
    });
  }
  return charge;
}

/** @type {import("../router.mjs").Route[]} */
export const routes = [
  {
    method: "POST",
    path: "/v1/refunds",
    handler: ({ store, body }) => {
      const charge = chargeToRefund(store, body);
      const left = charge.amount_captured - charge.amount_refunded;
      if (charge.status !== "succeeded") {
        throw invalidParam("charge", `Charge ${charge.id} has not succeeded and cannot be refunded.`, "charge_not_refundable");
      }
      if (left <= 0) {
        throw new StripeError({
          status: 400,
          type: "invalid_request_error",
          code: "charge_already_refunded",
          message: `Charge ${charge.id} has already been refunded.`,
        });
      }
      const amount = int(body, "amount", { min: 1 }) ?? left;
      if (amount > left) {
        throw new StripeError({
          status: 400,
          type: "invalid_request_error",
          code: "amount_too_large",
          param: "amount",
          message: `Refund amount (${money(amount, charge.currency)}) is greater than unrefunded amount on charge (${money(left, charge.currency)})`,
        });
      }
      const refund = store.create("re", {
        object: "refund",
        amount,
        balance_transaction: newId("txn"),
        charge: charge.id,
        currency: charge.currency,
        destination_details: {
          card: { reference_status: "pending", reference_type: "acquirer_reference_number", type: "refund" },
          type: "card",
        },
        metadata: mergeMetadata({}, body.metadata),
        payment_intent: charge.payment_intent,
        reason: oneOf(body, "reason", ["duplicate", "fraudulent", "requested_by_customer"]) ?? null,
        receipt_number: null,
        source_transfer_reversal: null,
        status: "pending",
        transfer_reversal: null,
      });
      store.emit("refund.created", refund);
      const refunded = charge.amount_refunded + amount;
      const updatedCharge = store.update("charge", charge.id, { amount_refunded: refunded, refunded: refunded === charge.amount_captured });
      store.emit("charge.refunded", updatedCharge, {
        amount_refunded: charge.amount_refunded,
        ...(updatedCharge.refunded ? { refunded: false } : {}),
      });
      const done = store.update("refund", refund.id, { status: "succeeded" });
      store.emit("refund.updated", done, { status: "pending" });
      return done;
    },
  },
  { method: "GET", path: "/v1/refunds/:id", handler: ({ store, params }) => store.get("refund", params.id ?? "") },
  {
    method: "POST",
    path: "/v1/refunds/:id",
    handler: ({ store, params, body }) => {
      const refund = store.get("refund", params.id ?? "");
      return store.update("refund", refund.id, { metadata: mergeMetadata(refund.metadata, body.metadata) }, { emit: "refund.updated" });
    },
  },
  {
    method: "GET",
    path: "/v1/refunds",
    handler: ({ store, query }) => {
      const charge = str(query, "charge");
      const paymentIntent = str(query, "payment_intent");
      return store.list(
        "refund",
        (r) =>
          (!charge || r.charge === charge) && (!paymentIntent || r.payment_intent === paymentIntent) && inRange(query.created, r.created),
        query,
        "/v1/refunds",
      );
    },
  },
];
