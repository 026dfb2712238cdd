// @ts-check
// Billing meters and meter events through the real stripe SDK: a metered price billed in arrears on the renewal
// invoice, dedup by identifier, aggregation formulas, summaries.
import { describe, expect, it } from "vitest";
import { control, useFake } from "./helpers.mjs";

const t = useFake();

async function fakeNow() {
  const { body } = await control(t.fake.url, "/_fake/clock");
  return /** @type {number} */ (body.now);
}

/** @param {number} seconds */
async function advance(seconds) {
  expect((await control(t.fake.url, "/_fake/clock/advance", { seconds })).status).toBe(200);
}

let meterCount = 0;
/** @param {"sum" | "count" | "last"} formula */
function meter(formula) {
  meterCount += 1;
  return t.stripe.billing.meters.create({
    display_name: `API calls ${meterCount}`,
    event_name: `api_call_${meterCount}`,
    default_aggregation: { formula },
  });
}

describe("billing meters", () => {
  it("creates, retrieves, lists, deactivates; event_name is unique among active meters", async () => {
    const m = await meter("sum");
    expect(m.id).toMatch(/^mtr_/);
    expect(m).toMatchObject({
      object: "billing.meter",
      status: "active",
      default_aggregation: { formula: "sum" },
      customer_mapping: { event_payload_key: "stripe_customer_id", type: "by_id" },
      value_settings: { event_payload_key: "value" },
    });
    expect(await t.stripe.billing.meters.retrieve(m.id)).toEqual(m);
    await expect(
      t.stripe.billing.meters.create({ display_name: "dup", event_name: m.event_name, default_aggregation: { formula: "count" } }),
    ).rejects.toMatchObject({ statusCode: 400, param: "event_name" });
    const off = await t.stripe.billing.meters.deactivate(m.id);
    expect(off).toMatchObject({ status: "inactive" });
    expect(off.status_transitions.deactivated_at).toBeGreaterThan(0);
    expect((await t.stripe.billing.meters.list({ status: "inactive" })).data.map((x) => x.id)).toContain(m.id);
    await expect(
      t.stripe.billing.meterEvents.create({ event_name: m.event_name, payload: { stripe_customer_id: "cus_x", value: "1" } }),
    ).rejects.toMatchObject({ statusCode: 400, param: "event_name" });
    expect((await t.stripe.billing.meters.reactivate(m.id)).status).toBe("active");
  });

  it("bills metered usage of the ended period on the renewal invoice (sum × unit_amount), deduplicated by identifier", async () => {
    const m = await meter("sum");
    const product = await t.stripe.products.create({ name: "API" });
    const base = await t.stripe.prices.create({
      product: product.id,
      currency: "usd",
      unit_amount: 2000,
      recurring: { interval: "month" },
    });
    const usage = await t.stripe.prices.create({
      product: product.id,
      currency: "usd",
      unit_amount: 3,
      recurring: { interval: "month", usage_type: "metered", meter: m.id },
    });
    const c = await t.stripe.customers.create({ email: "api@example.com" });
    await t.stripe.customers.update(c.id, { invoice_settings: { default_payment_method: "pm_card_visa" } });
    const sub = await t.stripe.subscriptions.create({ customer: c.id, items: [{ price: base.id }, { price: usage.id }] });
    const metered = sub.items.data.find((i) => i.price.id === usage.id);
    expect(metered).toBeDefined();
    expect(metered && "quantity" in metered).toBe(false);
    const first = await t.stripe.invoices.retrieve(/** @type {string} */ (sub.latest_invoice));
    expect(first.lines.data.map((l) => l.amount)).toEqual([2000, 0]);

    const event = await t.stripe.billing.meterEvents.create({
      event_name: m.event_name,
      payload: { stripe_customer_id: c.id, value: "250" },
      identifier: "req-1",
    });
    expect(event).toMatchObject({
      object: "billing.meter_event",
      event_name: m.event_name,
      identifier: "req-1",
      payload: { stripe_customer_id: c.id, value: "250" },
    });
    await t.stripe.billing.meterEvents.create({ event_name: m.event_name, payload: { stripe_customer_id: c.id, value: "50" } });
    await expect(
      t.stripe.billing.meterEvents.create({
        event_name: m.event_name,
        payload: { stripe_customer_id: c.id, value: "250" },
        identifier: "req-1",
      }),
    ).rejects.toMatchObject({ statusCode: 400, param: "identifier" });

    const now = await fakeNow();
    const summaries = await t.stripe.billing.meters.listEventSummaries(m.id, {
      customer: c.id,
      start_time: now - 3600,
      end_time: now + 60,
    });
    expect(summaries.data).toHaveLength(1);
    expect(summaries.data[0]).toMatchObject({ object: "billing.meter_event_summary", aggregated_value: 300, meter: m.id });

    const preview = await t.stripe.invoices.createPreview({ customer: c.id, subscription: sub.id });
    expect(preview.lines.data.map((l) => l.amount).sort((a, b) => a - b)).toEqual([900, 2000]);

    const end = /** @type {number} */ (sub.items.data[0]?.current_period_end);
    await advance(end - now + 30);
    await t.stripe.billing.meterEvents.create({ event_name: m.event_name, payload: { stripe_customer_id: c.id, value: "7" } });
    const renewed = await t.stripe.subscriptions.retrieve(sub.id);
    const invoice = await t.stripe.invoices.retrieve(/** @type {string} */ (renewed.latest_invoice));
    const usageLine = invoice.lines.data.find((l) => l.pricing?.price_details?.price === usage.id);
    expect(usageLine).toMatchObject({ amount: 900, quantity: 300, period: { start: sub.items.data[0]?.current_period_start, end } });
    expect(usageLine?.description).toBe("300 × API (at $0.03 / unit)");
    expect(invoice).toMatchObject({ total: 2900, status: "paid" });
  });

  it("count and last formulas; refuses a missing customer, a non-numeric value and old timestamps", async () => {
    const counter = await meter("count");
    const last = await meter("last");
    const c = await t.stripe.customers.create({});
    for (const value of ["5", "9", "2"]) {
      await t.stripe.billing.meterEvents.create({ event_name: counter.event_name, payload: { stripe_customer_id: c.id, value } });
      await t.stripe.billing.meterEvents.create({ event_name: last.event_name, payload: { stripe_customer_id: c.id, value } });
    }
    const now = await fakeNow();
    const window = { customer: c.id, start_time: now - 60, end_time: now + 60 };
    expect((await t.stripe.billing.meters.listEventSummaries(counter.id, window)).data[0]?.aggregated_value).toBe(3);
    expect((await t.stripe.billing.meters.listEventSummaries(last.id, window)).data[0]?.aggregated_value).toBe(2);
    await expect(t.stripe.billing.meterEvents.create({ event_name: last.event_name, payload: { value: "1" } })).rejects.toMatchObject({
      statusCode: 400,
      param: "payload[stripe_customer_id]",
    });
    await expect(
      t.stripe.billing.meterEvents.create({ event_name: last.event_name, payload: { stripe_customer_id: c.id, value: "ten" } }),
    ).rejects.toMatchObject({
      statusCode: 400,
      param: "payload[value]",
    });
    await expect(
      t.stripe.billing.meterEvents.create({ event_name: last.event_name, payload: { stripe_customer_id: "cus_nope", value: "1" } }),
    ).rejects.toMatchObject({ statusCode: 404 });
    await expect(
      t.stripe.billing.meterEvents.create({
        event_name: last.event_name,
        payload: { stripe_customer_id: c.id, value: "1" },
        timestamp: now - 40 * 86_400,
      }),
    ).rejects.toMatchObject({ statusCode: 400, param: "timestamp" });
    expect((await t.stripe.billing.meters.listEventSummaries(last.id, window)).data[0]?.aggregated_value).toBe(2);
  });
});
