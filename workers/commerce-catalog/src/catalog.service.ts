import { ApiError, decodeCursor, encodeCursor, invalidCursor, invalidField, notFound, toPage } from "@edgeworks/http";
import { unwrap } from "@edgeworks/realtime";
import { and, asc, desc, eq, isNull, or, type SQL, sql } from "drizzle-orm";
import { nanoid } from "nanoid";
import type { Db, ServiceDeps } from "./deps";
import { categories, type ProductRow, products } from "./schema";
import { inventoryOf, mirrorLevel, stockLevel } from "./stock";
import type {
  Category,
  CreateCategoryInput,
  CreateProductInput,
  InventoryView,
  ListProductsQuery,
  Product,
  UpdateProductInput,
} from "./validation";
import { toCategory, toProduct } from "./views";

const SCOPE = "products:createdAt:desc";
const live = (...more: (SQL | undefined)[]) => and(isNull(products.deletedAt), ...more);
/** What a caller may see: admins every live product, everyone else the active ones. */
const visible = (admin: boolean, ...more: (SQL | undefined)[]) => live(admin ? undefined : eq(products.active, true), ...more);

/** A UNIQUE failure of the live-SKU index (drizzle wraps D1's error as the cause). */
function isSkuConflict(err: unknown): boolean {
  const text = `${String(err)} ${err instanceof Error ? String(err.cause ?? "") : ""}`;
  return text.includes("UNIQUE constraint failed") && text.includes("products.sku");
}
const skuTaken = (sku: string) => new ApiError("conflict", `A live product already has the SKU "${sku}"`);

async function checkCategory(db: Db, categoryId: string | null | undefined): Promise<void> {
  if (categoryId === null || categoryId === undefined) return;
  const [row] = await db.select({ id: categories.id }).from(categories).where(eq(categories.id, categoryId)).limit(1);
  if (!row) throw invalidField("categoryId", "No such category");
}

/** One page of products, newest first, keyset-paginated on (createdAt, id); `category` is an id or a slug. */
export async function listProducts(deps: ServiceDeps, query: ListProductsQuery): Promise<{ items: Product[]; nextCursor: string | null }> {
  const { db } = deps;
  const filters: (SQL | undefined)[] = [];
  if (query.cursor !== undefined) {
    const [createdAt, id] = decodeCursor(SCOPE, query.cursor, 2);
    if (typeof createdAt !== "number" || typeof id !== "string") throw invalidCursor();
    filters.push(sql`(${products.createdAt}, ${products.id}) < (${createdAt}, ${id})`);
  }
  if (query.category !== undefined) {
    const [category] = await db
      .select({ id: categories.id })
      .from(categories)
      .where(or(eq(categories.id, query.category), eq(categories.slug, query.category)))
      .limit(1);
    if (!category) return { items: [], nextCursor: null };
    filters.push(eq(products.categoryId, category.id));
  }
  if (query.q !== undefined) {
    const pattern = `%${query.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    filters.push(sql`(${products.name} LIKE ${pattern} ESCAPE '\\' OR ${products.sku} LIKE ${pattern} ESCAPE '\\')`);
  }
  const rows = await db
    .select()
    .from(products)
    .where(visible(deps.admin, ...filters))
    .orderBy(desc(products.createdAt), desc(products.id))
    .limit(query.limit + 1);
  const page = toPage(rows, query.limit, (last) => encodeCursor(SCOPE, [last.createdAt, last.id]));
  return { items: page.items.map(toProduct), nextCursor: page.nextCursor };
}

async function productRow(deps: ServiceDeps, id: string): Promise<ProductRow> {
  const [row] = await deps.db
    .select()
    .from(products)
    .where(visible(deps.admin, eq(products.id, id)))
    .limit(1);
  if (!row) throw notFound("Product");
  return row;
}

/** One product (an inactive one only for admins), or 404. */
export async function getProduct(deps: ServiceDeps, id: string): Promise<Product> {
  return toProduct(await productRow(deps, id));
}

/** Creates a product (SKU unique among live products: 409) and sets its stock in its Inventory object. */
export async function createProduct(deps: ServiceDeps, input: CreateProductInput): Promise<Product> {
  const { db } = deps;
  await checkCategory(db, input.categoryId);
  const t = deps.now();
  const id = `prd_${nanoid(21)}`;
  try {
    await db.insert(products).values({
      id,
      sku: input.sku,
      name: input.name,
      description: input.description ?? null,
      categoryId: input.categoryId ?? null,
      unitAmount: input.unitAmount,
      currency: input.currency,
      active: input.active ?? true,
      onHand: 0,
      reserved: 0,
      stockVersion: 0,
      createdAt: t,
      updatedAt: t,
      deletedAt: null,
    });
  } catch (err) {
    if (isSkuConflict(err)) throw skuTaken(input.sku);
    throw err;
  }
  if (input.stock !== undefined && input.stock > 0) {
    const level = unwrap(await inventoryOf(deps.inventory, id).setOnHand(input.stock));
    await mirrorLevel(db, id, level);
  }
  return getProduct({ ...deps, admin: true }, id);
}

/** Changes only the given fields; `{}` changes nothing (and keeps updatedAt). */
export async function updateProduct(deps: ServiceDeps, id: string, patch: UpdateProductInput): Promise<Product> {
  const current = await productRow(deps, id);
  if (Object.keys(patch).length === 0) return toProduct(current);
  await checkCategory(deps.db, patch.categoryId);
  try {
    const [row] = await deps.db
      .update(products)
      .set({ ...patch, updatedAt: deps.now() })
      .where(live(eq(products.id, id)))
      .returning();
    if (!row) throw notFound("Product");
    return toProduct(row);
  } catch (err) {
    if (patch.sku !== undefined && isSkuConflict(err)) throw skuTaken(patch.sku);
    throw err;
  }
}

/** Soft-deletes a product: it is unknown to new orders; reservations already held are committed or released as usual. */
export async function deleteProduct(deps: ServiceDeps, id: string): Promise<void> {
  const t = deps.now();
  const deleted = await deps.db
    .update(products)
    .set({ deletedAt: t, updatedAt: t })
    .where(live(eq(products.id, id)))
    .returning({ id: products.id });
  if (deleted.length === 0) throw notFound("Product");
}

/** The stock of a live product, from its Inventory object (and the read model refreshed). */
export async function getInventory(deps: ServiceDeps, id: string): Promise<InventoryView> {
  await productRow(deps, id);
  const level = await stockLevel(deps.inventory, id);
  await mirrorLevel(deps.db, id, level);
  return { productId: id, onHand: level.onHand, reserved: level.reserved, available: level.available };
}

/** Sets the units on hand of a live product; below what is reserved is 409 (from the object, nothing changes). */
export async function setInventory(deps: ServiceDeps, id: string, onHand: number): Promise<InventoryView> {
  await productRow(deps, id);
  const level = unwrap(await inventoryOf(deps.inventory, id).setOnHand(onHand));
  await mirrorLevel(deps.db, id, level);
  return { productId: id, onHand: level.onHand, reserved: level.reserved, available: level.available };
}

/** Every category, by slug (a catalog has few). */
export async function listCategories(db: Db): Promise<Category[]> {
  const rows = await db.select().from(categories).orderBy(asc(categories.slug)).limit(1000);
  return rows.map(toCategory);
}

/** Creates a category; a slug already taken is 409. */
export async function createCategory(db: Db, input: CreateCategoryInput, now: number): Promise<Category> {
  const [row] = await db
    .insert(categories)
    .values({ id: `cat_${nanoid(21)}`, slug: input.slug, name: input.name, createdAt: now })
    .onConflictDoNothing()
    .returning();
  if (!row) throw new ApiError("conflict", `The slug "${input.slug}" is taken`);
  return toCategory(row);
}
