// @ts-check
// PaymentIntents (https://docs.stripe.com/api/payment_intents) with the test cards' outcomes: a card that
// succeeds makes a Charge and `succeeded`; a declined card answers 402 card_error (the intent back to
// `requires_payment_method` with `last_payment_error`); a 3-D Secure card stops at `requires_action` until
// `POST /_fake/payment_intents/{id}/authenticate {outcome}` (or the page at the same URL) decides.

import { randomBytes } from "node:crypto";
import { minorDigits } from "../currencies.mjs";
import { invalidParam, StripeError } from "../errors.mjs";
import { bool, currency, int, oneOf, str } from "../params.mjs";
import { reply } from "../router.mjs";
import { mergeMetadata, newId } from "../store.mjs";
import { createCharge } from "./charges.mjs";
import { inRange } from "./events.mjs";
import { resolvePaymentMethod } from "./payment-methods.mjs";

/** @typedef {import("../store.mjs").Store} Store */
/** @typedef {Record<string, any>} PaymentIntent */

const CONFIRMABLE = ["requires_payment_method", "requires_confirmation", "requires_action"];
const CANCELABLE = ["requires_payment_method", "requires_capture", "requires_confirmation", "requires_action", "processing"];
const MINIMUM = /** @type {Record<string, number>} */ ({ usd: 50, eur: 50, gbp: 30, cad: 50, aud: 50, chf: 50, jpy: 50 });

const SYMBOLS = /** @type {Record<string, string>} */ ({ usd: "$", eur: "€", gbp: "£", jpy: "¥" });

/**
 * "$10.99", "€10.99", "¥500" for usd, eur, gbp, jpy, "10.99 chf" otherwise (how Stripe's messages print amounts);
 * zero- and three-decimal currencies with their digits ("500 krw", "5.120 kwd").
 * @param {number} amount
 * @param {string} currencyCode
 */
export function money(amount, currencyCode) {
  const digits = minorDigits(currencyCode);
  const major = (amount / 10 ** digits).toFixed(digits);
  const symbol = SYMBOLS[currencyCode];
  return symbol ? `${symbol}${major}` : `${major} ${currencyCode}`;
}

/**
 * @param {Record<string, any>} body
 * @param {string} cur
 */
function amountOf(body, cur) {
  const amount = /** @type {number} */ (int(body, "amount", { required: true }));
  const min = MINIMUM[cur] ?? 1;
  if (amount < min) {
    throw new StripeError({
      status: 400,
      type: "invalid_request_error",
      code: "amount_too_small",
      param: "amount",
      message: `Amount must be at least ${SYMBOLS[cur] ? `${money(min, cur)} ${cur}` : money(min, cur)}`,
    });
  }
  if (amount > 99_999_999) {
    throw new StripeError({
      status: 400,
      type: "invalid_request_error",
      code: "amount_too_large",
      param: "amount",
      message: `Amount must be no more than ${money(99_999_999, cur)}`,
    });
  }
  return amount;
}

/**
 * 400 payment_intent_unexpected_state, with the intent in the error as Stripe sends it.
 * @param {PaymentIntent} pi
 * @param {string} message
 */
function unexpectedState(pi, message) {
  return new StripeError({
    status: 400,
    type: "invalid_request_error",
    code: "payment_intent_unexpected_state",
    message,
    extra: { payment_intent: pi },
  });
}

/**
 * Creates a PaymentIntent (and emits payment_intent.created).
 * @param {Store} store
 * @param {Record<string, any>} fields
 */
export function createPaymentIntent(store, fields) {
  const id = newId("pi");
  const pi = store.create("pi", {
    id,
    object: "payment_intent",
    amount: fields.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: fields.automatic_payment_methods ?? null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: fields.capture_method ?? "automatic",
    client_secret: `${id}_secret_${randomBytes(12).toString("base64url")}`,
    confirmation_method: "automatic",
    currency: fields.currency,
    customer: fields.customer ?? null,
    description: fields.description ?? null,
    invoice: fields.invoice ?? null,
    last_payment_error: null,
    latest_charge: null,
    metadata: fields.metadata ?? {},
    next_action: null,
    on_behalf_of: null,
    payment_method: fields.payment_method ?? null,
    payment_method_options: { card: { installments: null, mandate_options: null, network: null, request_three_d_secure: "automatic" } },
    payment_method_types: ["card"],
    processing: null,
    receipt_email: fields.receipt_email ?? null,
    review: null,
    setup_future_usage: fields.setup_future_usage ?? null,
    shipping: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: fields.payment_method ? "requires_confirmation" : "requires_payment_method",
    transfer_data: null,
    transfer_group: null,
  });
  store.emit("payment_intent.created", pi);
  return pi;
}

/**
 * The card was charged: a Charge, and the intent `succeeded` (or `requires_capture` for manual capture).
 * @param {Store} store
 * @param {PaymentIntent} pi
 * @param {Record<string, any>} paymentMethod
 */
function chargeSucceeded(store, pi, paymentMethod) {
  const manual = pi.capture_method === "manual";
  const charge = createCharge(store, pi, paymentMethod, { captured: !manual });
  store.emit("charge.succeeded", charge);
  /** @type {Record<string, any>} */
  const patch = { latest_charge: charge.id, next_action: null, last_payment_error: null };
  if (manual) Object.assign(patch, { status: "requires_capture", amount_capturable: pi.amount });
  else Object.assign(patch, { status: "succeeded", amount_received: pi.amount });
  const updated = store.update("payment_intent", pi.id, patch);
  store.emit(manual ? "payment_intent.amount_capturable_updated" : "payment_intent.succeeded", updated);
  return updated;
}

/**
 * The card was declined: a failed Charge, the intent back to requires_payment_method, and a 402.
 * @param {Store} store
 * @param {PaymentIntent} pi
 * @param {Record<string, any>} paymentMethod
 * @param {import("./payment-methods.mjs").TestCard} card
 * @returns {never}
 */
function chargeDeclined(store, pi, paymentMethod, card) {
  const charge = createCharge(store, pi, paymentMethod, { failure: card });
  store.emit("charge.failed", charge);
  const error = {
    charge: charge.id,
    code: card.code,
    decline_code: card.decline_code,
    doc_url: `https://stripe.com/docs/error-codes/${String(card.code).replaceAll("_", "-")}`,
    message: card.message,
    payment_method: paymentMethod,
    type: "card_error",
  };
  const updated = store.update("payment_intent", pi.id, {
    status: "requires_payment_method",
    latest_charge: charge.id,
    last_payment_error: error,
  });
  store.emit("payment_intent.payment_failed", updated);
  throw new StripeError({
    status: 402,
    type: "card_error",
    code: card.code,
    decline_code: card.decline_code,
    message: card.message ?? "Your card was declined.",
    extra: { charge: charge.id, payment_intent: updated, payment_method: paymentMethod },
  });
}

/**
 * Confirms an intent with its (or a new) payment method; what happens depends on the test card.
 * @param {Store} store
 * @param {PaymentIntent} pi
 * @param {{ paymentMethod?: string, returnUrl?: string, receiptEmail?: string, base: string }} options
 * @returns {PaymentIntent}
 */
export function confirmPaymentIntent(store, pi, options) {
  if (!CONFIRMABLE.includes(pi.status)) {
    throw unexpectedState(
      pi,
      pi.status === "succeeded"
        ? "You cannot confirm this PaymentIntent because it has already succeeded after being previously confirmed."
        : `You cannot confirm this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be confirmed: requires_confirmation, requires_payment_method, requires_action.`,
    );
  }
  const pmId = options.paymentMethod ?? pi.payment_method;
  if (!pmId) {
    throw unexpectedState(
      pi,
      "You cannot confirm this PaymentIntent because it's missing a payment method. To confirm the PaymentIntent with cus_, specify a payment method attached to this customer along with the customer ID.".replace(
        " with cus_",
        pi.customer ? ` with ${pi.customer}` : "",
      ),
    );
  }
  const { paymentMethod, card } = resolvePaymentMethod(store, pmId);
  /** @type {Record<string, any>} */
  const patch = { payment_method: paymentMethod.id, last_payment_error: null };
  if (options.receiptEmail) patch.receipt_email = options.receiptEmail;
  const current = store.update("payment_intent", pi.id, patch);
  if (card.outcome === "decline") return chargeDeclined(store, current, paymentMethod, card);
  if (card.outcome === "authenticate") {
    const url = `${options.base}/_fake/payment_intents/${pi.id}/authenticate`;
    const nextAction = options.returnUrl
      ? { type: "redirect_to_url", redirect_to_url: { return_url: options.returnUrl, url } }
      : { type: "use_stripe_sdk", use_stripe_sdk: { type: "three_d_secure_redirect", stripe_js: url, source: paymentMethod.id } };
    const waiting = store.update("payment_intent", pi.id, { status: "requires_action", next_action: nextAction });
    store.emit("payment_intent.requires_action", waiting);
    return waiting;
  }
  return chargeSucceeded(store, current, paymentMethod);
}

/**
 * The 3-D Secure step of a `requires_action` intent: "succeed" charges the card, "fail" leaves it
 * `requires_payment_method` with `payment_intent_authentication_failure`.
 * @param {Store} store
 * @param {string} id
 * @param {"succeed" | "fail"} outcome
 */
export function authenticatePaymentIntent(store, id, outcome) {
  const pi = store.get("payment_intent", id);
  if (pi.status !== "requires_action") {
    throw unexpectedState(pi, `This PaymentIntent has a status of ${pi.status}; only one that requires_action can be authenticated.`);
  }
  const paymentMethod = store.get("payment_method", pi.payment_method);
  if (outcome === "succeed") return chargeSucceeded(store, pi, paymentMethod);
  const failed = store.update("payment_intent", pi.id, {
    status: "requires_payment_method",
    next_action: null,
    last_payment_error: {
      code: "payment_intent_authentication_failure",
      doc_url: "https://stripe.com/docs/error-codes/payment-intent-authentication-failure",
      message:
        "The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.",
      payment_method: paymentMethod,
      type: "invalid_request_error",
    },
  });
  store.emit("payment_intent.payment_failed", failed);
  return failed;
}

/**
 * For billing (invoices): create an intent and, with a payment method and `confirm` not false, confirm it
 * (test-card rules: succeeded, declined → requires_payment_method, 3-D Secure → requires_action unless
 * `off_session`, where it is declined as authentication_required like Stripe). Never throws a card error.
 * Callable outside a request (clock hooks): ctx needs only `{ store, base }`.
 * @param {{ store: Store, base: string }} ctx
 * @param {{ amount: number, currency: string, customer: string | null, payment_method?: string | null, confirm?: boolean, off_session?: boolean,
 *   description?: string, metadata?: Record<string, string>, invoice?: string, setup_future_usage?: string }} input
 * @returns {{ paymentIntent: PaymentIntent, charge: Record<string, any> | null, error: StripeError | null }}
 */
export function chargeCustomer(ctx, input) {
  const { payment_method: paymentMethod, confirm, off_session: offSession, ...fields } = input;
  const pi = createPaymentIntent(ctx.store, fields);
  if (!paymentMethod || confirm === false) {
    const current = paymentMethod
      ? ctx.store.update("payment_intent", pi.id, {
          payment_method: resolvePaymentMethod(ctx.store, paymentMethod).paymentMethod.id,
          status: "requires_confirmation",
        })
      : pi;
    return { paymentIntent: current, charge: null, error: null };
  }
  if (offSession && resolvePaymentMethod(ctx.store, paymentMethod).card.outcome === "authenticate") {
    return declineOffSession(ctx.store, pi, paymentMethod);
  }
  try {
    const done = confirmPaymentIntent(ctx.store, pi, { paymentMethod, base: ctx.base });
    return { paymentIntent: done, charge: done.latest_charge ? (ctx.store.find(done.latest_charge) ?? null) : null, error: null };
  } catch (error) {
    if (!(error instanceof StripeError) || error.status !== 402) throw error;
    const failed = ctx.store.get("payment_intent", pi.id);
    return { paymentIntent: failed, charge: failed.latest_charge ? (ctx.store.find(failed.latest_charge) ?? null) : null, error };
  }
}

/**
 * An off-session charge of a card that needs 3-D Secure fails with authentication_required (the customer is
 * not there to authenticate): 402 card_error, the intent requires_payment_method.
 * @param {Store} store
 * @param {PaymentIntent} pi
 * @param {string} paymentMethod
 */
function declineOffSession(store, pi, paymentMethod) {
  try {
    const { paymentMethod: pm } = resolvePaymentMethod(store, paymentMethod);
    const current = store.update("payment_intent", pi.id, { payment_method: pm.id });
    chargeDeclined(store, current, pm, {
      brand: pm.card.brand,
      last4: pm.card.last4,
      outcome: "decline",
      code: "authentication_required",
      decline_code: "authentication_required",
      message: "Your card was declined. This transaction requires authentication.",
    });
  } catch (error) {
    if (!(error instanceof StripeError) || error.status !== 402) throw error;
    const failed = store.get("payment_intent", pi.id);
    return { paymentIntent: failed, charge: failed.latest_charge ? (store.find(failed.latest_charge) ?? null) : null, error };
  }
  throw new Error("unreachable: an off-session decline always throws");
}

/** @param {unknown} value */
function htmlEscape(value) {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** @type {import("../router.mjs").Route[]} */
export const routes = [
  {
    method: "POST",
    path: "/v1/payment_intents",
    handler: ({ store, body, base }) => {
      const cur = /** @type {string} */ (currency(body));
      const amount = amountOf(body, cur);
      const customer = str(body, "customer");
      if (customer) store.get("customer", customer, "customer");
      const apm = body.automatic_payment_methods;
      const pi = createPaymentIntent(store, {
        amount,
        currency: cur,
        customer,
        description: str(body, "description"),
        metadata: mergeMetadata({}, body.metadata),
        receipt_email: str(body, "receipt_email"),
        capture_method: oneOf(body, "capture_method", ["automatic", "automatic_async", "manual"]),
        setup_future_usage: oneOf(body, "setup_future_usage", ["off_session", "on_session"]),
        automatic_payment_methods:
          apm && typeof apm === "object" ? { allow_redirects: apm.allow_redirects ?? "always", enabled: apm.enabled === "true" } : null,
        payment_method: undefined,
      });
      const pm = str(body, "payment_method");
      let current = pi;
      if (pm) {
        const { paymentMethod } = resolvePaymentMethod(store, pm);
        current = store.update("payment_intent", pi.id, { payment_method: paymentMethod.id, status: "requires_confirmation" });
      }
      if (bool(body, "confirm")) {
        if (bool(body, "off_session") && pm && resolvePaymentMethod(store, current.payment_method).card.outcome === "authenticate") {
          const declined = declineOffSession(store, current, current.payment_method);
          throw declined.error;
        }
        current = confirmPaymentIntent(store, current, { returnUrl: str(body, "return_url"), base });
      }
      return current;
    },
  },
  {
    method: "GET",
    path: "/v1/payment_intents/:id",
    handler: ({ store, params }) => store.get("payment_intent", params.id ?? ""),
  },
  {
    method: "POST",
    path: "/v1/payment_intents/:id",
    handler: ({ store, params, body }) => {
      const pi = store.get("payment_intent", params.id ?? "");
      if (pi.status === "succeeded" || pi.status === "canceled") {
        const changing = Object.keys(body).filter((k) => k !== "metadata" && k !== "description" && k !== "expand");
        if (changing.length > 0) {
          throw unexpectedState(
            pi,
            `This PaymentIntent's ${changing[0]} could not be updated because it has a status of ${pi.status}. You may only update the ${changing[0]} of a PaymentIntent with one of the following statuses: requires_payment_method, requires_confirmation, requires_action.`,
          );
        }
      }
      /** @type {Record<string, any>} */
      const patch = { metadata: mergeMetadata(pi.metadata, body.metadata) };
      const cur = body.currency !== undefined ? currency(body) : pi.currency;
      if (body.currency !== undefined) patch.currency = cur;
      if (body.amount !== undefined) patch.amount = amountOf(body, /** @type {string} */ (cur));
      for (const key of ["description", "receipt_email"]) if (body[key] !== undefined) patch[key] = str(body, key) ?? null;
      if (body.customer !== undefined) {
        const customer = str(body, "customer");
        if (customer) store.get("customer", customer, "customer");
        patch.customer = customer ?? null;
      }
      if (body.payment_method !== undefined) {
        const pm = str(body, "payment_method");
        patch.payment_method = pm ? resolvePaymentMethod(store, pm).paymentMethod.id : null;
        patch.status = pm ? "requires_confirmation" : "requires_payment_method";
      }
      return store.update("payment_intent", pi.id, patch);
    },
  },
  {
    method: "POST",
    path: "/v1/payment_intents/:id/confirm",
    handler: ({ store, params, body, base }) =>
      confirmPaymentIntent(store, store.get("payment_intent", params.id ?? ""), {
        paymentMethod: str(body, "payment_method"),
        returnUrl: str(body, "return_url"),
        receiptEmail: str(body, "receipt_email"),
        base,
      }),
  },
  {
    method: "POST",
    path: "/v1/payment_intents/:id/capture",
    handler: ({ store, params, body }) => {
      const pi = store.get("payment_intent", params.id ?? "");
      if (pi.status !== "requires_capture") {
        throw unexpectedState(
          pi,
          `This PaymentIntent could not be captured because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.`,
        );
      }
      const amount = int(body, "amount_to_capture") ?? pi.amount_capturable;
      if (amount > pi.amount_capturable || amount < 1)
        throw invalidParam("amount_to_capture", `Amount to capture must be at most ${pi.amount_capturable}.`, "amount_too_large");
      const charge = store.update("charge", pi.latest_charge, { captured: true, amount_captured: amount });
      store.emit("charge.captured", charge, { captured: false, amount_captured: 0 });
      const done = store.update("payment_intent", pi.id, { status: "succeeded", amount_received: amount, amount_capturable: 0 });
      store.emit("payment_intent.succeeded", done);
      return done;
    },
  },
  {
    method: "POST",
    path: "/v1/payment_intents/:id/cancel",
    handler: ({ store, params, body, now }) => {
      const pi = store.get("payment_intent", params.id ?? "");
      if (!CANCELABLE.includes(pi.status)) {
        throw unexpectedState(
          pi,
          `You cannot cancel this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be canceled: ${CANCELABLE.join(", ")}.`,
        );
      }
      const reason = oneOf(body, "cancellation_reason", ["duplicate", "fraudulent", "requested_by_customer", "abandoned"]);
      const canceled = store.update("payment_intent", pi.id, {
        status: "canceled",
        canceled_at: now(),
        cancellation_reason: reason ?? null,
        next_action: null,
        amount_capturable: 0,
      });
      store.emit("payment_intent.canceled", canceled);
      return canceled;
    },
  },
  {
    method: "GET",
    path: "/v1/payment_intents",
    handler: ({ store, query }) => {
      const customer = str(query, "customer");
      return store.list(
        "payment_intent",
        (p) => (!customer || p.customer === customer) && inRange(query.created, p.created),
        query,
        "/v1/payment_intents",
      );
    },
  },
  // control: 3-D Secure (a page for people, JSON for tests) and confirm without the secret key
  {
    method: "GET",
    path: "/_fake/payment_intents/:id/authenticate",
    auth: false,
    handler: ({ store, params }) => {
      const pi = store.get("payment_intent", params.id ?? "");
      const action = `/_fake/payment_intents/${htmlEscape(pi.id)}/authenticate`;
      return reply(
        200,
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>3-D Secure test</title></head><body style="font-family:system-ui;max-width:32rem;margin:3rem auto">
<h1>3-D Secure (Stripe stand-in)</h1><p>${htmlEscape(money(pi.amount, pi.currency))} — ${htmlEscape(pi.id)} (${htmlEscape(pi.status)})</p>
<form method="post" action="${action}"><input type="hidden" name="outcome" value="succeed"><button>Complete authentication</button></form>
<form method="post" action="${action}"><input type="hidden" name="outcome" value="fail"><button>Fail authentication</button></form></body></html>`,
        { "Content-Type": "text/html; charset=utf-8" },
      );
    },
  },
  {
    method: "POST",
    path: "/_fake/payment_intents/:id/authenticate",
    auth: false,
    handler: ({ store, params, body, headers }) => {
      const outcome = body.outcome === "fail" ? "fail" : body.outcome === "succeed" || body.outcome === undefined ? "succeed" : undefined;
      if (!outcome) throw invalidParam("outcome", 'outcome must be "succeed" or "fail"');
      const before = store.get("payment_intent", params.id ?? "");
      const pi = authenticatePaymentIntent(store, before.id, outcome);
      const returnUrl = before.next_action?.redirect_to_url?.return_url;
      const fromForm = typeof headers["content-type"] === "string" && headers["content-type"].includes("application/x-www-form-urlencoded");
      if (fromForm && typeof returnUrl === "string") {
        const url = new URL(returnUrl);
        url.searchParams.set("payment_intent", pi.id);
        url.searchParams.set("payment_intent_client_secret", pi.client_secret);
        url.searchParams.set("redirect_status", pi.status === "succeeded" ? "succeeded" : "failed");
        return reply(303, "", { Location: url.toString(), "Content-Type": "text/plain" });
      }
      return pi;
    },
  },
  {
    method: "POST",
    path: "/_fake/payment_intents/:id/confirm",
    auth: false,
    handler: ({ store, params, body, base }) =>
      confirmPaymentIntent(store, store.get("payment_intent", params.id ?? ""), {
        paymentMethod: typeof body.payment_method === "string" ? body.payment_method : undefined,
        returnUrl: typeof body.return_url === "string" ? body.return_url : undefined,
        base,
      }),
  },
];
