// @ts-check
// Subscriptions through the real stripe SDK: the first invoice, payment behaviours, proration on a plan change
// (exact amounts), renewals on the fake clock, retries, cancellation, trials, and the events with signatures.
import { describe, expect, it } from "vitest";
import { control, PULL_SECRET, useFake } from "./helpers.mjs";

const t = useFake();
const DAY = 86_400;

/**
 * Every event delivered about `related` (pulled from the test endpoint), signatures verified.
 * @param {string} related
 * @returns {Promise<any[]>}
 */
async function events(related) {
  const { body } = await control(t.fake.url, `/_fake/deliveries?related=${related}&peek=1`);
  return body.data.map((/** @type {any} */ d) => t.stripe.webhooks.constructEvent(d.payload, d.signature, PULL_SECRET));
}

/** The fake's clock (tests share one fake, and every test moves its clock). */
async function fakeNow() {
  const { body } = await control(t.fake.url, "/_fake/clock");
  return /** @type {number} */ (body.now);
}

/** @param {number} seconds */
async function advance(seconds) {
  const { status } = await control(t.fake.url, "/_fake/clock/advance", { seconds });
  expect(status).toBe(200);
}

/**
 * A monthly price of `amount` cents on a new product.
 * @param {number} amount
 * @param {string} [name]
 */
async function monthly(amount, name = "Plan") {
  const product = await t.stripe.products.create({ name });
  return t.stripe.prices.create({ product: product.id, currency: "usd", unit_amount: amount, recurring: { interval: "month" } });
}

/** @param {string} [pm] */
async function customer(pm = "pm_card_visa") {
  const c = await t.stripe.customers.create({ email: "sub@example.com" });
  if (pm) await t.stripe.customers.update(c.id, { invoice_settings: { default_payment_method: pm } });
  return c;
}

describe("subscriptions: create", () => {
  it("bills the first period at once with the customer's default card: active, invoice paid, Stripe's shapes", async () => {
    const price = await monthly(1000, "Pro");
    const c = await customer();
    const sub = await t.stripe.subscriptions.create({
      customer: c.id,
      items: [{ price: price.id, quantity: 2 }],
      metadata: { plan: "pro" },
      expand: ["latest_invoice"],
    });
    expect(sub.id).toMatch(/^sub_/);
    expect(sub).toMatchObject({
      object: "subscription",
      status: "active",
      customer: c.id,
      currency: "usd",
      cancel_at_period_end: false,
      metadata: { plan: "pro" },
    });
    const item = sub.items.data[0];
    expect(item?.id).toMatch(/^si_/);
    expect(item).toMatchObject({
      object: "subscription_item",
      quantity: 2,
      price: { id: price.id, unit_amount: 1000 },
      plan: { id: price.id, amount: 1000, interval: "month" },
    });
    const start = /** @type {number} */ (item?.current_period_start);
    const end = new Date(start * 1000);
    end.setUTCMonth(end.getUTCMonth() + 1);
    if (end.getUTCDate() !== new Date(start * 1000).getUTCDate()) end.setUTCDate(0);
    expect(item?.current_period_end).toBe(Math.floor(end.getTime() / 1000));
    const invoice = /** @type {import("stripe").Stripe.Invoice} */ (sub.latest_invoice);
    expect(invoice.id).toMatch(/^in_/);
    expect(invoice).toMatchObject({
      object: "invoice",
      status: "paid",
      billing_reason: "subscription_create",
      customer: c.id,
      subtotal: 2000,
      total: 2000,
      amount_due: 2000,
      amount_paid: 2000,
      amount_remaining: 0,
      parent: { type: "subscription_details", subscription_details: { subscription: sub.id } },
    });
    expect(invoice.number).toMatch(/^[0-9A-F]+-0001$/);
    expect(invoice.hosted_invoice_url).toBe(`${t.fake.url}/i/${invoice.id}`);
    expect(invoice.lines.data).toHaveLength(1);
    expect(invoice.lines.data[0]).toMatchObject({
      object: "line_item",
      amount: 2000,
      quantity: 2,
      description: "2 × Pro (at $10.00 / month)",
      period: { start, end: item?.current_period_end },
      parent: {
        type: "subscription_item_details",
        subscription_item_details: { subscription: sub.id, subscription_item: item?.id, proration: false },
      },
      pricing: { type: "price_details", price_details: { price: price.id, product: price.product } },
    });
    const pi = await t.stripe.paymentIntents.retrieve(/** @type {string} */ (invoice.payments?.data[0]?.payment.payment_intent));
    expect(pi).toMatchObject({ status: "succeeded", amount: 2000, customer: c.id, description: "Subscription creation" });
    const types = (await events(c.id)).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        "customer.subscription.created",
        "invoice.created",
        "invoice.finalized",
        "invoice.paid",
        "invoice.payment_succeeded",
      ]),
    );
    // paid within the create call: created carries status active, and no updated event follows
    const created = (await events(c.id)).find((e) => e.type === "customer.subscription.created");
    expect(created?.data.object).toMatchObject({ id: sub.id, status: "active" });
    expect(types).not.toContain("customer.subscription.updated");
    const page = await fetch(/** @type {string} */ (invoice.hosted_invoice_url));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("2 × Pro (at $10.00 / month)");
  });

  it("pm_card_chargeDeclined: incomplete, the invoice open with one failed attempt; paying it later activates", async () => {
    const price = await monthly(1500);
    const c = await customer("pm_card_chargeDeclined");
    const sub = await t.stripe.subscriptions.create({ customer: c.id, items: [{ price: price.id }] });
    expect(sub.status).toBe("incomplete");
    const invoice = await t.stripe.invoices.retrieve(/** @type {string} */ (sub.latest_invoice));
    expect(invoice).toMatchObject({ status: "open", attempt_count: 1, attempted: true, amount_due: 1500, amount_paid: 0 });
    expect((await events(invoice.id)).map((e) => e.type)).toContain("invoice.payment_failed");
    await expect(t.stripe.invoices.pay(invoice.id)).rejects.toMatchObject({
      type: "StripeCardError",
      code: "card_declined",
      statusCode: 402,
    });
    await expect(
      t.stripe.subscriptions.create({ customer: c.id, items: [{ price: price.id }], payment_behavior: "error_if_incomplete" }),
    ).rejects.toMatchObject({ statusCode: 402, type: "StripeCardError", code: "card_declined" });
    const expired = (await t.stripe.subscriptions.list({ customer: c.id, status: "incomplete_expired" })).data;
    expect(expired).toHaveLength(1);
    expect((await t.stripe.invoices.retrieve(/** @type {string} */ (expired[0]?.latest_invoice))).status).toBe("void");
    const paid = await t.stripe.invoices.pay(invoice.id, { payment_method: "pm_card_visa" });
    expect(paid).toMatchObject({ status: "paid", amount_paid: 1500 });
    expect((await t.stripe.subscriptions.retrieve(sub.id)).status).toBe("active");
  });

  it("default_incomplete: incomplete with a confirmation secret; confirming the PaymentIntent pays and activates", async () => {
    const price = await monthly(2500);
    const c = await customer("");
    const sub = await t.stripe.subscriptions.create({
      customer: c.id,
      items: [{ price: price.id }],
      payment_behavior: "default_incomplete",
      payment_settings: { save_default_payment_method: "on_subscription" },
      expand: ["latest_invoice.confirmation_secret"],
    });
    expect(sub.status).toBe("incomplete");
    const invoice = /** @type {import("stripe").Stripe.Invoice} */ (sub.latest_invoice);
    expect(invoice.status).toBe("open");
    const secret = /** @type {string} */ (invoice.confirmation_secret?.client_secret);
    expect(invoice.confirmation_secret?.type).toBe("payment_intent");
    const piId = secret.slice(0, secret.indexOf("_secret_"));
    const pi = await t.stripe.paymentIntents.confirm(piId, { payment_method: "pm_card_visa" });
    expect(pi.status).toBe("succeeded");
    expect(await t.stripe.invoices.retrieve(invoice.id)).toMatchObject({ status: "paid", amount_paid: 2500, confirmation_secret: null });
    expect((await t.stripe.subscriptions.retrieve(sub.id)).status).toBe("active");
    const subEvents = (await events(c.id)).filter((e) => e.type.startsWith("customer.subscription."));
    expect(subEvents.map((e) => [e.type, e.data.object.status])).toEqual([
      ["customer.subscription.created", "incomplete"],
      ["customer.subscription.updated", "incomplete"],
      ["customer.subscription.updated", "active"],
    ]);
    expect(subEvents.at(-1)?.data.previous_attributes).toEqual({ status: "incomplete" });
    // save_default_payment_method=on_subscription: the card that paid is the subscription's default for renewals
    expect((await t.stripe.subscriptions.retrieve(sub.id)).default_payment_method).toBe(pi.payment_method);
  });

  it("pm_card_authenticationRequired: incomplete until 3-D Secure passes; off session (a renewal) it declines", async () => {
    const price = await monthly(1100);
    const c = await customer("pm_card_authenticationRequired");
    const sub = await t.stripe.subscriptions.create({ customer: c.id, items: [{ price: price.id }], expand: ["latest_invoice.payments"] });
    expect(sub.status).toBe("incomplete");
    const invoice = /** @type {import("stripe").Stripe.Invoice} */ (sub.latest_invoice);
    const piId = /** @type {string} */ (invoice.payments?.data[0]?.payment.payment_intent);
    expect((await t.stripe.paymentIntents.retrieve(piId)).status).toBe("requires_action");
    expect((await events(c.id)).map((e) => e.type)).toContain("invoice.payment_action_required");
    expect((await control(t.fake.url, `/_fake/payment_intents/${piId}/authenticate`, { outcome: "succeed" })).status).toBe(200);
    expect((await t.stripe.subscriptions.retrieve(sub.id)).status).toBe("active");
    expect((await t.stripe.invoices.retrieve(invoice.id)).status).toBe("paid");
    const end = /** @type {number} */ (sub.items.data[0]?.current_period_end);
    await advance(end - (await fakeNow()) + 60);
    const renewed = await t.stripe.subscriptions.retrieve(sub.id);
    expect(renewed.status).toBe("past_due");
    const failedPi = (await t.stripe.invoices.retrieve(/** @type {string} */ (renewed.latest_invoice))).payments?.data[0]?.payment
      .payment_intent;
    expect(await t.stripe.paymentIntents.retrieve(/** @type {string} */ (failedPi))).toMatchObject({
      last_payment_error: { code: "authentication_required" },
    });
  });

  it("refuses what Stripe refuses: no payment method, mixed intervals, unknown price, one-time price", async () => {
    const price = await monthly(1000);
    const bare = await customer("");
    await expect(t.stripe.subscriptions.create({ customer: bare.id, items: [{ price: price.id }] })).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringContaining("no attached payment source or default payment method"),
    });
    const c = await customer();
    const yearly = await t.stripe.prices.create({
      product: /** @type {string} */ (price.product),
      currency: "usd",
      unit_amount: 9000,
      recurring: { interval: "year" },
    });
    await expect(
      t.stripe.subscriptions.create({ customer: c.id, items: [{ price: price.id }, { price: yearly.id }] }),
    ).rejects.toMatchObject({
      statusCode: 400,
      param: "items",
    });
    await expect(t.stripe.subscriptions.create({ customer: c.id, items: [{ price: "price_nope" }] })).rejects.toMatchObject({
      statusCode: 404,
      code: "resource_missing",
      param: "items[0][price]",
    });
    const once = await t.stripe.prices.create({ product: /** @type {string} */ (price.product), currency: "usd", unit_amount: 500 });
    await expect(t.stripe.subscriptions.create({ customer: c.id, items: [{ price: once.id }] })).rejects.toMatchObject({
      statusCode: 400,
      param: "items[0][price]",
    });
    await expect(
      t.stripe.subscriptions.create({ customer: c.id, items: [{ price: price.id, quantity: 1_000_001 }] }),
    ).rejects.toMatchObject({
      statusCode: 400,
      param: "items[0][quantity]",
    });
    await expect(
      // @ts-expect-error: items must be an array
      t.stripe.subscriptions.create({ customer: c.id, items: "x" }),
    ).rejects.toMatchObject({ statusCode: 400, param: "items" });
    expect((await t.stripe.subscriptions.list({ customer: c.id })).data).toHaveLength(0);
  });
});

describe("subscriptions: proration", () => {
  it("monthly 1000 → 3000 half-way: −500 + 1500 as pending proration items, previewed, then on the renewal", async () => {
    const basic = await monthly(1000, "Basic");
    const premium = await monthly(3000, "Premium");
    const c = await customer();
    const sub = await t.stripe.subscriptions.create({ customer: c.id, items: [{ price: basic.id }] });
    const item = /** @type {import("stripe").Stripe.SubscriptionItem} */ (sub.items.data[0]);
    const half = item.current_period_start + (item.current_period_end - item.current_period_start) / 2;
    const change = { items: [{ id: item.id, price: premium.id }], proration_date: half };

    const preview = await t.stripe.invoices.createPreview({ customer: c.id, subscription: sub.id, subscription_details: change });
    const previewProrations = preview.lines.data.filter((l) => l.parent?.subscription_item_details?.proration);
    expect(previewProrations.map((l) => l.amount)).toEqual([-500, 1500]);
    expect(preview.total).toBe(-500 + 1500 + 3000);
    expect(preview.id).toMatch(/^upcoming_in_/);
    await expect(t.stripe.invoices.retrieve(preview.id)).rejects.toMatchObject({ statusCode: 404 });

    const updated = await t.stripe.subscriptions.update(sub.id, { items: change.items, proration_date: half });
    expect(updated.items.data[0]).toMatchObject({ id: item.id, price: { id: premium.id } });
    expect(updated.latest_invoice).toBe(sub.latest_invoice);
    const pending = await t.stripe.invoiceItems.list({ customer: c.id, pending: true });
    const byAmount = pending.data.sort((a, b) => a.amount - b.amount);
    expect(byAmount.map((ii) => ii.amount)).toEqual([-500, 1500]);
    expect(byAmount[0]).toMatchObject({
      object: "invoiceitem",
      proration: true,
      invoice: null,
      description: expect.stringMatching(/^Unused time on Basic after \d\d [A-Z][a-z]{2} \d{4}$/),
      period: { start: half, end: item.current_period_end },
      parent: { type: "subscription_details", subscription_details: { subscription: sub.id } },
    });
    expect(byAmount[0]?.id).toMatch(/^ii_/);
    expect(byAmount[1]?.description).toMatch(/^Remaining time on Premium after /);
    const updatedEvent = (await events(sub.id)).filter((e) => e.type === "customer.subscription.updated").at(-1);
    expect(updatedEvent?.data.previous_attributes).toHaveProperty("items");
    expect((await events(byAmount[0]?.id ?? "")).map((e) => e.type)).toContain("invoiceitem.created");

    await advance(item.current_period_end - (await fakeNow()) + 10);
    const renewed = await t.stripe.subscriptions.retrieve(sub.id);
    expect(renewed.items.data[0]?.current_period_start).toBe(item.current_period_end);
    const invoice = await t.stripe.invoices.retrieve(/** @type {string} */ (renewed.latest_invoice));
    expect(invoice).toMatchObject({
      billing_reason: "subscription_cycle",
      status: "paid",
      total: 4000,
      amount_paid: 4000,
      period_start: item.current_period_start,
      period_end: item.current_period_end,
    });
    expect(invoice.lines.data.map((l) => l.amount).sort((a, b) => a - b)).toEqual([-500, 1500, 3000]);
    expect((await t.stripe.invoiceItems.list({ customer: c.id, pending: true })).data).toHaveLength(0);
  });

  it("always_invoice charges the difference now; none creates nothing; a quantity change prorates too", async () => {
    const price = await monthly(1000, "Seats");
    const upgrade = await monthly(3000, "Seats+");
    const c = await customer();
    const sub = await t.stripe.subscriptions.create({ customer: c.id, items: [{ price: price.id }] });
    const item = /** @type {import("stripe").Stripe.SubscriptionItem} */ (sub.items.data[0]);
    const half = item.current_period_start + (item.current_period_end - item.current_period_start) / 2;

    const none = await t.stripe.subscriptions.update(sub.id, { items: [{ id: item.id, quantity: 3 }], proration_behavior: "none" });
    expect(none.items.data[0]?.quantity).toBe(3);
    expect((await t.stripe.invoiceItems.list({ customer: c.id, pending: true })).data).toHaveLength(0);

    const now = await t.stripe.subscriptions.update(sub.id, {
      items: [{ id: item.id, price: upgrade.id, quantity: 1 }],
      proration_behavior: "always_invoice",
      proration_date: half,
    });
    const invoice = await t.stripe.invoices.retrieve(/** @type {string} */ (now.latest_invoice));
    expect(invoice).toMatchObject({ billing_reason: "subscription_update", status: "paid", total: -1500 + 1500, amount_due: 0 });
    expect(invoice.lines.data.map((l) => l.amount)).toEqual([-1500, 1500]);

    const more = await t.stripe.subscriptions.update(sub.id, {
      items: [{ id: item.id, quantity: 2 }],
      proration_date: half,
      proration_behavior: "always_invoice",
    });
    const second = await t.stripe.invoices.retrieve(/** @type {string} */ (more.latest_invoice));
    expect(second.lines.data.map((l) => l.amount)).toEqual([-1500, 3000]);
    expect(second).toMatchObject({ total: 1500, amount_paid: 1500, status: "paid" });
  });

  it("a credit larger than the charge becomes customer balance and pays the next invoice", async () => {
    const big = await monthly(4000, "Big");
    const small = await monthly(1000, "Small");
    const c = await customer();
    const sub = await t.stripe.subscriptions.create({ customer: c.id, items: [{ price: big.id }] });
    const item = /** @type {import("stripe").Stripe.SubscriptionItem} */ (sub.items.data[0]);
    const half = item.current_period_start + (item.current_period_end - item.current_period_start) / 2;
    const down = await t.stripe.subscriptions.update(sub.id, {
      items: [{ id: item.id, price: small.id }],
      proration_date: half,
      proration_behavior: "always_invoice",
    });
    const invoice = await t.stripe.invoices.retrieve(/** @type {string} */ (down.latest_invoice));
    expect(invoice).toMatchObject({ total: -2000 + 500, amount_due: 0, status: "paid", ending_balance: -1500 });
    expect(/** @type {import("stripe").Stripe.Customer} */ (await t.stripe.customers.retrieve(c.id)).balance).toBe(-1500);
    await advance(item.current_period_end - (await fakeNow()) + 10);
    const next = await t.stripe.invoices.retrieve(/** @type {string} */ ((await t.stripe.subscriptions.retrieve(sub.id)).latest_invoice));
    expect(next).toMatchObject({ total: 1000, starting_balance: -1500, amount_due: 0, ending_balance: -500, status: "paid" });
  });
});

describe("subscriptions: the clock", () => {
  it("renews every period with a new paid invoice (three months, three invoices)", async () => {
    const price = await monthly(1200);
    const c = await customer();
    const sub = await t.stripe.subscriptions.create({ customer: c.id, items: [{ price: price.id }] });
    await advance(92 * DAY);
    const invoices = await t.stripe.invoices.list({ subscription: sub.id });
    expect(invoices.data.map((i) => [i.billing_reason, i.status, i.amount_paid])).toEqual([
      ["subscription_cycle", "paid", 1200],
      ["subscription_cycle", "paid", 1200],
      ["subscription_cycle", "paid", 1200],
      ["subscription_create", "paid", 1200],
    ]);
    const upcoming = (await events(c.id)).filter((e) => e.type === "invoice.upcoming");
    expect(upcoming).toHaveLength(3);
    expect(upcoming[0]?.data.object).toMatchObject({ id: null, object: "invoice", total: 1200, billing_reason: "upcoming" });
    const numbers = invoices.data.map((i) => i.number?.slice(-4));
    expect(numbers).toEqual(["0004", "0003", "0002", "0001"]);
    const current = await t.stripe.subscriptions.retrieve(sub.id);
    expect(current.status).toBe("active");
    expect(current.items.data[0]?.current_period_start).toBe(invoices.data[0]?.lines.data[0]?.period.start);
  });

  it("a declined renewal makes it past_due, retries on days 3, 5 and 7, then cancels", async () => {
    const price = await monthly(900);
    const c = await customer();
    const sub = await t.stripe.subscriptions.create({ customer: c.id, items: [{ price: price.id }] });
    const end = /** @type {number} */ (sub.items.data[0]?.current_period_end);
    await t.stripe.customers.update(c.id, { invoice_settings: { default_payment_method: "pm_card_chargeDeclined" } });
    await advance(end - (await fakeNow()) + 60);
    const pastDue = await t.stripe.subscriptions.retrieve(sub.id);
    expect(pastDue.status).toBe("past_due");
    const invoice = await t.stripe.invoices.retrieve(/** @type {string} */ (pastDue.latest_invoice));
    expect(invoice).toMatchObject({ status: "open", attempt_count: 1, next_payment_attempt: end + 3 * DAY });
    await advance(4 * DAY);
    expect(await t.stripe.invoices.retrieve(invoice.id)).toMatchObject({ attempt_count: 2, next_payment_attempt: end + 5 * DAY });
    await advance(4 * DAY);
    const canceled = await t.stripe.subscriptions.retrieve(sub.id);
    expect(canceled).toMatchObject({ status: "canceled", ended_at: end + 7 * DAY, cancellation_details: { reason: "payment_failed" } });
    expect(await t.stripe.invoices.retrieve(invoice.id)).toMatchObject({ status: "open", attempt_count: 4, next_payment_attempt: null });
    const types = (await events(c.id)).map((e) => e.type);
    expect(types.filter((x) => x === "invoice.payment_failed")).toHaveLength(4);
    expect(types.at(-1)).toBe("customer.subscription.deleted");
  });

  it("a past_due subscription becomes active again when the card is fixed before the next retry", async () => {
    const price = await monthly(700);
    const c = await customer();
    const sub = await t.stripe.subscriptions.create({ customer: c.id, items: [{ price: price.id }] });
    const end = /** @type {number} */ (sub.items.data[0]?.current_period_end);
    await t.stripe.customers.update(c.id, { invoice_settings: { default_payment_method: "pm_card_chargeDeclined" } });
    await advance(end - (await fakeNow()) + 60);
    expect((await t.stripe.subscriptions.retrieve(sub.id)).status).toBe("past_due");
    await t.stripe.customers.update(c.id, { invoice_settings: { default_payment_method: "pm_card_visa" } });
    await advance(3 * DAY);
    const sub2 = await t.stripe.subscriptions.retrieve(sub.id);
    expect(sub2.status).toBe("active");
    expect(await t.stripe.invoices.retrieve(/** @type {string} */ (sub2.latest_invoice))).toMatchObject({
      status: "paid",
      attempt_count: 2,
    });
  });

  it("a trial: trialing with a $0 invoice, trial_will_end 3 days before, then the first paid invoice", async () => {
    const price = await monthly(1000, "Trial plan");
    const c = await customer();
    const sub = await t.stripe.subscriptions.create({ customer: c.id, items: [{ price: price.id }], trial_period_days: 14 });
    expect(sub.status).toBe("trialing");
    expect(/** @type {number} */ (sub.trial_end) - /** @type {number} */ (sub.trial_start)).toBe(14 * DAY);
    expect(sub.items.data[0]?.current_period_end).toBe(sub.trial_end);
    const first = await t.stripe.invoices.retrieve(/** @type {string} */ (sub.latest_invoice));
    expect(first).toMatchObject({ total: 0, status: "paid", billing_reason: "subscription_create" });
    expect(first.lines.data[0]?.description).toBe("Trial period for Trial plan");
    await advance(12 * DAY);
    expect((await events(sub.id)).map((e) => e.type)).toContain("customer.subscription.trial_will_end");
    await advance(3 * DAY);
    const active = await t.stripe.subscriptions.retrieve(sub.id);
    expect(active.status).toBe("active");
    expect(await t.stripe.invoices.retrieve(/** @type {string} */ (active.latest_invoice))).toMatchObject({
      total: 1000,
      status: "paid",
      billing_reason: "subscription_cycle",
    });
  });

  it("send_invoice: active at once, the invoice open and sent with a due date; unpaid past it → past_due; paid → active", async () => {
    const price = await monthly(5000, "Clinic plan");
    const c = await customer("");
    const sub = await t.stripe.subscriptions.create({
      customer: c.id,
      items: [{ price: price.id }],
      collection_method: "send_invoice",
      days_until_due: 14,
    });
    expect(sub).toMatchObject({ status: "active", collection_method: "send_invoice", days_until_due: 14 });
    const invoice = await t.stripe.invoices.retrieve(/** @type {string} */ (sub.latest_invoice));
    expect(invoice).toMatchObject({
      status: "open",
      collection_method: "send_invoice",
      attempt_count: 0,
      due_date: invoice.created + 14 * DAY,
    });
    expect((await events(c.id)).map((e) => e.type)).toContain("invoice.sent");
    await advance(15 * DAY);
    expect((await t.stripe.subscriptions.retrieve(sub.id)).status).toBe("past_due");
    await t.stripe.invoices.pay(invoice.id, { payment_method: "pm_card_visa" });
    expect((await t.stripe.subscriptions.retrieve(sub.id)).status).toBe("active");
  });

  it("an unpaid default_incomplete subscription expires after 23 hours", async () => {
    const price = await monthly(1000);
    const c = await customer("");
    const sub = await t.stripe.subscriptions.create({
      customer: c.id,
      items: [{ price: price.id }],
      payment_behavior: "default_incomplete",
    });
    await advance(24 * 3600);
    expect((await t.stripe.subscriptions.retrieve(sub.id)).status).toBe("incomplete_expired");
    expect((await t.stripe.invoices.retrieve(/** @type {string} */ (sub.latest_invoice))).status).toBe("void");
  });
});

describe("subscriptions: cancel and list", () => {
  it("cancel_at_period_end keeps it active until the period ends, then deleted", async () => {
    const price = await monthly(1000);
    const c = await customer();
    const sub = await t.stripe.subscriptions.create({ customer: c.id, items: [{ price: price.id }] });
    const end = /** @type {number} */ (sub.items.data[0]?.current_period_end);
    const pending = await t.stripe.subscriptions.update(sub.id, { cancel_at_period_end: true });
    expect(pending).toMatchObject({ status: "active", cancel_at_period_end: true, cancel_at: end });
    await advance(end - (await fakeNow()) + 10);
    expect(await t.stripe.subscriptions.retrieve(sub.id)).toMatchObject({ status: "canceled", ended_at: end });
    expect((await t.stripe.invoices.list({ subscription: sub.id })).data).toHaveLength(1);
    expect((await events(sub.id)).map((e) => e.type)).toContain("customer.subscription.deleted");
  });

  it("deleting the customer cancels their subscriptions; the same price twice is refused", async () => {
    const price = await monthly(1000);
    const c = await customer();
    await expect(
      t.stripe.subscriptions.create({ customer: c.id, items: [{ price: price.id }, { price: price.id }] }),
    ).rejects.toMatchObject({
      statusCode: 400,
      param: "items[1][price]",
    });
    const sub = await t.stripe.subscriptions.create({ customer: c.id, items: [{ price: price.id }] });
    await t.stripe.customers.del(c.id);
    expect(await t.stripe.subscriptions.retrieve(sub.id)).toMatchObject({ status: "canceled" });
    expect((await events(sub.id)).map((e) => e.type)).toContain("customer.subscription.deleted");
  });

  it("cancel now (with prorate: a credit item); list filters by status and customer", async () => {
    const price = await monthly(3000);
    const c = await customer();
    const sub = await t.stripe.subscriptions.create({ customer: c.id, items: [{ price: price.id }] });
    const canceled = await t.stripe.subscriptions.cancel(sub.id, { prorate: true });
    expect(canceled).toMatchObject({ status: "canceled", cancellation_details: { reason: "cancellation_requested" } });
    expect(canceled.canceled_at).toBe(canceled.ended_at);
    const credit = (await t.stripe.invoiceItems.list({ customer: c.id, pending: true })).data;
    expect(credit).toHaveLength(1);
    expect(credit[0]?.amount).toBeLessThan(0);
    expect(credit[0]?.amount).toBeGreaterThanOrEqual(-3000);
    expect((await t.stripe.subscriptions.list({ customer: c.id })).data).toHaveLength(0);
    expect((await t.stripe.subscriptions.list({ customer: c.id, status: "canceled" })).data.map((s) => s.id)).toEqual([sub.id]);
    await expect(t.stripe.subscriptions.cancel(sub.id)).rejects.toMatchObject({ statusCode: 400 });
    await expect(t.stripe.subscriptions.update(sub.id, { items: [{ price: price.id }] })).rejects.toMatchObject({ statusCode: 400 });
  });
});
