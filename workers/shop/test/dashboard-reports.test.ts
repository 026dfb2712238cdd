import { env } from "cloudflare:test";
import { newTestUser, type TestUser } from "@edgeworks/testing";
import { drizzle } from "drizzle-orm/d1";
import { nanoid } from "nanoid";
import { beforeAll, describe, expect, it } from "vitest";
import { products, variants } from "../src/catalog/schema";
import { type OrderState, orderLines, orders } from "../src/orders/schema";
import { api, newAdmin, newUser } from "./helpers";

// The dashboard's figures from rows written straight into D1, so every expected number is exact. The
// database lives for the whole file: each test works in its own year (or currency) so none sees another's rows.

const db = drizzle(env.DB);
const at = (s: string) => Date.parse(s);
let orderNumber = 500_000;

interface OrderSpec {
  paidAt: string | null;
  total: number;
  refunded?: number;
  currency?: string;
  state?: OrderState;
  lines?: { productId: string; quantity: number; unitPrice: number; title?: string; refundedQuantity?: number }[];
}

/** Inserts an order (and its lines) as checkout and the webhook would have left it. */
async function insertOrder(o: OrderSpec): Promise<string> {
  const id = nanoid();
  const created = o.paidAt ? at(o.paidAt) - 60_000 : at("2031-01-01T00:00:00Z");
  const paid = o.paidAt ? at(o.paidAt) : null;
  const refunded = o.refunded ?? 0;
  const state =
    o.state ?? (paid === null ? "pending_payment" : refunded === 0 ? "paid" : refunded >= o.total ? "refunded" : "partially_refunded");
  await db.insert(orders).values({
    id,
    number: orderNumber++,
    userId: "user_dashboard",
    state,
    currency: o.currency ?? "USD",
    subtotal: o.total,
    total: o.total,
    amountPaid: paid === null ? 0 : o.total,
    amountRefunded: refunded,
    country: "US",
    shippingMethod: "standard",
    createdAt: created,
    updatedAt: created,
    paidAt: paid,
  });
  for (const [i, l] of (o.lines ?? []).entries()) {
    await db.insert(orderLines).values({
      id: nanoid(),
      orderId: id,
      productId: l.productId,
      variantId: `${l.productId}_v`,
      sku: `${l.productId}-${i}-${nanoid(6)}`,
      title: l.title ?? `Line of ${l.productId}`,
      unitPrice: l.unitPrice,
      quantity: l.quantity,
      total: l.unitPrice * l.quantity,
      refundedQuantity: l.refundedQuantity ?? 0,
      position: i,
    });
  }
  return id;
}

/** A live product with one variant per entry of `available` (stock = available + 2). */
async function insertProduct(title: string, available: number[], o: { deleted?: boolean; variantDeleted?: number } = {}) {
  const id = nanoid();
  const now = Date.now();
  await db.insert(products).values({
    id,
    slug: `p-${id}`,
    title,
    status: "active",
    currency: "USD",
    createdAt: now,
    updatedAt: now,
    deletedAt: o.deleted ? now : null,
  });
  const ids: string[] = [];
  for (const [i, a] of available.entries()) {
    const vid = nanoid();
    ids.push(vid);
    await db.insert(variants).values({
      id: vid,
      productId: id,
      sku: `SKU-${vid}`,
      title: `${title} #${i}`,
      price: 1000,
      currency: "USD",
      stock: a + 2,
      available: a,
      position: i,
      createdAt: now,
      updatedAt: now,
      deletedAt: o.variantDeleted === i ? now : null,
    });
  }
  return { id, variantIds: ids };
}

type Figures = { orders: number; gross: number; refunded: number; net: number };
type Sales = {
  from: string;
  to: string;
  interval: string;
  series: { currency: string; totals: Figures; buckets: ({ start: string; end: string } & Figures)[] }[];
};
const fig = (orders: number, gross: number, refunded = 0): Figures => ({ orders, gross, refunded, net: gross - refunded });

let admin: TestUser;
let customer: TestUser;
beforeAll(async () => {
  [admin, customer] = await Promise.all([newAdmin(), newUser()]);
});
const get = <T>(path: string) => api.ok<T>(api.call("GET", path, admin.token));

describe("GET /admin/dashboard/sales", () => {
  it("counts paid orders in the UTC day of paid_at, edges included once, gaps zero-filled", async () => {
    await insertOrder({ paidAt: "2031-02-28T23:59:59.999Z", total: 999 }); // before the range
    await insertOrder({ paidAt: "2031-03-01T00:00:00.000Z", total: 1000 });
    await insertOrder({ paidAt: "2031-03-01T23:59:59.999Z", total: 2000 });
    await insertOrder({ paidAt: "2031-03-02T00:00:00.000Z", total: 300 });
    await insertOrder({ paidAt: "2031-03-04T12:00:00.000Z", total: 45 });
    await insertOrder({ paidAt: "2031-03-05T00:00:00.000Z", total: 777 }); // `to` is exclusive
    await insertOrder({ paidAt: null, total: 5000 }); // never paid: not a sale
    const r = await get<Sales>("/admin/dashboard/sales?from=2031-03-01&to=2031-03-05&currency=USD");
    expect(r).toEqual({
      from: "2031-03-01T00:00:00.000Z",
      to: "2031-03-05T00:00:00.000Z",
      interval: "day",
      series: [
        {
          currency: "USD",
          totals: fig(4, 3345),
          buckets: [
            { start: "2031-03-01T00:00:00.000Z", end: "2031-03-02T00:00:00.000Z", ...fig(2, 3000) },
            { start: "2031-03-02T00:00:00.000Z", end: "2031-03-03T00:00:00.000Z", ...fig(1, 300) },
            { start: "2031-03-03T00:00:00.000Z", end: "2031-03-04T00:00:00.000Z", ...fig(0, 0) },
            { start: "2031-03-04T00:00:00.000Z", end: "2031-03-05T00:00:00.000Z", ...fig(1, 45) },
          ],
        },
      ],
    });
  });

  it("rounds a range that starts and ends mid-day out to whole days", async () => {
    const r = await get<Sales>("/admin/dashboard/sales?from=2031-03-01T18:00:00Z&to=2031-03-02T06:00:00%2B02:00&currency=USD");
    expect(r.from).toBe("2031-03-01T00:00:00.000Z");
    expect(r.to).toBe("2031-03-03T00:00:00.000Z");
    expect(r.series[0]?.buckets.map((b) => b.orders)).toEqual([2, 1]);
  });

  it("nets refunds against the bucket of the payment (full, partial, none)", async () => {
    await insertOrder({ paidAt: "2032-05-10T08:00:00Z", total: 5000, refunded: 1500 });
    await insertOrder({ paidAt: "2032-05-10T09:00:00Z", total: 2500, refunded: 2500 });
    await insertOrder({ paidAt: "2032-05-10T10:00:00Z", total: 1000 });
    await insertOrder({ paidAt: "2032-05-11T10:00:00Z", total: 400, refunded: 100, state: "cancelled" });
    const r = await get<Sales>("/admin/dashboard/sales?from=2032-05-10&to=2032-05-12");
    expect(r.series).toEqual([
      {
        currency: "USD",
        totals: fig(4, 8900, 4100),
        buckets: [
          { start: "2032-05-10T00:00:00.000Z", end: "2032-05-11T00:00:00.000Z", ...fig(3, 8500, 4000) },
          { start: "2032-05-11T00:00:00.000Z", end: "2032-05-12T00:00:00.000Z", ...fig(1, 400, 100) },
        ],
      },
    ]);
    expect(r.series[0]?.totals.net).toBe(4800);
  });

  it("weeks start on Monday 00:00 UTC", async () => {
    await insertOrder({ paidAt: "2033-03-06T23:59:59.999Z", total: 1 }); // Sunday: the week of Mon 02-28
    await insertOrder({ paidAt: "2033-03-07T00:00:00.000Z", total: 10 }); // Monday
    await insertOrder({ paidAt: "2033-03-13T23:59:59.999Z", total: 100 }); // the Sunday after
    await insertOrder({ paidAt: "2033-03-14T00:00:00.000Z", total: 1000 }); // next Monday
    // 2033-03-02 is a Wednesday: the first bucket starts on Monday 2033-02-28
    const r = await get<Sales>("/admin/dashboard/sales?from=2033-03-02&to=2033-03-15&interval=week&currency=USD");
    expect(r.interval).toBe("week");
    expect(r.series[0]?.buckets).toEqual([
      { start: "2033-02-28T00:00:00.000Z", end: "2033-03-07T00:00:00.000Z", ...fig(1, 1) },
      { start: "2033-03-07T00:00:00.000Z", end: "2033-03-14T00:00:00.000Z", ...fig(2, 110) },
      { start: "2033-03-14T00:00:00.000Z", end: "2033-03-21T00:00:00.000Z", ...fig(1, 1000) },
    ]);
    for (const b of r.series[0]?.buckets ?? []) expect(new Date(b.start).getUTCDay()).toBe(1);
  });

  it("keeps currencies apart: one series each, largest gross first; `currency` picks one (zeros if none sold)", async () => {
    await insertOrder({ paidAt: "2034-07-01T10:00:00Z", total: 100, currency: "USD" });
    await insertOrder({ paidAt: "2034-07-01T11:00:00Z", total: 900, currency: "EUR", refunded: 50 });
    await insertOrder({ paidAt: "2034-07-01T12:00:00Z", total: 5000, currency: "JPY" });
    const all = await get<Sales>("/admin/dashboard/sales?from=2034-07-01&to=2034-07-02");
    expect(all.series.map((s) => [s.currency, s.totals])).toEqual([
      ["JPY", fig(1, 5000)],
      ["EUR", fig(1, 900, 50)],
      ["USD", fig(1, 100)],
    ]);
    const eur = await get<Sales>("/admin/dashboard/sales?from=2034-07-01&to=2034-07-02&currency=EUR");
    expect(eur.series.map((s) => [s.currency, s.totals])).toEqual([["EUR", fig(1, 900, 50)]]);
    const gbp = await get<Sales>("/admin/dashboard/sales?from=2034-07-01&to=2034-07-03&currency=GBP");
    expect(gbp.series).toEqual([
      {
        currency: "GBP",
        totals: fig(0, 0),
        buckets: [
          { start: "2034-07-01T00:00:00.000Z", end: "2034-07-02T00:00:00.000Z", ...fig(0, 0) },
          { start: "2034-07-02T00:00:00.000Z", end: "2034-07-03T00:00:00.000Z", ...fig(0, 0) },
        ],
      },
    ]);
    const none = await get<Sales>("/admin/dashboard/sales?from=2034-08-01&to=2034-08-02");
    expect(none.series).toEqual([]);
  });

  it("defaults to the 30 days before now, in days", async () => {
    const r = await get<Sales>("/admin/dashboard/sales");
    expect(r.interval).toBe("day");
    const days = (Date.parse(r.to) - Date.parse(r.from)) / 86_400_000;
    expect([30, 31]).toContain(days);
    expect(Date.parse(r.to)).toBeGreaterThan(Date.now());
  });

  it("allows 366 days and refuses 366 days and 1 ms", async () => {
    const r = await get<Sales>("/admin/dashboard/sales?from=2031-01-01&to=2032-01-02&currency=USD");
    expect(r.series[0]?.buckets).toHaveLength(366);
    await api.problem(
      api.call("GET", "/admin/dashboard/sales?from=2031-01-01T00:00:00Z&to=2032-01-02T00:00:00.001Z", admin.token),
      422,
      "validation_failed",
      ["to"],
    );
  });

  it.each([
    ["from after to", "from=2031-03-05&to=2031-03-01", "from"],
    ["from equal to to", "from=2031-03-05&to=2031-03-05", "from"],
    ["a range of two years", "from=2030-01-01&to=2032-01-01", "to"],
    ["a date that does not exist", "from=2031-02-30&to=2031-03-05", "from"],
    ["month 13, day 45", "from=2026-13-45", "from"],
    ["month 0", "from=2026-00-10", "from"],
    ["day 0 as the end", "to=2026-01-00", "to"],
    ["an impossible time", "from=2026-02-27T25:61:00Z", "from"],
    ["a date-time on a day that does not exist", "from=2026-02-31T12:00:00Z", "from"],
    ["a date-time without a zone", "from=2031-02-01T00:00:00&to=2031-03-05", "from"],
    ["a number", "from=1700000000000", "from"],
    ["an unknown interval", "interval=month", "interval"],
    ["a lowercase currency", "currency=usd", "currency"],
    ["a four-letter currency", "currency=USDX", "currency"],
    ["a very long date", `from=${"2".repeat(10_000)}`, "from"],
    ["odd unicode", `currency=${encodeURIComponent("U\u0000S")}`, "currency"],
    ["a lone surrogate", `from=${encodeURIComponent("2031-03-01")}%ED%A0%80`, "from"],
  ])("%s is 422", async (_what, query, path) => {
    await api.problem(api.call("GET", `/admin/dashboard/sales?${query}`, admin.token), 422, "validation_failed", [path]);
  });
});

describe("GET /admin/dashboard/top-products", () => {
  type Top = { from: string; to: string; by: string; items: Record<string, unknown>[] };
  let ids: { a: string; b: string; c: string };
  beforeAll(async () => {
    const a = await insertProduct("Alpha mug", [10]);
    const b = await insertProduct("Beta <b>poster</b>", [10]);
    ids = { a: a.id, b: b.id, c: "prod_gone" };
    // A: 2 orders, 3 units, 6000. B: 1 order, 10 units, 2000. C (product deleted from the catalog): 1 unit, 9000.
    await insertOrder({ paidAt: "2035-04-01T10:00:00Z", total: 2000, lines: [{ productId: a.id, quantity: 1, unitPrice: 2000 }] });
    await insertOrder({
      paidAt: "2035-04-02T10:00:00Z",
      total: 6000,
      refunded: 2000,
      lines: [
        { productId: a.id, quantity: 2, unitPrice: 2000, refundedQuantity: 1 },
        { productId: b.id, quantity: 10, unitPrice: 200 },
      ],
    });
    await insertOrder({
      paidAt: "2035-04-03T10:00:00Z",
      total: 9000,
      lines: [{ productId: "prod_gone", quantity: 1, unitPrice: 9000, title: "Old lamp" }],
    });
    // not counted: unpaid, outside the range, another currency
    await insertOrder({ paidAt: null, total: 99_000, lines: [{ productId: b.id, quantity: 99, unitPrice: 1000 }] });
    await insertOrder({ paidAt: "2035-05-01T10:00:00Z", total: 50_000, lines: [{ productId: b.id, quantity: 50, unitPrice: 1000 }] });
    await insertOrder({
      paidAt: "2035-04-02T11:00:00Z",
      total: 700,
      currency: "EUR",
      lines: [{ productId: b.id, quantity: 7, unitPrice: 100 }],
    });
  });

  it("ranks by revenue per product and currency, with units, refunded units and orders", async () => {
    const r = await get<Top>("/admin/dashboard/top-products?from=2035-04-01&to=2035-04-30");
    expect(r).toEqual({
      from: "2035-04-01T00:00:00.000Z",
      to: "2035-04-30T00:00:00.000Z",
      by: "revenue",
      items: [
        { productId: ids.c, title: "Old lamp", currency: "USD", quantity: 1, refundedQuantity: 0, revenue: 9000, orders: 1 },
        { productId: ids.a, title: "Alpha mug", currency: "USD", quantity: 3, refundedQuantity: 1, revenue: 6000, orders: 2 },
        { productId: ids.b, title: "Beta <b>poster</b>", currency: "USD", quantity: 10, refundedQuantity: 0, revenue: 2000, orders: 1 },
        { productId: ids.b, title: "Beta <b>poster</b>", currency: "EUR", quantity: 7, refundedQuantity: 0, revenue: 700, orders: 1 },
      ],
    });
  });

  it("ranks by quantity, filters by currency and honours limit", async () => {
    const r = await get<Top>("/admin/dashboard/top-products?from=2035-04-01&to=2035-04-30&by=quantity&currency=USD&limit=2");
    expect(r.items.map((i) => [i.productId, i.quantity])).toEqual([
      [ids.b, 10],
      [ids.a, 3],
    ]);
  });

  it.each([
    ["from=2026-13-45", "from"],
    ["to=2026-00-10", "to"],
    ["limit=0", "limit"],
    ["limit=101", "limit"],
    ["limit=2.5", "limit"],
    ["limit=ten", "limit"],
    ["by=rating", "by"],
    ["from=2035-05-01&to=2035-04-01", "from"],
    ["currency=%E2%82%AC", "currency"],
  ])("%s is 422", async (query, path) => {
    await api.problem(api.call("GET", `/admin/dashboard/top-products?${query}`, admin.token), 422, "validation_failed", [path]);
  });
});

describe("GET /admin/dashboard/low-stock", () => {
  type Low = { threshold: number; items: { variantId: string; sku: string; available: number; stock: number; productTitle: string }[] };
  it("lists live variants with available ≤ threshold, least available first", async () => {
    const p = await insertProduct("Low stock lamp", [0, 3, 4, 100]);
    const deletedVariant = await insertProduct("Half gone", [1, 1], { variantDeleted: 1 });
    const deletedProduct = await insertProduct("Gone product", [0], { deleted: true });
    const r = await get<Low>("/admin/dashboard/low-stock?threshold=3&limit=500");
    expect(r.threshold).toBe(3);
    const ids = r.items.map((i) => i.variantId);
    expect(ids).toContain(p.variantIds[0]);
    expect(ids).toContain(p.variantIds[1]); // 3 ≤ 3
    expect(ids).not.toContain(p.variantIds[2]); // 4 > 3
    expect(ids).not.toContain(p.variantIds[3]);
    expect(ids).toContain(deletedVariant.variantIds[0]);
    expect(ids).not.toContain(deletedVariant.variantIds[1]);
    expect(ids).not.toContain(deletedProduct.variantIds[0]);
    expect(r.items.every((i) => i.available <= 3)).toBe(true);
    const available = r.items.map((i) => i.available);
    expect(available).toEqual([...available].sort((x, y) => x - y));
    expect(r.items.find((i) => i.variantId === p.variantIds[1])).toEqual({
      variantId: p.variantIds[1],
      productId: p.id,
      productTitle: "Low stock lamp",
      productStatus: "active",
      sku: `SKU-${p.variantIds[1]}`,
      title: "Low stock lamp #1",
      stock: 5,
      available: 3,
    });
  });

  it("defaults to a threshold of 5; limit cuts the list", async () => {
    await insertProduct("Sold out", [0, 5, 6]);
    const r = await get<Low>("/admin/dashboard/low-stock");
    expect(r.threshold).toBe(5);
    expect(r.items.every((i) => i.available <= 5)).toBe(true);
    const one = await get<Low>("/admin/dashboard/low-stock?limit=1");
    expect(one.items).toHaveLength(1);
    expect(one.items[0]?.available).toBe(0);
  });

  it.each([["threshold=-1"], ["threshold=1000001"], ["threshold=abc"], ["limit=501"]])("%s is 422", async (query) => {
    await api.problem(api.call("GET", `/admin/dashboard/low-stock?${query}`, admin.token), 422, "validation_failed", [
      query.split("=")[0] ?? "",
    ]);
  });
});

describe("GET /admin/dashboard/orders-by-state", () => {
  type ByState = { states: { state: string; count: number }[]; total: number };
  it("counts every state, zeros included", async () => {
    const before = await get<ByState>("/admin/dashboard/orders-by-state");
    expect(before.states.map((s) => s.state)).toEqual([
      "pending_payment",
      "paid",
      "fulfilled",
      "delivered",
      "cancelled",
      "refunded",
      "partially_refunded",
    ]);
    await insertOrder({ paidAt: null, total: 1 });
    await insertOrder({ paidAt: "2036-01-01T00:00:00Z", total: 1, state: "fulfilled" });
    await insertOrder({ paidAt: "2036-01-01T00:00:00Z", total: 1, state: "fulfilled" });
    await insertOrder({ paidAt: null, total: 1, state: "cancelled" });
    const after = await get<ByState>("/admin/dashboard/orders-by-state");
    const delta = Object.fromEntries(after.states.map((s, i) => [s.state, s.count - (before.states[i]?.count ?? 0)]));
    expect(delta).toEqual({ pending_payment: 1, paid: 0, fulfilled: 2, delivered: 0, cancelled: 1, refunded: 0, partially_refunded: 0 });
    expect(after.total).toBe(before.total + 4);
    expect(after.total).toBe(after.states.reduce((n, s) => n + s.count, 0));
  });
});

describe("who may see the dashboard", () => {
  const paths = [
    "/admin/dashboard/sales",
    "/admin/dashboard/sales.svg",
    "/admin/dashboard/top-products",
    "/admin/dashboard/low-stock",
    "/admin/dashboard/orders-by-state",
  ];
  it.each(paths)("%s is 401 without a token", async (path) => {
    await api.problem(api.call("GET", path), 401, "unauthorized");
  });
  it.each(paths)("%s is 403 for a customer (even with a bad query)", async (path) => {
    const body = await api.problem(api.call("GET", path, customer.token), 403, "forbidden");
    expect(body.detail).toBe('This action needs the "shop:admin" role');
    await api.problem(api.call("GET", `${path}?from=nonsense&threshold=-5`, customer.token), 403, "forbidden");
  });
  it.each(paths)("%s answers a platform admin", async (path) => {
    const platform = await newTestUser("*", "root_", ["platform:admin"]);
    const res = await api.call("GET", path, platform.token);
    expect(res.status).toBe(200);
  });
});
