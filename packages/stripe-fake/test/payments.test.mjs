// @ts-check
import { describe, expect, it } from "vitest";
import { control, PULL_SECRET, useFake } from "./helpers.mjs";

const t = useFake();

/**
 * @param {string} related
 * @returns {Promise<string[]>}
 */
async function eventTypes(related) {
  const { body } = await control(t.fake.url, `/_fake/deliveries?related=${related}`);
  return body.data.map((/** @type {any} */ d) => t.stripe.webhooks.constructEvent(d.payload, d.signature, PULL_SECRET).type);
}

describe("payment intents", () => {
  it("creates with a client secret and confirms with pm_card_visa: a charge, succeeded, events", async () => {
    const customer = await t.stripe.customers.create({ email: "buyer@example.com" });
    const pi = await t.stripe.paymentIntents.create({
      amount: 2599,
      currency: "USD",
      customer: customer.id,
      metadata: { order_id: "ord_visa" },
      description: "Order 1",
      automatic_payment_methods: { enabled: true },
      receipt_email: "buyer@example.com",
    });
    expect(pi).toMatchObject({
      object: "payment_intent",
      amount: 2599,
      currency: "usd",
      status: "requires_payment_method",
      customer: customer.id,
      latest_charge: null,
    });
    expect(pi.id).toMatch(/^pi_/);
    expect(pi.client_secret).toMatch(new RegExp(`^${pi.id}_secret_[A-Za-z0-9_-]+$`));
    expect(pi.automatic_payment_methods).toEqual({ allow_redirects: "always", enabled: true });
    const done = await t.stripe.paymentIntents.confirm(pi.id, { payment_method: "pm_card_visa" });
    expect(done).toMatchObject({ status: "succeeded", amount_received: 2599 });
    expect(done.payment_method).toMatch(/^pm_/);
    const charge = await t.stripe.charges.retrieve(/** @type {string} */ (done.latest_charge));
    expect(charge).toMatchObject({
      object: "charge",
      amount: 2599,
      amount_refunded: 0,
      refunded: false,
      paid: true,
      status: "succeeded",
      payment_intent: pi.id,
      customer: customer.id,
      metadata: { order_id: "ord_visa" },
      receipt_email: "buyer@example.com",
      payment_method_details: { type: "card", card: { brand: "visa", last4: "4242" } },
    });
    expect(await eventTypes("ord_visa")).toEqual(["payment_intent.created", "charge.succeeded", "payment_intent.succeeded"]);
  });

  it("expands latest_charge and customer, and payment_intent on a charge", async () => {
    const customer = await t.stripe.customers.create({ name: "Expand" });
    const pi = await t.stripe.paymentIntents.create({
      amount: 1000,
      currency: "eur",
      customer: customer.id,
      payment_method: "pm_card_mastercard",
      confirm: true,
    });
    const expanded = await t.stripe.paymentIntents.retrieve(pi.id, { expand: ["latest_charge", "customer"] });
    expect(expanded.latest_charge).toMatchObject({
      object: "charge",
      payment_method_details: { card: { brand: "mastercard", last4: "4444" } },
    });
    expect(expanded.customer).toMatchObject({ id: customer.id, name: "Expand" });
    const charges = await t.stripe.charges.list({ payment_intent: pi.id, expand: ["data.payment_intent"] });
    expect(charges.data[0]?.payment_intent).toMatchObject({ id: pi.id, status: "succeeded" });
    await expect(t.stripe.paymentIntents.retrieve(pi.id, { expand: ["nope"] })).rejects.toMatchObject({ statusCode: 400, param: "expand" });
  });

  it("expands through an intermediate id (payment_intent.customer on a charge)", async () => {
    const customer = await t.stripe.customers.create({ name: "Deep" });
    const pi = await t.stripe.paymentIntents.create({
      amount: 1000,
      currency: "usd",
      customer: customer.id,
      payment_method: "pm_card_visa",
      confirm: true,
    });
    const charge = await t.stripe.charges.retrieve(/** @type {string} */ (pi.latest_charge), { expand: ["payment_intent.customer"] });
    expect(charge.payment_intent).toMatchObject({ id: pi.id, customer: { id: customer.id, name: "Deep" } });
  });

  it("declines an off-session 3-D Secure card with authentication_required", async () => {
    await expect(
      t.stripe.paymentIntents.create({
        amount: 1000,
        currency: "usd",
        payment_method: "pm_card_authenticationRequired",
        confirm: true,
        off_session: true,
      }),
    ).rejects.toMatchObject({ type: "StripeCardError", code: "authentication_required", decline_code: "authentication_required" });
  });

  it("declines pm_card_chargeDeclined with a 402 StripeCardError and keeps the intent payable", async () => {
    const pi = await t.stripe.paymentIntents.create({ amount: 1500, currency: "usd", metadata: { order_id: "ord_declined" } });
    const error = await t.stripe.paymentIntents.confirm(pi.id, { payment_method: "pm_card_chargeDeclined" }).catch((e) => e);
    expect(error).toMatchObject({
      type: "StripeCardError",
      statusCode: 402,
      code: "card_declined",
      decline_code: "generic_declined",
      message: "Your card was declined.",
    });
    expect(error.raw.payment_intent).toMatchObject({
      id: pi.id,
      status: "requires_payment_method",
      last_payment_error: { code: "card_declined", type: "card_error" },
    });
    const after = await t.stripe.paymentIntents.retrieve(pi.id);
    expect(after.status).toBe("requires_payment_method");
    expect(await t.stripe.charges.retrieve(/** @type {string} */ (after.latest_charge))).toMatchObject({
      status: "failed",
      paid: false,
      failure_code: "card_declined",
    });
    expect(await eventTypes("ord_declined")).toEqual(["payment_intent.created", "charge.failed", "payment_intent.payment_failed"]);
    // a second attempt with a good card succeeds
    expect((await t.stripe.paymentIntents.confirm(pi.id, { payment_method: "pm_card_visa" })).status).toBe("succeeded");
  });

  it("replays a decline for the same idempotency key (402 again, no second charge)", async () => {
    const pi = await t.stripe.paymentIntents.create({ amount: 1500, currency: "usd" });
    const key = `confirm-${pi.id}`;
    const first = await t.stripe.paymentIntents
      .confirm(pi.id, { payment_method: "pm_card_chargeDeclined" }, { idempotencyKey: key })
      .catch((e) => e);
    const second = await t.stripe.paymentIntents
      .confirm(pi.id, { payment_method: "pm_card_chargeDeclined" }, { idempotencyKey: key })
      .catch((e) => e);
    expect(first).toMatchObject({ statusCode: 402, code: "card_declined" });
    expect(second).toMatchObject({ statusCode: 402, code: "card_declined", headers: { "idempotent-replayed": "true" } });
    expect(second.raw.charge).toBe(first.raw.charge);
    expect((await t.stripe.charges.list({ payment_intent: pi.id })).data).toHaveLength(1);
  });

  it("declines insufficient funds with its decline code, on create with confirm: true", async () => {
    await expect(
      t.stripe.paymentIntents.create({
        amount: 5000,
        currency: "usd",
        payment_method: "pm_card_chargeDeclinedInsufficientFunds",
        confirm: true,
      }),
    ).rejects.toMatchObject({
      type: "StripeCardError",
      code: "card_declined",
      decline_code: "insufficient_funds",
      message: "Your card has insufficient funds.",
    });
  });

  it("stops at requires_action for pm_card_authenticationRequired until authenticated", async () => {
    const pi = await t.stripe.paymentIntents.create({ amount: 3000, currency: "usd", metadata: { order_id: "ord_3ds" } });
    const waiting = await t.stripe.paymentIntents.confirm(pi.id, {
      payment_method: "pm_card_authenticationRequired",
      return_url: "https://shop.example/return",
    });
    expect(waiting.status).toBe("requires_action");
    expect(waiting.next_action).toMatchObject({
      type: "redirect_to_url",
      redirect_to_url: { return_url: "https://shop.example/return", url: `${t.fake.url}/_fake/payment_intents/${pi.id}/authenticate` },
    });
    const page = await fetch(`${t.fake.url}/_fake/payment_intents/${pi.id}/authenticate`);
    expect(await page.text()).toContain("Complete authentication");
    const done = await control(t.fake.url, `/_fake/payment_intents/${pi.id}/authenticate`, { outcome: "succeed" });
    expect(done.body).toMatchObject({ status: "succeeded", next_action: null });
    expect(await eventTypes("ord_3ds")).toEqual([
      "payment_intent.created",
      "payment_intent.requires_action",
      "charge.succeeded",
      "payment_intent.succeeded",
    ]);
    expect((await control(t.fake.url, `/_fake/payment_intents/${pi.id}/authenticate`, { outcome: "succeed" })).status).toBe(400);
  });

  it("fails authentication: requires_payment_method with payment_intent_authentication_failure", async () => {
    const pi = await t.stripe.paymentIntents.create({
      amount: 3000,
      currency: "usd",
      payment_method: "pm_card_authenticationRequired",
      confirm: true,
    });
    expect(pi.status).toBe("requires_action");
    expect(pi.next_action?.type).toBe("use_stripe_sdk");
    const failed = await control(t.fake.url, `/_fake/payment_intents/${pi.id}/authenticate`, { outcome: "fail" });
    expect(failed.body).toMatchObject({
      status: "requires_payment_method",
      last_payment_error: { code: "payment_intent_authentication_failure" },
    });
  });

  it("cancels, refuses to confirm or cancel again with payment_intent_unexpected_state", async () => {
    const pi = await t.stripe.paymentIntents.create({ amount: 900, currency: "usd" });
    const canceled = await t.stripe.paymentIntents.cancel(pi.id, { cancellation_reason: "abandoned" });
    expect(canceled).toMatchObject({ status: "canceled", cancellation_reason: "abandoned" });
    expect(canceled.canceled_at).toBeGreaterThan(0);
    await expect(t.stripe.paymentIntents.confirm(pi.id, { payment_method: "pm_card_visa" })).rejects.toMatchObject({
      type: "StripeInvalidRequestError",
      code: "payment_intent_unexpected_state",
    });
    await expect(t.stripe.paymentIntents.cancel(pi.id)).rejects.toMatchObject({ code: "payment_intent_unexpected_state" });
  });

  it("updates amount and metadata, lists by customer, validates params", async () => {
    const customer = await t.stripe.customers.create({});
    const pi = await t.stripe.paymentIntents.create({ amount: 1000, currency: "usd", customer: customer.id, metadata: { a: "1" } });
    const updated = await t.stripe.paymentIntents.update(pi.id, { amount: 1200, metadata: { b: "2" } });
    expect(updated).toMatchObject({ amount: 1200, metadata: { a: "1", b: "2" } });
    const list = await t.stripe.paymentIntents.list({ customer: customer.id });
    expect(list.data.map((p) => p.id)).toEqual([pi.id]);
    await expect(t.stripe.paymentIntents.create({ amount: 10, currency: "usd" })).rejects.toMatchObject({
      code: "amount_too_small",
      param: "amount",
    });
    // @ts-expect-error: amount is required
    await expect(t.stripe.paymentIntents.create({ currency: "usd" })).rejects.toMatchObject({ code: "parameter_missing", param: "amount" });
    await expect(t.stripe.paymentIntents.create({ amount: 1000, currency: "usd", customer: "cus_missing" })).rejects.toMatchObject({
      code: "resource_missing",
      param: "customer",
    });
    await expect(t.stripe.paymentIntents.confirm(pi.id)).rejects.toMatchObject({ code: "payment_intent_unexpected_state" });
  });

  it("captures a manual-capture intent", async () => {
    const pi = await t.stripe.paymentIntents.create({
      amount: 2000,
      currency: "usd",
      capture_method: "manual",
      payment_method: "pm_card_visa",
      confirm: true,
    });
    expect(pi).toMatchObject({ status: "requires_capture", amount_capturable: 2000 });
    const captured = await t.stripe.paymentIntents.capture(pi.id, { amount_to_capture: 1500 });
    expect(captured).toMatchObject({ status: "succeeded", amount_received: 1500 });
    expect(await t.stripe.charges.retrieve(/** @type {string} */ (captured.latest_charge))).toMatchObject({
      captured: true,
      amount_captured: 1500,
    });
  });

  it("confirms through the control API without the secret key", async () => {
    const pi = await t.stripe.paymentIntents.create({ amount: 700, currency: "usd" });
    const confirmed = await control(t.fake.url, `/_fake/payment_intents/${pi.id}/confirm`, { payment_method: "pm_card_visa" });
    expect(confirmed).toMatchObject({ status: 200, body: { status: "succeeded" } });
    const declined = await control(t.fake.url, `/_fake/payment_intents/${pi.id}/confirm`, { payment_method: "pm_card_visa" });
    expect(declined.status).toBe(400);
  });
});

describe("payment methods", () => {
  it("creates from a test card number, attaches and lists by customer", async () => {
    const customer = await t.stripe.customers.create({});
    const pm = await t.stripe.paymentMethods.create({
      type: "card",
      card: { number: "4000000000000002", exp_month: 12, exp_year: 2040, cvc: "123" },
    });
    expect(pm).toMatchObject({ object: "payment_method", type: "card", card: { last4: "0002", brand: "visa" }, customer: null });
    await t.stripe.paymentMethods.attach(pm.id, { customer: customer.id });
    expect((await t.stripe.customers.listPaymentMethods(customer.id)).data.map((p) => p.id)).toEqual([pm.id]);
    // it behaves like the card it was made from
    await expect(
      t.stripe.paymentIntents.create({ amount: 800, currency: "usd", customer: customer.id, payment_method: pm.id, confirm: true }),
    ).rejects.toMatchObject({
      code: "card_declined",
    });
    await expect(
      t.stripe.paymentIntents.create({ amount: 800, currency: "usd", payment_method: "pm_card_nope", confirm: true }),
    ).rejects.toMatchObject({
      code: "resource_missing",
      param: "payment_method",
    });
  });
});

describe("refunds", () => {
  /** @param {number} amount */
  async function paid(amount) {
    return t.stripe.paymentIntents.create({
      amount,
      currency: "usd",
      payment_method: "pm_card_visa",
      confirm: true,
      metadata: { order_id: `ord_r_${amount}_${Date.now()}` },
    });
  }

  it("refunds partially, then the rest, then refuses charge_already_refunded", async () => {
    const pi = await paid(5000);
    const first = await t.stripe.refunds.create({
      payment_intent: pi.id,
      amount: 2000,
      reason: "requested_by_customer",
      metadata: { line: "a" },
    });
    expect(first).toMatchObject({
      object: "refund",
      amount: 2000,
      status: "succeeded",
      payment_intent: pi.id,
      charge: pi.latest_charge,
      reason: "requested_by_customer",
    });
    expect(first.id).toMatch(/^re_/);
    expect(await t.stripe.charges.retrieve(/** @type {string} */ (pi.latest_charge))).toMatchObject({
      amount_refunded: 2000,
      refunded: false,
    });
    await expect(t.stripe.refunds.create({ payment_intent: pi.id, amount: 3001 })).rejects.toMatchObject({
      type: "StripeInvalidRequestError",
      statusCode: 400,
      code: "amount_too_large",
      param: "amount",
      message: "Refund amount ($30.01) is greater than unrefunded amount on charge ($30.00)",
    });
    const rest = await t.stripe.refunds.create({ charge: /** @type {string} */ (pi.latest_charge) });
    expect(rest.amount).toBe(3000);
    expect(await t.stripe.charges.retrieve(/** @type {string} */ (pi.latest_charge))).toMatchObject({
      amount_refunded: 5000,
      refunded: true,
    });
    await expect(t.stripe.refunds.create({ payment_intent: pi.id })).rejects.toMatchObject({
      code: "charge_already_refunded",
      message: `Charge ${pi.latest_charge} has already been refunded.`,
    });
    expect((await t.stripe.refunds.list({ payment_intent: pi.id })).data.map((r) => r.id)).toEqual([rest.id, first.id]);
    expect((await t.stripe.refunds.retrieve(first.id)).metadata).toEqual({ line: "a" });
    const types = await eventTypes(pi.id);
    expect(types.filter((x) => x.startsWith("charge.refunded"))).toHaveLength(2);
    expect(types.filter((x) => x === "refund.created")).toHaveLength(2);
  });

  it("carries previous_attributes on charge.refunded", async () => {
    const pi = await paid(1000);
    await t.stripe.refunds.create({ payment_intent: pi.id });
    const events = await t.stripe.events.list({ type: "charge.refunded", limit: 5 });
    const event = events.data.find((e) => /** @type {any} */ (e.data.object).payment_intent === pi.id);
    expect(event?.data.previous_attributes).toEqual({ amount_refunded: 0, refunded: false });
  });

  it("refuses an intent that has not succeeded and a request with neither param", async () => {
    const pi = await t.stripe.paymentIntents.create({ amount: 1000, currency: "usd" });
    await expect(t.stripe.refunds.create({ payment_intent: pi.id })).rejects.toMatchObject({ code: "charge_not_refundable" });
    await expect(t.stripe.refunds.create({})).rejects.toMatchObject({ code: "parameter_missing" });
  });

  it("replays a refund with the same idempotency key instead of refunding twice", async () => {
    const pi = await paid(4000);
    const key = `refund-${pi.id}`;
    const a = await t.stripe.refunds.create({ payment_intent: pi.id, amount: 1000 }, { idempotencyKey: key });
    const b = await t.stripe.refunds.create({ payment_intent: pi.id, amount: 1000 }, { idempotencyKey: key });
    expect(b.id).toBe(a.id);
    expect(await t.stripe.charges.retrieve(/** @type {string} */ (pi.latest_charge))).toMatchObject({ amount_refunded: 1000 });
  });
});
