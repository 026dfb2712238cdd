import { iso } from "@edgeworks/http";
import { and, asc, eq, gte, isNotNull, isNull, lt, lte, sql } from "drizzle-orm";
import { products, variants } from "../catalog/schema";
import type { Db } from "../deps";
import { ORDER_STATES, type OrderState, orderLines, orders } from "../orders/schema";
import { BUCKETS, type BucketRange, bucketStarts, type Interval, type TimeRange } from "./range";

/** Money and counts of one bucket (or a whole range) of paid orders. */
export interface SalesFigures {
  /** Orders paid in the bucket (by `paid_at`), whatever happened to them later. */
  orders: number;
  /** What those orders paid (minor units). */
  gross: number;
  /** What has been refunded of them so far (minor units). */
  refunded: number;
  /** gross − refunded. */
  net: number;
}

/** One bucket of a sales series. */
export interface SalesBucket extends SalesFigures {
  start: string;
  end: string;
}

/** The sales of one currency over a range: totals and zero-filled buckets. */
export interface SalesSeries {
  currency: string;
  totals: SalesFigures;
  buckets: SalesBucket[];
}

/** The answer of the sales endpoint. */
export interface SalesReport {
  from: string;
  to: string;
  interval: Interval;
  series: SalesSeries[];
}

const figures = (orders: number, gross: number, refunded: number): SalesFigures => ({ orders, gross, refunded, net: gross - refunded });

/**
 * Paid orders per UTC bucket (day, or week from Monday), one series per currency (amounts in different
 * currencies are never added). Orders count in the bucket of their `paid_at`; refunds net against the
 * order's bucket. With `currency`, exactly that series (zeros when nothing sold); without, one series per
 * currency that sold, largest gross first. Empty buckets are present with zeros.
 *
 * @example await salesReport(db, toBuckets(range, "day"), "USD")
 */
export async function salesReport(db: Db, range: BucketRange, currency?: string): Promise<SalesReport> {
  const { size, offset } = BUCKETS[range.interval];
  // two constants of BUCKETS, inlined so that GROUP BY sees one expression
  const bucket = sql<number>`((${orders.paidAt} - ${sql.raw(String(offset))}) / ${sql.raw(String(size))})`;
  const rows = await db
    .select({
      currency: orders.currency,
      bucket,
      orders: sql<number>`count(*)`,
      gross: sql<number>`coalesce(sum(${orders.amountPaid}), 0)`,
      refunded: sql<number>`coalesce(sum(${orders.amountRefunded}), 0)`,
    })
    .from(orders)
    .where(
      and(
        isNotNull(orders.paidAt),
        gte(orders.paidAt, range.start),
        lt(orders.paidAt, range.end),
        currency ? eq(orders.currency, currency) : undefined,
      ),
    )
    .groupBy(orders.currency, bucket);

  const byCurrency = new Map<string, Map<number, SalesFigures>>();
  if (currency) byCurrency.set(currency, new Map());
  for (const r of rows) {
    const starts = byCurrency.get(r.currency) ?? new Map<number, SalesFigures>();
    starts.set(r.bucket * size + offset, figures(r.orders, r.gross, r.refunded));
    byCurrency.set(r.currency, starts);
  }
  const starts = bucketStarts(range);
  const series = [...byCurrency].map(([cur, found]): SalesSeries => {
    const buckets = starts.map((s) => ({ start: iso(s), end: iso(s + size), ...(found.get(s) ?? figures(0, 0, 0)) }));
    const sum = (k: "orders" | "gross" | "refunded") => buckets.reduce((n, b) => n + b[k], 0);
    return { currency: cur, totals: figures(sum("orders"), sum("gross"), sum("refunded")), buckets };
  });
  series.sort((a, b) => b.totals.gross - a.totals.gross || a.currency.localeCompare(b.currency));
  return { from: iso(range.start), to: iso(range.end), interval: range.interval, series };
}

/** One product's sales in a range (per currency). */
export interface TopProduct {
  productId: string;
  title: string;
  currency: string;
  /** Units sold (refunded units not subtracted). */
  quantity: number;
  /** Units refunded since. */
  refundedQuantity: number;
  /** Line totals of the units sold (minor units). */
  revenue: number;
  /** Paid orders that had the product. */
  orders: number;
}

/**
 * The best-selling products among orders paid in [from, to), by revenue or by units, one row per product and
 * currency; ties broken by the other measure, then the product id.
 *
 * @example await topProducts(db, range, { limit: 10, by: "revenue" })
 */
export async function topProducts(
  db: Db,
  range: TimeRange,
  o: { limit: number; by: "revenue" | "quantity"; currency?: string },
): Promise<TopProduct[]> {
  const quantity = sql<number>`sum(${orderLines.quantity})`;
  const revenue = sql<number>`sum(${orderLines.total})`;
  const [first, second] = o.by === "revenue" ? [revenue, quantity] : [quantity, revenue];
  const rows = await db
    .select({
      productId: orderLines.productId,
      currency: orders.currency,
      lineTitle: sql<string>`max(${orderLines.title})`,
      productTitle: sql<string | null>`max(${products.title})`,
      quantity,
      refundedQuantity: sql<number>`sum(${orderLines.refundedQuantity})`,
      revenue,
      orders: sql<number>`count(distinct ${orders.id})`,
    })
    .from(orderLines)
    .innerJoin(orders, eq(orders.id, orderLines.orderId))
    .leftJoin(products, eq(products.id, orderLines.productId))
    .where(
      and(
        isNotNull(orders.paidAt),
        gte(orders.paidAt, range.from),
        lt(orders.paidAt, range.to),
        o.currency ? eq(orders.currency, o.currency) : undefined,
      ),
    )
    .groupBy(orderLines.productId, orders.currency)
    .orderBy(sql`${first} desc`, sql`${second} desc`, asc(orderLines.productId), asc(orders.currency))
    .limit(o.limit);
  return rows.map(({ lineTitle, productTitle, ...r }) => ({ ...r, title: productTitle ?? lineTitle }));
}

/** A live variant whose available stock is at or below the threshold. */
export interface LowStockVariant {
  variantId: string;
  productId: string;
  productTitle: string;
  productStatus: string;
  sku: string;
  title: string;
  stock: number;
  available: number;
}

/**
 * Live variants of live products with `available ≤ threshold`, from the D1 mirror of the Inventory objects
 * (so as fresh as their last write-back), least available first.
 *
 * @example await lowStock(db, { threshold: 5, limit: 100 })
 */
export async function lowStock(db: Db, o: { threshold: number; limit: number }): Promise<LowStockVariant[]> {
  return db
    .select({
      variantId: variants.id,
      productId: variants.productId,
      productTitle: products.title,
      productStatus: products.status,
      sku: variants.sku,
      title: variants.title,
      stock: variants.stock,
      available: variants.available,
    })
    .from(variants)
    .innerJoin(products, eq(products.id, variants.productId))
    .where(and(isNull(variants.deletedAt), isNull(products.deletedAt), lte(variants.available, o.threshold)))
    .orderBy(asc(variants.available), asc(variants.sku))
    .limit(o.limit);
}

/** How many orders are in each state (every state listed, zeros included). */
export async function ordersByState(db: Db): Promise<{ states: { state: OrderState; count: number }[]; total: number }> {
  const rows = await db.select({ state: orders.state, count: sql<number>`count(*)` }).from(orders).groupBy(orders.state);
  const counts = new Map(rows.map((r) => [r.state, r.count]));
  const states = ORDER_STATES.map((state) => ({ state, count: counts.get(state) ?? 0 }));
  return { states, total: states.reduce((n, s) => n + s.count, 0) };
}
