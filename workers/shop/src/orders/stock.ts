// The orders area's calls into stock (helper D's Inventory Durable Object, one per product): commit
// an order's holds when it is paid, release them when an unpaid order is cancelled, return sold units
// when a paid order is cancelled or a refund restocks.
import { unwrap } from "@edgeworks/realtime";
import { inventoryOf, orderHolder } from "../cart/inventory-client";

const distinct = (ids: readonly string[]) => [...new Set(ids)];

/** One order line as stock sees it. */
export interface StockLine {
  productId: string;
  variantId: string;
  quantity: number;
}

/**
 * Holds of `order:<id>` → sold, in every product's object, exactly the order's lines (idempotent: a second
 * commit changes nothing). Answers the units that were neither held nor free any more (sold anyway: a
 * payment that arrived after the hold was purged), for the caller to flag.
 */
export async function commitOrderStock(env: Env, orderId: string, lines: readonly StockLine[]): Promise<StockLine[]> {
  const shortfall: StockLine[] = [];
  for (const productId of distinct(lines.map((l) => l.productId))) {
    const expected = lines.filter((l) => l.productId === productId).map((l) => ({ variantId: l.variantId, quantity: l.quantity }));
    const done = unwrap(await inventoryOf(env, productId).commit(orderHolder(orderId), expected));
    shortfall.push(...done.shortfall.map((s) => ({ productId, ...s })));
  }
  return shortfall;
}

/** Drops every hold of `order:<id>` (an unpaid order cancelled or never created). */
export async function releaseOrderStock(env: Env, orderId: string, productIds: readonly string[]): Promise<void> {
  for (const productId of distinct(productIds)) unwrap(await inventoryOf(env, productId).release(orderHolder(orderId)));
}

/** Returns sold units to stock, once per `key` (a retry with the same key changes nothing). */
export async function restockLines(
  env: Env,
  key: string,
  lines: readonly { productId: string; variantId: string; quantity: number }[],
): Promise<void> {
  for (const productId of distinct(lines.map((l) => l.productId))) {
    const own = lines
      .filter((l) => l.productId === productId && l.quantity > 0)
      .map((l) => ({ variantId: l.variantId, quantity: l.quantity }));
    if (own.length > 0) unwrap(await inventoryOf(env, productId).restock(`${key}:${productId}`, own));
  }
}
