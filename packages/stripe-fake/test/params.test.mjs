// @ts-check
// Stripe refuses what it does not know: unknown params (top level, nested, in arrays, in query strings) and
// unsupported currencies are 400 invalid_request_error with the param named, so a typo in a product's Stripe call
// fails in tests the way it would fail in production.
import { describe, expect, it } from "vitest";
import { hasAcceptedParams } from "../src/accepted.mjs";
import { minorDigits, SUPPORTED_CURRENCIES } from "../src/currencies.mjs";
import { modules } from "../src/resources/index.mjs";
import { useFake } from "./helpers.mjs";

const t = useFake();

/**
 * A raw form POST/GET with a test key.
 * @param {string} path
 * @param {string} [form] a POST body; without it a GET
 * @param {Record<string, string>} [headers]
 */
async function raw(path, form, headers = {}) {
  const response = await fetch(`${t.fake.url}${path}`, {
    method: form === undefined ? "GET" : "POST",
    headers: { authorization: "Bearer sk_test_params", "content-type": "application/x-www-form-urlencoded", ...headers },
    ...(form === undefined ? {} : { body: form }),
  });
  return { status: response.status, body: await response.json() };
}

describe("unknown parameters", () => {
  it("refuses an unknown top-level param with Stripe's 400 parameter_unknown and creates nothing", async () => {
    const email = `unknown-${Date.now()}@example.com`;
    const before = (await t.stripe.events.list({ type: "customer.created", limit: 100 })).data.length;
    const { status, body } = await raw("/v1/customers", `email=${encodeURIComponent(email)}&unknown_param=1`);
    expect(status).toBe(400);
    expect(body.error).toMatchObject({
      type: "invalid_request_error",
      code: "parameter_unknown",
      param: "unknown_param",
      message: "Received unknown parameter: unknown_param",
    });
    expect((await t.stripe.customers.list({ email })).data).toEqual([]);
    expect((await t.stripe.events.list({ type: "customer.created", limit: 100 })).data.length).toBe(before);
  });

  it("raises StripeInvalidRequestError in the SDK, naming the param", async () => {
    const params = /** @type {any} */ ({ email: "typo@example.com", emial: "typo@example.com" });
    await expect(t.stripe.customers.create(params)).rejects.toMatchObject({
      type: "StripeInvalidRequestError",
      statusCode: 400,
      code: "parameter_unknown",
      param: "emial",
      message: "Received unknown parameter: emial",
    });
  });

  it("names the path of an unknown key inside a nested object", async () => {
    const params = /** @type {any} */ ({
      amount: 1000,
      currency: "usd",
      payment_method_data: { type: "card", foo: "1" },
    });
    await expect(t.stripe.paymentIntents.create(params)).rejects.toMatchObject({
      code: "parameter_unknown",
      param: "payment_method_data[foo]",
      message: "Received unknown parameter: payment_method_data[foo]",
    });
  });

  it("names the index of an unknown key inside an array of objects, at any known depth", async () => {
    const line = { price_data: { currency: "usd", unit_amount: 500, product_data: { name: "Mug" } }, quantity: 1 };
    const base = { mode: /** @type {const} */ ("payment"), success_url: "https://shop.example/ok" };
    await expect(
      t.stripe.checkout.sessions.create(/** @type {any} */ ({ ...base, line_items: [line, { ...line, qty: 2 }] })),
    ).rejects.toMatchObject({ code: "parameter_unknown", param: "line_items[1][qty]" });
    await expect(
      t.stripe.checkout.sessions.create(
        /** @type {any} */ ({ ...base, line_items: [{ ...line, price_data: { ...line.price_data, amount: 500 } }] }),
      ),
    ).rejects.toMatchObject({ code: "parameter_unknown", param: "line_items[0][price_data][amount]" });
    const ok = await t.stripe.checkout.sessions.create({ ...base, line_items: [line] });
    expect(ok.amount_total).toBe(500);
  });

  it("refuses deep junk under an unknown name by its top-level name", async () => {
    const { status, body } = await raw("/v1/customers", "a[b][c][d]=1");
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: "parameter_unknown", param: "a" });
  });

  it("lets free-form maps take any key and always accepts expand", async () => {
    const customer = await t.stripe.customers.create({ email: "free@example.com", metadata: { anything_goes: "1", "odd key": "2" } });
    expect(customer.metadata).toEqual({ anything_goes: "1", "odd key": "2" });
    const intent = await t.stripe.paymentIntents.create({
      amount: 1000,
      currency: "usd",
      customer: customer.id,
      metadata: { order_id: "o_1" },
      expand: ["customer"],
    });
    expect(intent.customer).toMatchObject({ id: customer.id, object: "customer" });
  });

  it("refuses unknown query params on GET routes", async () => {
    await expect(t.stripe.customers.list(/** @type {any} */ ({ emial: "x@example.com" }))).rejects.toMatchObject({
      code: "parameter_unknown",
      param: "emial",
    });
    await expect(t.stripe.customers.list(/** @type {any} */ ({ created: { gte: 1, after: 2 } }))).rejects.toMatchObject({
      code: "parameter_unknown",
      param: "created[after]",
    });
    const { status } = await raw("/v1/customers?limit=3&created[gte]=1&expand[]=data.default_source");
    expect(status).toBe(200);
  });

  it("keeps no idempotent result for a refused request: the same key with fixed params then succeeds", async () => {
    const key = `idem-unknown-${Date.now()}`;
    const first = await raw("/v1/customers", "email=idem@example.com&nmae=Ada", { "idempotency-key": key });
    expect(first.status).toBe(400);
    const second = await raw("/v1/customers", "email=idem@example.com&name=Ada", { "idempotency-key": key });
    expect(second.status).toBe(200);
    expect(second.body.name).toBe("Ada");
  });

  it("knows the accepted params of every /v1 route it serves", () => {
    const missing = modules
      .flatMap((m) => m.routes)
      .filter((r) => r.path.startsWith("/v1/") && !hasAcceptedParams(r.method, r.path))
      .map((r) => `${r.method} ${r.path}`);
    expect(missing).toEqual([]);
  });
});

describe("currencies", () => {
  it("refuses an unsupported currency with Stripe's message and param", async () => {
    const { status, body } = await raw("/v1/payment_intents", "amount=100&currency=xxx");
    expect(status).toBe(400);
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.param).toBe("currency");
    expect(body.error.message).toMatch(/^Invalid currency: xxx\. Stripe currently supports these currencies: usd, aed, afn, /);
    expect((await t.stripe.paymentIntents.list({ limit: 100 })).data.filter((pi) => pi.currency === "xxx")).toEqual([]);
  });

  it("accepts any case and answers lowercase", async () => {
    const intent = await t.stripe.paymentIntents.create({ amount: 1000, currency: "EUR" });
    expect(intent.currency).toBe("eur");
  });

  it("names nested currencies in prices, checkout line items and subscription items", async () => {
    const product = await t.stripe.products.create({ name: "Plan" });
    await expect(t.stripe.prices.create({ product: product.id, currency: "abc", unit_amount: 100 })).rejects.toMatchObject({
      statusCode: 400,
      param: "currency",
      message: expect.stringMatching(/^Invalid currency: abc\./),
    });
    await expect(
      t.stripe.checkout.sessions.create({
        mode: "payment",
        success_url: "https://shop.example/ok",
        line_items: [{ price_data: { currency: "zzz", unit_amount: 500, product_data: { name: "Mug" } }, quantity: 1 }],
      }),
    ).rejects.toMatchObject({ param: "line_items[0][price_data][currency]" });
    const customer = await t.stripe.customers.create({ email: "sub-currency@example.com" });
    await expect(
      t.stripe.subscriptions.create({
        customer: customer.id,
        payment_behavior: "default_incomplete",
        items: [{ price_data: { currency: "qqq", product: product.id, unit_amount: 100, recurring: { interval: "month" } } }],
      }),
    ).rejects.toMatchObject({ param: "items[0][price_data][currency]" });
  });

  it("treats zero-decimal currencies as whole units in amounts and messages", async () => {
    const intent = await t.stripe.paymentIntents.create({ amount: 500, currency: "jpy" });
    expect(intent.amount).toBe(500);
    await expect(t.stripe.paymentIntents.create({ amount: 10, currency: "jpy" })).rejects.toMatchObject({
      code: "amount_too_small",
      message: "Amount must be at least ¥50 jpy",
    });
    await expect(t.stripe.paymentIntents.create({ amount: 10, currency: "eur" })).rejects.toMatchObject({
      message: "Amount must be at least €0.50 eur",
    });
    expect([minorDigits("jpy"), minorDigits("krw"), minorDigits("usd"), minorDigits("kwd")]).toEqual([0, 0, 2, 3]);
    expect(SUPPORTED_CURRENCIES).toContain("usd");
    expect(SUPPORTED_CURRENCIES).not.toContain("xxx");
  });
});
