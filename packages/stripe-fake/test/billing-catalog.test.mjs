// @ts-check
// Products and prices through the real stripe SDK: shapes, lookup keys, filters, immutability, events.
import { describe, expect, it } from "vitest";
import { control, PULL_SECRET, useFake } from "./helpers.mjs";

const t = useFake();

/**
 * Event types delivered about `related` (peeked, signatures verified).
 * @param {string} related
 */
async function eventTypes(related) {
  const { body } = await control(t.fake.url, `/_fake/deliveries?related=${related}&peek=1`);
  return body.data.map((/** @type {any} */ d) => t.stripe.webhooks.constructEvent(d.payload, d.signature, PULL_SECRET).type);
}

describe("products", () => {
  it("creates, retrieves, updates (metadata merge) and lists by active and ids; product.* events", async () => {
    const product = await t.stripe.products.create({ name: "Course: Workers", description: "Video course", metadata: { kind: "course" } });
    expect(product.id).toMatch(/^prod_/);
    expect(product).toMatchObject({
      object: "product",
      name: "Course: Workers",
      active: true,
      default_price: null,
      metadata: { kind: "course" },
      type: "service",
      livemode: false,
    });
    expect(await t.stripe.products.retrieve(product.id)).toEqual(product);
    const updated = await t.stripe.products.update(product.id, { active: false, metadata: { level: "2", kind: "" } });
    expect(updated).toMatchObject({ active: false, metadata: { level: "2" } });
    const inactive = await t.stripe.products.list({ active: false, ids: [product.id] });
    expect(inactive.data.map((p) => p.id)).toEqual([product.id]);
    expect((await t.stripe.products.list({ active: true, ids: [product.id] })).data).toHaveLength(0);
    expect(await eventTypes(product.id)).toEqual(["product.created", "product.updated"]);
  });

  it("default_price_data creates the price and sets default_price; a product with prices cannot be deleted", async () => {
    const product = await t.stripe.products.create({ name: "Clinic visit", default_price_data: { currency: "eur", unit_amount: 4500 } });
    const price = await t.stripe.prices.retrieve(/** @type {string} */ (product.default_price));
    expect(price).toMatchObject({ product: product.id, currency: "eur", unit_amount: 4500, type: "one_time", recurring: null });
    await expect(t.stripe.products.del(product.id)).rejects.toMatchObject({ statusCode: 400 });
    const empty = await t.stripe.products.create({ name: "Empty" });
    expect(await t.stripe.products.del(empty.id)).toMatchObject({ id: empty.id, deleted: true });
    await expect(t.stripe.products.retrieve(empty.id)).rejects.toMatchObject({ statusCode: 404, code: "resource_missing" });
  });

  it("answers 400 parameter_missing without a name and 404 for an unknown product", async () => {
    // @ts-expect-error: name is required
    await expect(t.stripe.products.create({})).rejects.toMatchObject({ statusCode: 400, code: "parameter_missing", param: "name" });
    await expect(t.stripe.products.update("prod_missing", { name: "x" })).rejects.toMatchObject({
      statusCode: 404,
      message: "No such product: 'prod_missing'",
    });
  });
});

describe("prices", () => {
  it("creates a recurring price with Stripe's shape and lowercases the currency", async () => {
    const product = await t.stripe.products.create({ name: "SaaS Pro" });
    const price = await t.stripe.prices.create({
      product: product.id,
      currency: "USD",
      unit_amount: 2900,
      recurring: { interval: "month", interval_count: 3 },
      lookup_key: "pro_quarterly",
      nickname: "Pro quarterly",
    });
    expect(price.id).toMatch(/^price_/);
    expect(price).toMatchObject({
      object: "price",
      active: true,
      billing_scheme: "per_unit",
      currency: "usd",
      unit_amount: 2900,
      type: "recurring",
      lookup_key: "pro_quarterly",
      product: product.id,
      recurring: { interval: "month", interval_count: 3, usage_type: "licensed", meter: null },
      tax_behavior: "unspecified",
    });
    const expanded = await t.stripe.prices.retrieve(price.id, { expand: ["product"] });
    expect(expanded.product).toMatchObject({ id: product.id, name: "SaaS Pro" });
  });

  it("lookup keys: unique, moved with transfer_lookup_key, listed with lookup_keys[]", async () => {
    const product = await t.stripe.products.create({ name: "Lookup" });
    const v1 = await t.stripe.prices.create({
      product: product.id,
      currency: "usd",
      unit_amount: 1000,
      lookup_key: "team_monthly",
      recurring: { interval: "month" },
    });
    await expect(
      t.stripe.prices.create({
        product: product.id,
        currency: "usd",
        unit_amount: 1200,
        lookup_key: "team_monthly",
        recurring: { interval: "month" },
      }),
    ).rejects.toMatchObject({ statusCode: 400, param: "lookup_key" });
    const v2 = await t.stripe.prices.create({
      product: product.id,
      currency: "usd",
      unit_amount: 1200,
      lookup_key: "team_monthly",
      transfer_lookup_key: true,
      recurring: { interval: "month" },
    });
    expect((await t.stripe.prices.retrieve(v1.id)).lookup_key).toBeNull();
    const found = await t.stripe.prices.list({ lookup_keys: ["team_monthly", "nope"], expand: ["data.product"] });
    expect(found.data.map((p) => p.id)).toEqual([v2.id]);
    expect(found.data[0]?.product).toMatchObject({ id: product.id, name: "Lookup" });
    expect(await eventTypes(v1.id)).toEqual(["price.created", "price.updated"]);
  });

  it("filters by product, type, active and recurring interval; updates only what Stripe lets change", async () => {
    const product = await t.stripe.products.create({ name: "Filters" });
    const monthly = await t.stripe.prices.create({
      product: product.id,
      currency: "usd",
      unit_amount: 500,
      recurring: { interval: "month" },
    });
    const yearly = await t.stripe.prices.create({
      product: product.id,
      currency: "usd",
      unit_amount: 5000,
      recurring: { interval: "year" },
    });
    const once = await t.stripe.prices.create({ product: product.id, currency: "usd", unit_amount: 100 });
    const ids = async (/** @type {import("stripe").Stripe.PriceListParams} */ params) =>
      (await t.stripe.prices.list({ product: product.id, ...params })).data.map((p) => p.id);
    expect(await ids({})).toEqual([once.id, yearly.id, monthly.id]);
    expect(await ids({ type: "one_time" })).toEqual([once.id]);
    expect(await ids({ recurring: { interval: "year" } })).toEqual([yearly.id]);
    const archived = await t.stripe.prices.update(monthly.id, { active: false, metadata: { legacy: "yes" } });
    expect(archived).toMatchObject({ active: false, metadata: { legacy: "yes" }, unit_amount: 500 });
    expect(await ids({ active: true })).toEqual([once.id, yearly.id]);
    // @ts-expect-error: unit_amount is immutable
    await expect(t.stripe.prices.update(monthly.id, { unit_amount: 900 })).rejects.toMatchObject({
      statusCode: 400,
      code: "parameter_unknown",
    });
    expect((await t.stripe.prices.retrieve(monthly.id)).unit_amount).toBe(500);
  });

  it("refuses bad prices: no product, bad interval, metered without a meter, unknown product", async () => {
    await expect(t.stripe.prices.create({ currency: "usd", unit_amount: 100 })).rejects.toMatchObject({
      statusCode: 400,
      param: "product",
    });
    const product = await t.stripe.products.create({ name: "Bad" });
    await expect(
      t.stripe.prices.create({ product: product.id, currency: "usd", unit_amount: 100, recurring: { interval: "fortnight" } }),
    ).rejects.toMatchObject({ statusCode: 400, param: "recurring[interval]" });
    await expect(
      t.stripe.prices.create({
        product: product.id,
        currency: "usd",
        unit_amount: 1,
        recurring: { interval: "month", usage_type: "metered" },
      }),
    ).rejects.toMatchObject({ statusCode: 400, param: "recurring[meter]" });
    await expect(t.stripe.prices.create({ product: "prod_nope", currency: "usd", unit_amount: 1 })).rejects.toMatchObject({
      statusCode: 404,
      param: "product",
    });
    await expect(t.stripe.prices.create({ product: product.id, currency: "dollars", unit_amount: 1 })).rejects.toMatchObject({
      statusCode: 400,
      param: "currency",
    });
    await expect(t.stripe.prices.create({ product: product.id, currency: "usd", unit_amount: 100_000_000 })).rejects.toMatchObject({
      statusCode: 400,
      param: "unit_amount",
      message: "This value must be less than or equal to 99999999.",
    });
    expect((await t.stripe.prices.list({ product: product.id })).data).toHaveLength(0);
  });
});
