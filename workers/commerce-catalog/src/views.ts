import { iso } from "@edgeworks/http";
import type { categories, ProductRow } from "./schema";
import type { Category, Product } from "./validation";

/** The API shape of a stored product: what every response shows of it. */
export function toProduct(row: ProductRow): Product {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    description: row.description,
    categoryId: row.categoryId,
    unitAmount: row.unitAmount,
    currency: row.currency,
    active: row.active,
    available: Math.max(0, row.onHand - row.reserved),
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

export function toCategory(row: typeof categories.$inferSelect): Category {
  return { id: row.id, slug: row.slug, name: row.name, createdAt: iso(row.createdAt) };
}
