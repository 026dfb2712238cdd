// @ts-check
// Search through the real stripe SDK: metadata, fields, numeric comparisons, AND/OR, paging, refusals.
import { describe, expect, it } from "vitest";
import { useFake } from "./helpers.mjs";

const t = useFake();

describe("billing search", () => {
  it("finds subscriptions by metadata and status, invoices by customer and total, prices by lookup_key", async () => {
    const product = await t.stripe.products.create({ name: "Searchable course", metadata: { track: "edge" } });
    const price = await t.stripe.prices.create({
      product: product.id,
      currency: "usd",
      unit_amount: 700,
      recurring: { interval: "month" },
      lookup_key: "search_me",
    });
    const c = await t.stripe.customers.create({});
    await t.stripe.customers.update(c.id, { invoice_settings: { default_payment_method: "pm_card_visa" } });
    const sub = await t.stripe.subscriptions.create({ customer: c.id, items: [{ price: price.id }], metadata: { user_id: "u_77" } });
    const found = await t.stripe.subscriptions.search({ query: "metadata['user_id']:'u_77' AND status:'active'" });
    expect(found).toMatchObject({ object: "search_result", has_more: false, next_page: null });
    expect(found.data.map((s) => s.id)).toEqual([sub.id]);
    expect((await t.stripe.subscriptions.search({ query: "metadata['user_id']:'u_77' AND -status:'active'" })).data).toHaveLength(0);
    const invoices = await t.stripe.invoices.search({ query: `customer:'${c.id}' AND total>=700` });
    expect(invoices.data.map((i) => i.id)).toEqual([sub.latest_invoice]);
    expect((await t.stripe.invoices.search({ query: `customer:'${c.id}' AND total>700` })).data).toHaveLength(0);
    expect((await t.stripe.prices.search({ query: 'lookup_key:"search_me"' })).data.map((p) => p.id)).toEqual([price.id]);
    expect((await t.stripe.products.search({ query: "name~'Searchable' OR metadata['track']:'nope'" })).data.map((p) => p.id)).toEqual([
      product.id,
    ]);
  });

  it("pages with next_page and refuses what it cannot parse", async () => {
    for (let n = 0; n < 3; n++) await t.stripe.products.create({ name: `Paged ${n}`, metadata: { batch: "paging" } });
    const first = await t.stripe.products.search({ query: "metadata['batch']:'paging'", limit: 2 });
    expect(first.data).toHaveLength(2);
    expect(first.has_more).toBe(true);
    const second = await t.stripe.products.search({
      query: "metadata['batch']:'paging'",
      limit: 2,
      page: /** @type {string} */ (first.next_page),
    });
    expect(second.data).toHaveLength(1);
    expect(new Set([...first.data, ...second.data].map((p) => p.id)).size).toBe(3);
    for (const query of ["", "name", "name:'x' AND active:'true' OR url:'y'", "colour:'red'", "metadata:'x'", "name:'unterminated"]) {
      await expect(t.stripe.products.search({ query })).rejects.toMatchObject({ statusCode: 400 });
    }
    await expect(t.stripe.products.search({ query: `name:'${"x".repeat(2000)}'` })).rejects.toMatchObject({ statusCode: 400 });
  });
});
