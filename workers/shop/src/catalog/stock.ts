// The catalog's calls into stock: helper D's Inventory Durable Object (one per product) is the authority;
// D1 `variants.stock/available` are its mirrors (what lists filter on).
import { unwrap } from "@edgeworks/realtime";
import { inventoryOf } from "../cart/inventory-client";

/** Sets each variant's units on hand in the product's Inventory object (which mirrors them into D1). */
export async function setStocks(env: Env, productId: string, levels: readonly { variantId: string; stock: number }[]): Promise<void> {
  const inventory = inventoryOf(env, productId);
  for (const { variantId, stock } of levels) unwrap(await inventory.setStock(variantId, stock));
}

/** The exact stock and available units of the product's variants now (unknown variants: 0). */
export async function stockLevels(
  env: Env,
  productId: string,
  variantIds: readonly string[],
): Promise<Map<string, { stock: number; available: number }>> {
  if (variantIds.length === 0) return new Map();
  const { variants } = unwrap(await inventoryOf(env, productId).availability(variantIds));
  return new Map(variants.map((v) => [v.variantId, { stock: v.stock, available: Math.max(0, v.available) }]));
}
