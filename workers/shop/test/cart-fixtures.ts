// Test fixtures of the cart, inventory and coupon tests: catalog rows inserted straight into D1 (the
// catalog API is another area's) and stock set on the product's Inventory Durable Object.
import { env } from "cloudflare:test";
import { unwrap } from "@edgeworks/realtime";
import { drizzle } from "drizzle-orm/d1";
import { nanoid } from "nanoid";
import { inventoryOf } from "../src/cart/inventory-client";
import { categories, products, variants } from "../src/catalog/schema";

export const db = drizzle(env.DB);

export interface VariantSpec {
  price?: number;
  stock?: number;
  currency?: string;
}

export interface Fixture {
  productId: string;
  variantIds: string[];
}

/** A category under `parent` (or a root), with its path. */
export async function makeCategory(parent?: { id: string; path: string }): Promise<{ id: string; path: string }> {
  const id = nanoid();
  const path = `${parent?.path ?? "/"}${id}/`;
  const now = Date.now();
  await db
    .insert(categories)
    .values({ id, parentId: parent?.id ?? null, slug: `c-${id}`, name: `Category ${id}`, path, createdAt: now, updatedAt: now });
  return { id, path };
}

/** An active product (unless `status` says otherwise) with variants; each variant's stock is set on its Inventory DO. */
export async function makeProduct(
  specs: VariantSpec[] = [{}],
  options: { status?: "draft" | "active" | "archived"; currency?: string; categoryId?: string | null } = {},
): Promise<Fixture> {
  const productId = nanoid();
  const now = Date.now();
  const currency = options.currency ?? specs[0]?.currency ?? "USD";
  await db.insert(products).values({
    id: productId,
    slug: `p-${productId}`,
    title: `Product ${productId}`,
    categoryId: options.categoryId ?? null,
    status: options.status ?? "active",
    currency,
    minPrice: Math.min(...specs.map((s) => s.price ?? 1000)),
    createdAt: now,
    updatedAt: now,
  });
  const variantIds: string[] = [];
  for (const [i, spec] of specs.entries()) {
    const id = nanoid();
    variantIds.push(id);
    await db.insert(variants).values({
      id,
      productId,
      sku: `SKU-${id}`,
      title: `Variant ${i}`,
      price: spec.price ?? 1000,
      currency: spec.currency ?? currency,
      createdAt: now,
      updatedAt: now,
      position: i,
    });
    unwrap(await inventoryOf(env, productId).setStock(id, spec.stock ?? 10));
  }
  return { productId, variantIds };
}

/** The D1 mirror of a variant's stock. */
export async function mirrorOf(variantId: string): Promise<{ stock: number; available: number; version: number }> {
  const row = await env.DB.prepare("SELECT stock, available, inventory_version AS version FROM variants WHERE id = ?")
    .bind(variantId)
    .first<{ stock: number; available: number; version: number }>();
  if (!row) throw new Error(`no variant ${variantId}`);
  return row;
}

/** The Inventory DO's view of one variant. */
export async function levelOf(productId: string, variantId: string): Promise<{ stock: number; available: number }> {
  const [level] = unwrap(await inventoryOf(env, productId).availability([variantId])).variants;
  if (!level) throw new Error("no level");
  return level;
}
