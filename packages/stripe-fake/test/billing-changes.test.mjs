// @ts-check
// Plan changes beyond a price swap: seats through the subscription items API, an interval change that restarts
// the period, and a trial ended early.
import { describe, expect, it } from "vitest";
import { control, useFake } from "./helpers.mjs";

const t = useFake();
const DAY = 86_400;

/**
 * @param {number} amount
 * @param {"month" | "year"} [interval]
 */
async function price(amount, interval = "month") {
  const product = await t.stripe.products.create({ name: `Plan ${amount}/${interval}` });
  return t.stripe.prices.create({ product: product.id, currency: "usd", unit_amount: amount, recurring: { interval } });
}

async function customer() {
  const c = await t.stripe.customers.create({});
  await t.stripe.customers.update(c.id, { invoice_settings: { default_payment_method: "pm_card_visa" } });
  return c;
}

/** @param {import("stripe").Stripe.Subscription} sub */
function halfway(sub) {
  const item = /** @type {import("stripe").Stripe.SubscriptionItem} */ (sub.items.data[0]);
  return item.current_period_start + (item.current_period_end - item.current_period_start) / 2;
}

describe("subscription items", () => {
  it("seats: update quantity prorates, an added item prorates, a deleted item credits; the last item cannot go", async () => {
    const seat = await price(1000);
    const addon = await price(400);
    const c = await customer();
    const sub = await t.stripe.subscriptions.create({ customer: c.id, items: [{ price: seat.id, quantity: 2 }] });
    const item = /** @type {import("stripe").Stripe.SubscriptionItem} */ (sub.items.data[0]);
    const half = halfway(sub);
    const updated = await t.stripe.subscriptionItems.update(item.id, { quantity: 5, proration_date: half });
    expect(updated).toMatchObject({ id: item.id, object: "subscription_item", quantity: 5, subscription: sub.id });
    const added = await t.stripe.subscriptionItems.create({ subscription: sub.id, price: addon.id, quantity: 1, proration_date: half });
    expect(added.id).toMatch(/^si_/);
    expect((await t.stripe.subscriptionItems.list({ subscription: sub.id })).data.map((i) => i.id)).toEqual([item.id, added.id]);
    expect(await t.stripe.subscriptionItems.del(added.id, { proration_date: half })).toMatchObject({ id: added.id, deleted: true });
    const amounts = (await t.stripe.invoiceItems.list({ customer: c.id, pending: true })).data.map((ii) => ii.amount).sort((a, b) => a - b);
    expect(amounts).toEqual([-1000, -200, 200, 2500]);
    await expect(t.stripe.subscriptionItems.del(item.id)).rejects.toMatchObject({ statusCode: 400 });
    await expect(t.stripe.subscriptionItems.retrieve("si_nope")).rejects.toMatchObject({ statusCode: 404, code: "resource_missing" });
    await expect(t.stripe.subscriptionItems.create({ subscription: sub.id, price: seat.id })).rejects.toMatchObject({ statusCode: 400 });
  });
});

describe("payment_behavior on updates", () => {
  it("error_if_incomplete: a declined upgrade is a 402 and changes nothing; allow_incomplete keeps the change, past_due", async () => {
    const basic = await price(1000);
    const pro = await price(5000);
    const c = await customer();
    const sub = await t.stripe.subscriptions.create({ customer: c.id, items: [{ price: basic.id }] });
    const item = /** @type {import("stripe").Stripe.SubscriptionItem} */ (sub.items.data[0]);
    await t.stripe.customers.update(c.id, { invoice_settings: { default_payment_method: "pm_card_chargeDeclined" } });
    const change = {
      items: [{ id: item.id, price: pro.id }],
      proration_behavior: /** @type {const} */ ("always_invoice"),
      proration_date: halfway(sub),
    };
    await expect(t.stripe.subscriptions.update(sub.id, { ...change, payment_behavior: "error_if_incomplete" })).rejects.toMatchObject({
      statusCode: 402,
      code: "card_declined",
    });
    const unchanged = await t.stripe.subscriptions.retrieve(sub.id);
    expect(unchanged).toMatchObject({ status: "active", latest_invoice: sub.latest_invoice });
    expect(unchanged.items.data[0]?.price.id).toBe(basic.id);
    const voided = (await t.stripe.invoices.list({ subscription: sub.id, status: "void" })).data;
    expect(voided).toHaveLength(1);
    expect(voided[0]?.billing_reason).toBe("subscription_update");

    const kept = await t.stripe.subscriptions.update(sub.id, change);
    expect(kept.items.data[0]?.price.id).toBe(pro.id);
    expect(kept.status).toBe("past_due");
  });
});

describe("pending_if_incomplete", () => {
  it("a declined upgrade waits in pending_update; paying its invoice applies it; an unpaid one expires after 23 hours", async () => {
    const basic = await price(1000);
    const pro = await price(5000);
    const c = await customer();
    const sub = await t.stripe.subscriptions.create({ customer: c.id, items: [{ price: basic.id }] });
    const item = /** @type {import("stripe").Stripe.SubscriptionItem} */ (sub.items.data[0]);
    await t.stripe.customers.update(c.id, { invoice_settings: { default_payment_method: "pm_card_chargeDeclined" } });
    const change = {
      items: [{ id: item.id, price: pro.id }],
      proration_behavior: /** @type {const} */ ("always_invoice"),
      proration_date: halfway(sub),
      payment_behavior: /** @type {const} */ ("pending_if_incomplete"),
    };
    const waiting = await t.stripe.subscriptions.update(sub.id, change);
    expect(waiting.status).toBe("active");
    expect(waiting.items.data[0]?.price.id).toBe(basic.id);
    expect(waiting.pending_update?.subscription_items?.[0]?.price.id).toBe(pro.id);
    const open = (await t.stripe.invoices.list({ subscription: sub.id, status: "open" })).data;
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ billing_reason: "subscription_update", total: -500 + 2500 });
    await t.stripe.invoices.pay(/** @type {string} */ (open[0]?.id), { payment_method: "pm_card_visa" });
    const applied = await t.stripe.subscriptions.retrieve(sub.id);
    expect(applied).toMatchObject({ status: "active", pending_update: null, latest_invoice: open[0]?.id });
    expect(applied.items.data[0]?.price.id).toBe(pro.id);

    const again = await t.stripe.subscriptions.update(sub.id, {
      ...change,
      items: [{ id: item.id, price: basic.id }],
      proration_behavior: "always_invoice",
    });
    // a downgrade owes nothing: no charge to fail, so it applies at once
    expect(again.items.data[0]?.price.id).toBe(basic.id);
    const third = await t.stripe.subscriptions.update(sub.id, { ...change, proration_date: undefined });
    expect(third.pending_update).not.toBeNull();
    await control(t.fake.url, "/_fake/clock/advance", { seconds: 24 * 3600 });
    const dropped = await t.stripe.subscriptions.retrieve(sub.id);
    expect(dropped.pending_update).toBeNull();
    expect(dropped.items.data[0]?.price.id).toBe(basic.id);
    expect((await t.stripe.invoices.list({ subscription: sub.id, status: "open" })).data).toHaveLength(0);
  });
});

describe("period resets", () => {
  it("month → year half-way: credits the unused month, invoices the full year now, the anchor moves", async () => {
    const monthly = await price(1000);
    const yearly = await price(10_000, "year");
    const c = await customer();
    const sub = await t.stripe.subscriptions.create({ customer: c.id, items: [{ price: monthly.id }] });
    const item = /** @type {import("stripe").Stripe.SubscriptionItem} */ (sub.items.data[0]);
    const before = (await control(t.fake.url, "/_fake/clock")).body.now;
    const moved = await t.stripe.subscriptions.update(sub.id, { items: [{ id: item.id, price: yearly.id }], proration_date: halfway(sub) });
    const after = (await control(t.fake.url, "/_fake/clock")).body.now;
    // the anchor is the moment of the change (the clock may tick a second between the reads)
    expect(moved.billing_cycle_anchor).toBeGreaterThanOrEqual(before);
    expect(moved.billing_cycle_anchor).toBeLessThanOrEqual(after);
    const period = /** @type {import("stripe").Stripe.SubscriptionItem} */ (moved.items.data[0]);
    expect(period.current_period_start).toBe(moved.billing_cycle_anchor);
    expect(period.current_period_end - period.current_period_start).toBeGreaterThanOrEqual(365 * DAY);
    const invoice = await t.stripe.invoices.retrieve(/** @type {string} */ (moved.latest_invoice));
    expect(invoice).toMatchObject({ billing_reason: "subscription_update", status: "paid", total: 10_000 - 500, amount_paid: 9500 });
    expect(invoice.lines.data.map((l) => l.amount)).toEqual([10_000, -500]);
  });

  it("trial_end=now ends a trial with an invoice now and no prorations", async () => {
    const plan = await price(2000);
    const c = await customer();
    const sub = await t.stripe.subscriptions.create({ customer: c.id, items: [{ price: plan.id }], trial_period_days: 30 });
    const ended = await t.stripe.subscriptions.update(sub.id, { trial_end: "now" });
    expect(ended.status).toBe("active");
    const invoice = await t.stripe.invoices.retrieve(/** @type {string} */ (ended.latest_invoice));
    expect(invoice).toMatchObject({ total: 2000, status: "paid" });
    expect((await t.stripe.invoiceItems.list({ customer: c.id, pending: true })).data).toHaveLength(0);
  });
});

describe("billing_cycle_anchor", () => {
  it("an anchor 10 days out: the first invoice prorates those 10 days against the month ending at the anchor, then monthly from it", async () => {
    const plan = await price(3000);
    const c = await customer();
    const { body } = await control(t.fake.url, "/_fake/clock");
    const anchor = body.now + 10 * DAY;
    const sub = await t.stripe.subscriptions.create({ customer: c.id, items: [{ price: plan.id }], billing_cycle_anchor: anchor });
    expect(sub).toMatchObject({ status: "active", billing_cycle_anchor: anchor });
    expect(sub.items.data[0]?.current_period_end).toBe(anchor);
    const monthBefore = new Date(anchor * 1000);
    monthBefore.setUTCMonth(monthBefore.getUTCMonth() - 1);
    const length = anchor - Math.floor(monthBefore.getTime() / 1000);
    const invoice = await t.stripe.invoices.retrieve(/** @type {string} */ (sub.latest_invoice));
    expect(invoice.lines.data).toHaveLength(1);
    expect(invoice.lines.data[0]).toMatchObject({
      amount: Math.round((3000 * 10 * DAY) / length),
      parent: { subscription_item_details: { proration: true } },
    });
    expect(invoice.lines.data[0]?.description).toMatch(/^Remaining time on Plan 3000\/month after /);
    await expect(
      t.stripe.subscriptions.create({ customer: c.id, items: [{ price: plan.id }], billing_cycle_anchor: body.now + 40 * DAY }),
    ).rejects.toMatchObject({ statusCode: 400, param: "billing_cycle_anchor" });
    const free = await t.stripe.subscriptions.create({
      customer: c.id,
      items: [{ price: (await price(100)).id }],
      billing_cycle_anchor: anchor,
      proration_behavior: "none",
    });
    expect(await t.stripe.invoices.retrieve(/** @type {string} */ (free.latest_invoice))).toMatchObject({ total: 0, status: "paid" });
  });
});
