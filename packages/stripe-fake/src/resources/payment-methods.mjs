// @ts-check
// PaymentMethods for Stripe's test cards (https://docs.stripe.com/testing): the `pm_card_*` tokens, `tok_*`
// tokens and test card numbers. Using a token creates a new `pm_…` object, as Stripe does; what the card
// does when charged (succeed, decline, ask for 3-D Secure) is kept beside it.
import { invalidParam, resourceMissing, StripeError } from "../errors.mjs";
import { obj, str } from "../params.mjs";
import { mergeMetadata } from "../store.mjs";

/** @typedef {{ brand: string, last4: string, funding?: string, outcome: "succeed" | "decline" | "authenticate", code?: string, decline_code?: string, message?: string }} TestCard */

/** @type {Record<string, TestCard>} by token suffix (`pm_card_<name>`, `tok_<name>`) */
export const TEST_CARDS = {
  visa: { brand: "visa", last4: "4242", outcome: "succeed" },
  visa_debit: { brand: "visa", last4: "5556", funding: "debit", outcome: "succeed" },
  mastercard: { brand: "mastercard", last4: "4444", outcome: "succeed" },
  amex: { brand: "amex", last4: "8431", outcome: "succeed" },
  chargeDeclined: {
    brand: "visa",
    last4: "0002",
    outcome: "decline",
    code: "card_declined",
    decline_code: "generic_declined",
    message: "Your card was declined.",
  },
  chargeDeclinedInsufficientFunds: {
    brand: "visa",
    last4: "9995",
    outcome: "decline",
    code: "card_declined",
    decline_code: "insufficient_funds",
    message: "Your card has insufficient funds.",
  },
  chargeDeclinedFraudulent: {
    brand: "visa",
    last4: "0019",
    outcome: "decline",
    code: "card_declined",
    decline_code: "fraudulent",
    message: "Your card was declined.",
  },
  chargeDeclinedExpiredCard: {
    brand: "visa",
    last4: "0069",
    outcome: "decline",
    code: "expired_card",
    decline_code: "expired_card",
    message: "Your card has expired.",
  },
  chargeDeclinedIncorrectCvc: {
    brand: "visa",
    last4: "0127",
    outcome: "decline",
    code: "incorrect_cvc",
    decline_code: "incorrect_cvc",
    message: "Your card's security code is incorrect.",
  },
  chargeDeclinedProcessingError: {
    brand: "visa",
    last4: "0119",
    outcome: "decline",
    code: "processing_error",
    decline_code: "processing_error",
    message: "An error occurred while processing your card. Try again in a little bit.",
  },
  authenticationRequired: { brand: "visa", last4: "3184", outcome: "authenticate" },
  threeDSecure2Required: { brand: "visa", last4: "3220", outcome: "authenticate" },
};

/** Test card numbers → the same behaviours. */
const NUMBERS = {
  4242424242424242: "visa",
  4000056655665556: "visa_debit",
  5555555555554444: "mastercard",
  378282246310005: "amex",
  4000000000000002: "chargeDeclined",
  4000000000009995: "chargeDeclinedInsufficientFunds",
  4100000000000019: "chargeDeclinedFraudulent",
  4000000000000069: "chargeDeclinedExpiredCard",
  4000000000000127: "chargeDeclinedIncorrectCvc",
  4000000000000119: "chargeDeclinedProcessingError",
  4000002760003184: "authenticationRequired",
  4000000000003220: "threeDSecure2Required",
};

/** The behaviour of every pm_ the fake made, per store. @type {WeakMap<object, Map<string, TestCard>>} */
const behaviours = new WeakMap();

/** @param {import("../store.mjs").Store} store */
function behaviourMap(store) {
  let map = behaviours.get(store);
  if (!map) {
    map = new Map();
    behaviours.set(store, map);
  }
  return map;
}

/**
 * Creates a card PaymentMethod behaving like a test card.
 * @param {import("../store.mjs").Store} store
 * @param {string} name a TEST_CARDS key
 * @param {{ customer?: string | null, metadata?: Record<string, string>, billing_details?: Record<string, any> }} [extra]
 */
export function createCard(store, name, extra = {}) {
  const card = /** @type {TestCard} */ (TEST_CARDS[name]);
  const pm = store.create("pm", {
    object: "payment_method",
    allow_redisplay: "unspecified",
    billing_details: {
      address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
      email: null,
      name: null,
      phone: null,
      ...extra.billing_details,
    },
    card: {
      brand: card.brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: "pass" },
      country: "US",
      display_brand: card.brand,
      exp_month: 12,
      exp_year: new Date().getUTCFullYear() + 3,
      fingerprint: `fp${card.last4}${card.brand}`.slice(0, 16),
      funding: card.funding ?? "credit",
      generated_from: null,
      last4: card.last4,
      networks: { available: [card.brand], preferred: null },
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
    customer: extra.customer ?? null,
    metadata: extra.metadata ?? {},
    type: "card",
  });
  behaviourMap(store).set(pm.id, card);
  return pm;
}

/**
 * Resolves a `payment_method` param: a test token (`pm_card_visa`) makes a new PaymentMethod, an
 * existing `pm_…` is looked up. Returns the PaymentMethod and its behaviour.
 * @param {import("../store.mjs").Store} store
 * @param {string} idOrToken
 * @param {string} [param]
 * @returns {{ paymentMethod: Record<string, any>, card: TestCard }}
 */
export function resolvePaymentMethod(store, idOrToken, param = "payment_method") {
  if (idOrToken.startsWith("pm_card_")) {
    const name = idOrToken.slice("pm_card_".length);
    if (!Object.hasOwn(TEST_CARDS, name)) throw resourceMissing("payment_method", idOrToken, param);
    const paymentMethod = createCard(store, name);
    return { paymentMethod, card: /** @type {TestCard} */ (TEST_CARDS[name]) };
  }
  const paymentMethod = store.get("payment_method", idOrToken, param);
  const card = behaviourMap(store).get(paymentMethod.id) ?? /** @type {TestCard} */ (TEST_CARDS.visa);
  return { paymentMethod, card };
}

/**
 * `card[token]=tok_visa` or `card[number]=4000…0002` → a TEST_CARDS name.
 * @param {Record<string, any>} card
 */
function cardName(card) {
  const token = typeof card.token === "string" ? card.token : undefined;
  if (token?.startsWith("tok_")) {
    const name = token.slice(4);
    if (Object.hasOwn(TEST_CARDS, name)) return name;
    throw invalidParam("card[token]", `No such token: '${token}'`, "resource_missing");
  }
  const number = typeof card.number === "string" ? card.number.replaceAll(" ", "") : "";
  const name = /** @type {Record<string, string>} */ (NUMBERS)[number];
  if (name) return name;
  throw new StripeError({
    status: 402,
    type: "card_error",
    code: "incorrect_number",
    param: "card[number]",
    message: "Your card number is incorrect.",
  });
}

/** @type {import("../router.mjs").Route[]} */
export const routes = [
  {
    method: "POST",
    path: "/v1/payment_methods",
    handler: ({ store, body }) => {
      const type = str(body, "type", { required: true });
      if (type !== "card") throw invalidParam("type", `The stand-in only supports type=card (got ${type}).`);
      const card = obj(body, "card");
      if (!card) throw invalidParam("card", "Missing required param: card.", "parameter_missing");
      return createCard(store, cardName(card), {
        metadata: mergeMetadata({}, body.metadata),
        billing_details: obj(body, "billing_details"),
      });
    },
  },
  {
    method: "GET",
    path: "/v1/payment_methods/:id",
    handler: ({ store, params }) => resolvePaymentMethod(store, params.id ?? "").paymentMethod,
  },
  {
    method: "POST",
    path: "/v1/payment_methods/:id",
    handler: ({ store, params, body }) => {
      const pm = store.get("payment_method", params.id ?? "");
      return store.update(
        "payment_method",
        pm.id,
        { metadata: mergeMetadata(pm.metadata, body.metadata) },
        { emit: "payment_method.updated" },
      );
    },
  },
  {
    method: "POST",
    path: "/v1/payment_methods/:id/attach",
    handler: ({ store, params, body }) => {
      const customer = str(body, "customer", { required: true }) ?? "";
      store.get("customer", customer, "customer");
      const { paymentMethod } = resolvePaymentMethod(store, params.id ?? "");
      if (paymentMethod.customer && paymentMethod.customer !== customer) {
        throw invalidParam("payment_method", "The payment method you provided has already been attached to a customer.");
      }
      const attached = store.update("payment_method", paymentMethod.id, { customer });
      store.emit("payment_method.attached", attached);
      return attached;
    },
  },
  {
    method: "POST",
    path: "/v1/payment_methods/:id/detach",
    handler: ({ store, params }) => {
      const pm = store.get("payment_method", params.id ?? "");
      if (!pm.customer)
        throw invalidParam("payment_method", "The payment method you provided is not attached to a customer so detachment is impossible.");
      const detached = store.update("payment_method", pm.id, { customer: null });
      store.emit("payment_method.detached", detached, { customer: pm.customer });
      return detached;
    },
  },
  {
    method: "GET",
    path: "/v1/payment_methods",
    handler: ({ store, query }) => {
      const customer = str(query, "customer");
      return store.list("payment_method", (p) => !customer || p.customer === customer, query, "/v1/payment_methods");
    },
  },
  {
    method: "GET",
    path: "/v1/customers/:id/payment_methods",
    handler: ({ store, params, query }) => {
      const customer = store.get("customer", params.id ?? "").id;
      return store.list("payment_method", { customer }, query, `/v1/customers/${customer}/payment_methods`);
    },
  },
];
