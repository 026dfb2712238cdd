import type { ProductPrice } from "@edgeworks/commerce-contracts";
import { ApiError, notFound } from "@edgeworks/http";
import { unwrap } from "@edgeworks/realtime";
import type { ServiceDeps } from "./deps";
import type { StoredLine } from "./do/cart";
import { carts } from "./schema";
import type { CartView, CartWarning } from "./validation";

/** The cart as the API shows it: each stored line priced with catalog's answer (or its last known price). */
export function toCartView(lines: StoredLine[], prices: ProductPrice[]): CartView {
  const byId = new Map(prices.map((p) => [p.productId, p]));
  const warnings: CartWarning[] = [];
  const currency = lines[0]?.currency ?? null;
  const shown = lines.map((line) => {
    const p = byId.get(line.productId);
    let active = p?.active ?? false;
    if (!p) warnings.push({ productId: line.productId, code: "product_unavailable", detail: `${line.name} is no longer sold` });
    else if (!p.active) warnings.push({ productId: line.productId, code: "product_inactive", detail: `${p.name} is not available now` });
    else if (p.currency !== currency) {
      active = false;
      warnings.push({
        productId: line.productId,
        code: "currency_mismatch",
        detail: `${p.name} is now priced in ${p.currency.toUpperCase()}`,
      });
    } else if (p.available < line.quantity)
      warnings.push({ productId: line.productId, code: "insufficient_stock", detail: `Only ${p.available} of ${p.name} in stock` });
    const unitAmount = p?.unitAmount ?? line.unitAmount;
    return {
      productId: line.productId,
      sku: p?.sku ?? line.sku,
      name: p?.name ?? line.name,
      quantity: line.quantity,
      unitAmount,
      currency: p?.currency ?? line.currency,
      lineAmount: unitAmount * line.quantity,
      available: p?.available ?? 0,
      active,
    };
  });
  const counted = shown.filter((l) => l.active);
  return {
    lines: shown,
    itemCount: counted.reduce((n, l) => n + l.quantity, 0),
    amount: counted.reduce((n, l) => n + l.lineAmount, 0),
    currency,
    warnings,
  };
}

/** Keeps the operators' read model in step (best effort: a failure is logged, the cart itself is the truth). */
async function record({ db, userId, now, logger }: ServiceDeps, lines: StoredLine[]): Promise<void> {
  const row = {
    userId,
    lineCount: lines.length,
    itemCount: lines.reduce((n, l) => n + l.quantity, 0),
    currency: lines[0]?.currency ?? null,
    updatedAt: now(),
  };
  try {
    await db.insert(carts).values(row).onConflictDoUpdate({ target: carts.userId, set: row });
  } catch (error) {
    logger.warn("carts read model not updated", { userId, error: String(error) });
  }
}

/** The caller's cart, priced by catalog now (one RPC for every line; none for an empty cart). */
export async function getCart(deps: ServiceDeps): Promise<CartView> {
  const lines = await deps.cart.lines();
  return toCartView(lines, await deps.prices(lines.map((l) => l.productId)));
}

/**
 * Sets the quantity of a product (adds it when new). The product must exist (404) and be active (409);
 * the cart holds one currency (409) and 50 products (409). One catalog RPC prices the new line and the cart.
 */
export async function putItem(deps: ServiceDeps, productId: string, quantity: number): Promise<CartView> {
  const before = await deps.cart.lines();
  const prices = await deps.prices([productId, ...before.map((l) => l.productId)]);
  const product = prices.find((p) => p.productId === productId);
  if (!product) throw notFound("Product");
  if (!product.active) throw new ApiError("conflict", `${product.name} is not available now`);
  const lines = unwrap(await deps.cart.put({ ...product, quantity }, deps.now()));
  deps.logger.info("cart line set", { userId: deps.userId, productId, quantity, lines: lines.length });
  await record(deps, lines);
  return toCartView(lines, prices);
}

/**
 * Removes a product's line (404 when not in the cart) and answers the cart. The remaining lines are priced
 * before anything changes, so a 503 (catalog down) leaves the cart as it was.
 */
export async function removeItem(deps: ServiceDeps, productId: string): Promise<CartView> {
  const before = await deps.cart.lines();
  if (!before.some((l) => l.productId === productId)) throw notFound("Cart line");
  const prices = await deps.prices(before.filter((l) => l.productId !== productId).map((l) => l.productId));
  const lines = unwrap(await deps.cart.remove(productId));
  deps.logger.info("cart line removed", { userId: deps.userId, productId, lines: lines.length });
  await record(deps, lines);
  return toCartView(lines, prices);
}

/** Empties the caller's cart. */
export async function clearCart(deps: ServiceDeps): Promise<void> {
  await deps.cart.clear();
  deps.logger.info("cart cleared", { userId: deps.userId });
  await record(deps, []);
}
