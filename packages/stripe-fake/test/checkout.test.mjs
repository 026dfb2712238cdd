// @ts-check
import { describe, expect, it } from "vitest";
import { fakeStripe } from "../src/control.mjs";
import { control, PULL_SECRET, useFake } from "./helpers.mjs";

const t = useFake();

/** @param {Record<string, any>} [extra] */
function session(extra = {}) {
  return t.stripe.checkout.sessions.create({
    mode: "payment",
    line_items: [
      { price_data: { currency: "usd", unit_amount: 1500, product_data: { name: "Mug <b>" } }, quantity: 2 },
      { price_data: { currency: "usd", unit_amount: 500, product_data: { name: "Sticker" } }, quantity: 1 },
    ],
    success_url: "https://shop.example/done?cs={CHECKOUT_SESSION_ID}",
    cancel_url: "https://shop.example/cart",
    client_reference_id: "ref-1",
    customer_email: "payer@example.com",
    payment_intent_data: { metadata: { order_id: "ord_checkout" } },
    metadata: { order_id: "ord_checkout" },
    ...extra,
  });
}

describe("checkout sessions (payment mode)", () => {
  it("creates an open session with totals, a page URL, and line items on request", async () => {
    const cs = await session();
    expect(cs.id).toMatch(/^cs_test_/);
    expect(cs).toMatchObject({
      object: "checkout.session",
      mode: "payment",
      status: "open",
      payment_status: "unpaid",
      amount_subtotal: 3500,
      amount_total: 3500,
      currency: "usd",
      client_reference_id: "ref-1",
      customer_email: "payer@example.com",
      payment_intent: null,
      url: `${t.fake.url}/c/pay/${cs.id}`,
    });
    expect(cs.expires_at - cs.created).toBe(86400);
    expect("line_items" in cs).toBe(false);
    const items = await t.stripe.checkout.sessions.listLineItems(cs.id);
    expect(items.data.map((li) => [li.description, li.quantity, li.amount_total])).toEqual([
      ["Mug <b>", 2, 3000],
      ["Sticker", 1, 500],
    ]);
    const expanded = await t.stripe.checkout.sessions.retrieve(cs.id, { expand: ["line_items"] });
    expect(expanded.line_items?.data).toHaveLength(2);
    const page = await fetch(/** @type {string} */ (cs.url));
    expect(page.headers.get("content-type")).toContain("text/html");
    const html = await page.text();
    expect(html).toContain("Mug &#60;b&#62;");
    expect(html).toContain("$35.00");
  });

  it("completes from the page's form: PaymentIntent succeeded, 303 to success_url, checkout.session.completed", async () => {
    const cs = await session();
    const response = await fetch(`${t.fake.url}/c/pay/${cs.id}/complete`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "payment_method=pm_card_visa&email=payer%40example.com",
      redirect: "manual",
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`https://shop.example/done?cs=${cs.id}`);
    const done = await t.stripe.checkout.sessions.retrieve(cs.id, { expand: ["payment_intent"] });
    expect(done).toMatchObject({ status: "complete", payment_status: "paid", customer_details: { email: "payer@example.com" } });
    expect(done.payment_intent).toMatchObject({ status: "succeeded", amount: 3500, metadata: { order_id: "ord_checkout" } });
    const { body } = await control(t.fake.url, `/_fake/deliveries?related=${cs.id}`);
    const events = body.data.map((/** @type {any} */ d) => t.stripe.webhooks.constructEvent(d.payload, d.signature, PULL_SECRET));
    expect(events.map((/** @type {any} */ e) => e.type)).toEqual(["checkout.session.completed"]);
    expect(events[0].data.object).toMatchObject({ id: cs.id, payment_status: "paid", client_reference_id: "ref-1" });
    // paid once: completing again is refused
    const again = await fakeStripe(t.fake.url)
      .completeCheckout(cs.id)
      .catch((e) => e);
    expect(String(again)).toContain("400");
  });

  it("lists open sessions with their pay links on the stand-in's landing page", async () => {
    const cs = await session();
    const page = await fetch(`${t.fake.url}/`);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(await page.text()).toContain(`<a href="/c/pay/${cs.id}">pay</a>`);
  });

  it("shows the decline on the page and keeps the session open", async () => {
    const cs = await session();
    const response = await fetch(`${t.fake.url}/c/pay/${cs.id}/complete`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "payment_method=pm_card_chargeDeclined",
      redirect: "manual",
    });
    expect(response.status).toBe(402);
    expect(await response.text()).toContain("Your card was declined.");
    expect((await t.stripe.checkout.sessions.retrieve(cs.id)).status).toBe("open");
  });

  it("completes through the control client (JSON)", async () => {
    const cs = await session();
    const done = await fakeStripe(t.fake.url).completeCheckout(cs.id, { paymentMethod: "pm_card_authenticationRequired" });
    expect(done).toMatchObject({ id: cs.id, status: "complete", payment_status: "paid" });
  });

  it("expires on request and when the clock passes expires_at; lists by status", async () => {
    const cs = await session();
    const expired = await t.stripe.checkout.sessions.expire(cs.id);
    expect(expired.status).toBe("expired");
    await expect(t.stripe.checkout.sessions.expire(cs.id)).rejects.toMatchObject({ statusCode: 400 });
    const later = await session();
    await control(t.fake.url, "/_fake/clock/advance", { seconds: 86400 });
    expect((await t.stripe.checkout.sessions.retrieve(later.id)).status).toBe("expired");
    const list = await t.stripe.checkout.sessions.list({ status: "expired", limit: 100 });
    expect(list.data.map((s) => s.id)).toEqual(expect.arrayContaining([cs.id, later.id]));
    const { body } = await control(t.fake.url, `/_fake/deliveries?related=${later.id}`);
    expect(body.data.map((/** @type {any} */ d) => d.type)).toEqual(["checkout.session.expired"]);
  });

  it("validates mode, line items and currencies", async () => {
    await expect(t.stripe.checkout.sessions.create({ line_items: [] })).rejects.toMatchObject({ code: "parameter_missing", param: "mode" });
    await expect(t.stripe.checkout.sessions.create({ mode: "payment", success_url: "https://x" })).rejects.toMatchObject({
      param: "line_items",
    });
    await expect(
      t.stripe.checkout.sessions.create({ mode: "payment", line_items: [{ price: "price_missing", quantity: 1 }] }),
    ).rejects.toMatchObject({
      code: "resource_missing",
      param: "line_items[0][price]",
    });
    await expect(
      t.stripe.checkout.sessions.create({
        mode: "payment",
        line_items: [
          { price_data: { currency: "usd", unit_amount: 100, product_data: { name: "a" } }, quantity: 1 },
          { price_data: { currency: "eur", unit_amount: 100, product_data: { name: "b" } }, quantity: 1 },
        ],
      }),
    ).rejects.toMatchObject({ param: "line_items" });
    await expect(
      t.stripe.checkout.sessions.create({
        mode: "payment",
        line_items: [
          { price_data: { currency: "usd", unit_amount: 100, product_data: { name: "a" }, recurring: { interval: "month" } }, quantity: 1 },
        ],
      }),
    ).rejects.toMatchObject({ message: "You must be in subscription mode to use recurring prices." });
  });
});

describe("checkout sessions (subscription mode, through the billing hook)", () => {
  it("completes: a customer with the card as default, an active subscription with trial data, a paid invoice", async () => {
    const product = await t.stripe.products.create({ name: "Pro plan" });
    const price = await t.stripe.prices.create({
      product: product.id,
      unit_amount: 2000,
      currency: "usd",
      recurring: { interval: "month" },
    });
    const cs = await t.stripe.checkout.sessions.create({
      mode: "subscription",
      line_items: [{ price: price.id, quantity: 2 }],
      success_url: "https://saas.example/ok?cs={CHECKOUT_SESSION_ID}",
      customer_email: "sub@example.com",
      subscription_data: { metadata: { tenant: "t_1" } },
    });
    expect(cs).toMatchObject({ mode: "subscription", amount_total: 4000, customer: null, subscription: null });
    expect("subscription_data" in cs).toBe(false);
    const done = await fakeStripe(t.fake.url).completeCheckout(cs.id, { paymentMethod: "pm_card_visa" });
    expect(done).toMatchObject({ status: "complete", payment_status: "paid" });
    const subscription = await t.stripe.subscriptions.retrieve(/** @type {string} */ (done.subscription));
    expect(subscription).toMatchObject({ status: "active", customer: done.customer, metadata: { tenant: "t_1" } });
    expect(subscription.items.data[0]).toMatchObject({ quantity: 2, price: { id: price.id } });
    const customer = await t.stripe.customers.retrieve(/** @type {string} */ (done.customer));
    expect(customer).toMatchObject({
      email: "sub@example.com",
      invoice_settings: { default_payment_method: expect.stringMatching(/^pm_/) },
    });
    const invoice = await t.stripe.invoices.retrieve(/** @type {string} */ (done.invoice));
    expect(invoice).toMatchObject({ status: "paid", amount_paid: 4000 });
    const { body } = await control(t.fake.url, `/_fake/deliveries?related=${cs.id}`);
    expect(body.data.map((/** @type {any} */ d) => d.type)).toEqual(["checkout.session.completed"]);
  });

  it("a declined card answers 402 on the page and completes nothing", async () => {
    const product = await t.stripe.products.create({ name: "Basic plan" });
    const price = await t.stripe.prices.create({
      product: product.id,
      unit_amount: 900,
      currency: "usd",
      recurring: { interval: "month" },
    });
    const cs = await t.stripe.checkout.sessions.create({
      mode: "subscription",
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: "https://x.example/ok",
    });
    const response = await fetch(`${t.fake.url}/c/pay/${cs.id}/complete`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "payment_method=pm_card_chargeDeclined",
      redirect: "manual",
    });
    expect(response.status).toBe(402);
    expect(await response.text()).toContain("Your card was declined.");
    expect(await t.stripe.checkout.sessions.retrieve(cs.id)).toMatchObject({ status: "open", subscription: null });
  });
});
