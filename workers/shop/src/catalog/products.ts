import { ApiError, createRouter, errors, invalidField, jsonBody, jsonResponse, notFound } from "@edgeworks/http";
import { createRoute, type z } from "@hono/zod-openapi";
import { and, asc, eq, isNull, or, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { drizzle } from "drizzle-orm/d1";
import { customAlphabet, nanoid } from "nanoid";
import type { Db } from "../deps";
import { CHECKOUT_CURRENCIES } from "../orders/pricing";
import type { ShopEnv } from "../product";
import {
  adminOnly,
  bearer,
  IDEMPOTENCY_NOTE,
  idempotencyHeaders,
  idempotent,
  isAdmin,
  isUniqueViolation,
  type OpenEnv,
  optionalBearer,
  readAuth,
} from "./common";
import { categories, productImages, products, variantAttributes, variants } from "./schema";
import { setStocks, stockLevels } from "./stock";
import {
  asciiLower,
  createProductBody,
  productIdParams,
  productRefParams,
  slugify,
  updateProductBody,
  updateVariantBody,
  variantInput,
  variantParams,
} from "./validation";
import { type ProductView, productSchema, ratingOf, toImage, type VariantView, variantSchema } from "./views";

type ProductRow = typeof products.$inferSelect;
type VariantRow = typeof variants.$inferSelect;
type VariantInput = z.output<typeof variantInput>;

/** Runs statements as one D1 batch (one transaction). */
export async function runBatch(db: Db, statements: BatchItem<"sqlite">[]): Promise<void> {
  const [first, ...rest] = statements;
  if (first) await db.batch([first, ...rest]);
}

/** 409s for the unique columns a product write can hit; anything else is rethrown. */
function conflictOf(err: unknown): never {
  if (isUniqueViolation(err, "products.slug")) throw new ApiError("conflict", "Another product has this slug");
  if (isUniqueViolation(err, "variants.sku")) throw new ApiError("conflict", "Another variant has this SKU");
  throw err;
}

const suffix = customAlphabet("abcdefghijklmnopqrstuvwxyz0123456789", 6);

/** A live product by id or slug; drafts and archived products only for admins (404 otherwise). */
export async function findProduct(db: Db, idOrSlug: string, admin: boolean): Promise<ProductRow> {
  const visible = admin ? undefined : eq(products.status, "active");
  const row = await db
    .select()
    .from(products)
    .where(and(or(eq(products.id, idOrSlug), eq(products.slug, idOrSlug)), isNull(products.deletedAt), visible))
    .get();
  if (!row) throw notFound("Product");
  return row;
}

const liveVariants = (db: Db, productId: string) =>
  db
    .select()
    .from(variants)
    .where(and(eq(variants.productId, productId), isNull(variants.deletedAt)))
    .orderBy(asc(variants.position), asc(variants.createdAt), asc(variants.id))
    .all();

const parseAttributes = (json: string): Record<string, string> => {
  const parsed: unknown = JSON.parse(json);
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return {};
  return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === "string"));
};

function toVariant(row: VariantRow, level: { stock: number; available: number } | undefined, admin: boolean): VariantView {
  return {
    id: row.id,
    sku: row.sku,
    title: row.title,
    price: row.price,
    currency: row.currency,
    attributes: parseAttributes(row.attributes),
    available: level?.available ?? 0,
    ...(admin ? { stock: level?.stock ?? row.stock } : {}),
    position: row.position,
  };
}

/** The product as GET /products/{id} shows it: `available` exact from the Inventory object, `stock` for admins. */
export async function productDetail(env: Env, db: Db, row: ProductRow, admin: boolean): Promise<ProductView> {
  const [live, images] = await Promise.all([
    liveVariants(db, row.id),
    db
      .select()
      .from(productImages)
      .where(eq(productImages.productId, row.id))
      .orderBy(asc(productImages.position), asc(productImages.id))
      .all(),
  ]);
  const levels = await stockLevels(
    env,
    row.id,
    live.map((v) => v.id),
  );
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    description: row.description,
    categoryId: row.categoryId,
    status: row.status,
    currency: row.currency,
    minPrice: row.minPrice,
    rating: ratingOf(row.ratingSum, row.ratingCount),
    variants: live.map((v) => toVariant(v, levels.get(v.id), admin)),
    images: images.map(toImage),
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}

/** `products.min_price` recomputed from its live variants (a statement for the same batch as the change). */
const refreshMinPrice = (db: Db, productId: string, now: number) =>
  db
    .update(products)
    .set({
      minPrice: sql`coalesce((SELECT min(${variants.price}) FROM ${variants} WHERE ${variants.productId} = ${productId} AND ${variants.deletedAt} IS NULL), 0)`,
      updatedAt: now,
    })
    .where(eq(products.id, productId));

/** The attribute index rows of a variant (25 rows per statement: D1 binds at most 100 values). */
function attributeInserts(db: Db, productId: string, variantId: string, attributes: Record<string, string>): BatchItem<"sqlite">[] {
  const rows = Object.entries(attributes).map(([name, value]) => ({
    variantId,
    productId,
    name: asciiLower(name),
    value: asciiLower(value),
  }));
  const out: BatchItem<"sqlite">[] = [];
  for (let i = 0; i < rows.length; i += 25) out.push(db.insert(variantAttributes).values(rows.slice(i, i + 25)));
  return out;
}

/** 422 when two attribute names differ only in ASCII case (the index folds them). */
function checkAttributeNames(attributes: Record<string, string>, path: string): void {
  const names = Object.keys(attributes).map(asciiLower);
  if (new Set(names).size !== names.length) throw invalidField(path, "Attribute names must differ in more than case");
}

async function checkCategory(db: Db, categoryId: string | null | undefined): Promise<void> {
  if (!categoryId) return;
  const found = await db.select({ id: categories.id }).from(categories).where(eq(categories.id, categoryId)).get();
  if (!found) throw invalidField("categoryId", "No such category");
}

function checkCurrency(variant: { currency?: string }, currency: string, path: string): void {
  if (variant.currency !== undefined && variant.currency !== currency)
    throw invalidField(path, `Must be the product's currency ${currency}`);
}

function variantRow(productId: string, currency: string, v: VariantInput, position: number, now: number): VariantRow {
  return {
    id: nanoid(),
    productId,
    sku: v.sku,
    title: v.title,
    price: v.price,
    currency,
    attributes: JSON.stringify(v.attributes),
    stock: 0,
    available: 0,
    inventoryVersion: 0,
    position,
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
  };
}

async function createProduct(env: Env, db: Db, input: z.output<typeof createProductBody>, now: number): Promise<ProductView> {
  const skus = input.variants.map((v) => v.sku);
  const dup = skus.findIndex((s, i) => skus.indexOf(s) !== i);
  if (dup >= 0) throw invalidField(`variants.${dup}.sku`, "SKUs must be unique");
  input.variants.forEach((v, i) => {
    checkCurrency(v, input.currency, `variants.${i}.currency`);
    checkAttributeNames(v.attributes, `variants.${i}.attributes`);
  });
  await checkCategory(db, input.categoryId);
  const id = nanoid();
  let slug = input.slug;
  if (slug === undefined) {
    const base = slugify(input.title) || "product";
    const taken = await db.select({ id: products.id }).from(products).where(eq(products.slug, base)).get();
    slug = taken ? `${base.slice(0, 90)}-${suffix()}` : base;
  }
  const rows = input.variants.map((v, i) => variantRow(id, input.currency, v, i, now));
  const product: ProductRow = {
    id,
    slug,
    title: input.title,
    description: input.description,
    categoryId: input.categoryId ?? null,
    status: input.status,
    currency: input.currency,
    minPrice: Math.min(...rows.map((r) => r.price)),
    ratingSum: 0,
    ratingCount: 0,
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
  };
  try {
    await runBatch(db, [
      db.insert(products).values(product),
      ...rows.flatMap((r, i) => [db.insert(variants).values(r), ...attributeInserts(db, id, r.id, input.variants[i]?.attributes ?? {})]),
    ]);
  } catch (err) {
    conflictOf(err);
  }
  await setStocks(
    env,
    id,
    rows.map((r, i) => ({ variantId: r.id, stock: input.variants[i]?.stock ?? 0 })),
  );
  return productDetail(env, db, product, true);
}

async function updateProduct(env: Env, db: Db, id: string, input: z.output<typeof updateProductBody>, now: number): Promise<ProductView> {
  await findProduct(db, id, true);
  if (input.categoryId !== undefined) await checkCategory(db, input.categoryId);
  const set: Partial<ProductRow> = {
    ...(input.title !== undefined ? { title: input.title } : {}),
    ...(input.slug !== undefined ? { slug: input.slug } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.categoryId !== undefined ? { categoryId: input.categoryId } : {}),
    ...(input.status !== undefined ? { status: input.status } : {}),
    updatedAt: now,
  };
  try {
    await db
      .update(products)
      .set(set)
      .where(and(eq(products.id, id), isNull(products.deletedAt)));
  } catch (err) {
    conflictOf(err);
  }
  return productDetail(env, db, await findProduct(db, id, true), true);
}

/** Soft delete: the row stays for orders' references, the catalog no longer shows it. */
async function deleteProduct(db: Db, id: string, now: number): Promise<void> {
  const gone = await db
    .update(products)
    .set({ deletedAt: now, updatedAt: now })
    .where(and(eq(products.id, id), isNull(products.deletedAt)))
    .returning({ id: products.id });
  if (gone.length === 0) throw notFound("Product");
}

async function findVariant(db: Db, productId: string, variantId: string): Promise<VariantRow> {
  const row = await db
    .select()
    .from(variants)
    .where(and(eq(variants.id, variantId), eq(variants.productId, productId), isNull(variants.deletedAt)))
    .get();
  if (!row) throw notFound("Variant");
  return row;
}

async function variantView(env: Env, db: Db, productId: string, variantId: string): Promise<VariantView> {
  const row = await findVariant(db, productId, variantId);
  const levels = await stockLevels(env, productId, [variantId]);
  return toVariant(row, levels.get(variantId), true);
}

async function addVariant(env: Env, db: Db, productId: string, input: VariantInput, now: number): Promise<VariantView> {
  const product = await findProduct(db, productId, true);
  checkCurrency(input, product.currency, "currency");
  checkAttributeNames(input.attributes, "attributes");
  const last = await db
    .select({ position: sql<number>`coalesce(max(${variants.position}), -1)` })
    .from(variants)
    .where(eq(variants.productId, productId))
    .get();
  const row = variantRow(productId, product.currency, input, (last?.position ?? -1) + 1, now);
  try {
    await runBatch(db, [
      db.insert(variants).values(row),
      ...attributeInserts(db, productId, row.id, input.attributes),
      refreshMinPrice(db, productId, now),
    ]);
  } catch (err) {
    conflictOf(err);
  }
  await setStocks(env, productId, [{ variantId: row.id, stock: input.stock }]);
  return variantView(env, db, productId, row.id);
}

async function updateVariant(
  env: Env,
  db: Db,
  productId: string,
  variantId: string,
  input: z.output<typeof updateVariantBody>,
  now: number,
): Promise<VariantView> {
  await findProduct(db, productId, true);
  const row = await findVariant(db, productId, variantId);
  if (input.attributes !== undefined) checkAttributeNames(input.attributes, "attributes");
  const set: Partial<VariantRow> = {
    ...(input.sku !== undefined ? { sku: input.sku } : {}),
    ...(input.title !== undefined ? { title: input.title } : {}),
    ...(input.price !== undefined ? { price: input.price } : {}),
    ...(input.position !== undefined ? { position: input.position } : {}),
    ...(input.attributes !== undefined ? { attributes: JSON.stringify(input.attributes) } : {}),
    updatedAt: now,
  };
  const statements: BatchItem<"sqlite">[] = [db.update(variants).set(set).where(eq(variants.id, row.id))];
  if (input.attributes !== undefined) {
    statements.push(db.delete(variantAttributes).where(eq(variantAttributes.variantId, row.id)));
    statements.push(...attributeInserts(db, productId, row.id, input.attributes));
  }
  if (input.price !== undefined) statements.push(refreshMinPrice(db, productId, now));
  try {
    await runBatch(db, statements);
  } catch (err) {
    conflictOf(err);
  }
  if (input.stock !== undefined) await setStocks(env, productId, [{ variantId, stock: input.stock }]);
  return variantView(env, db, productId, variantId);
}

/** Soft delete (orders keep their references); refused for the product's last live variant (409). */
async function deleteVariant(env: Env, db: Db, productId: string, variantId: string, now: number): Promise<void> {
  await findProduct(db, productId, true);
  await findVariant(db, productId, variantId);
  const others: SQL = sql`EXISTS (SELECT 1 FROM ${variants} v2 WHERE v2.product_id = ${productId} AND v2.id <> ${variantId} AND v2.deleted_at IS NULL)`;
  const [removed] = await db.batch([
    db
      .update(variants)
      .set({ deletedAt: now, updatedAt: now })
      .where(and(eq(variants.id, variantId), isNull(variants.deletedAt), others))
      .returning({ id: variants.id }),
    db
      .delete(variantAttributes)
      .where(
        and(
          eq(variantAttributes.variantId, variantId),
          sql`EXISTS (SELECT 1 FROM ${variants} v3 WHERE v3.id = ${variantId} AND v3.deleted_at IS NOT NULL)`,
        ),
      ),
    refreshMinPrice(db, productId, now),
  ]);
  if (removed.length === 0) throw new ApiError("conflict", "A product keeps at least one variant; delete the product instead");
  // nothing more can be reserved; holds already taken stay with their carts and orders
  await setStocks(env, productId, [{ variantId, stock: 0 }]);
}

const tags = ["Products"];
const writeErrors = errors(400, 401, 403, 404, 409, 413, 415, 422, 429);

const getProductRoute = createRoute({
  tags,
  security: optionalBearer,
  method: "get",
  path: "/products/{id}",
  operationId: "getProduct",
  summary: "A product with its variants and images",
  description:
    "Open to anonymous callers. Drafts and archived products are 404 except for admins. Each variant's `available` is exact " +
    "(the product's Inventory Durable Object); admins also see `stock`.",
  middleware: [readAuth] as const,
  request: { params: productRefParams },
  responses: { 200: jsonResponse(productSchema, "The product"), ...errors(401, 403, 404, 422) },
});

const createProductRoute = createRoute({
  tags,
  security: bearer,
  method: "post",
  path: "/products",
  operationId: "createProduct",
  summary: "Create a product with its variants (admin)",
  description:
    "Prices are integers in minor units of `currency` (ISO 4217, upper case); a variant's `currency`, when given, must be the product's. " +
    `\`currency\` must be one checkout can sell in (it has shipping rates): ${CHECKOUT_CURRENCIES.join(", ")}; another is 422. ` +
    `Slugs and SKUs are unique (409). Stock is set in the product's Inventory Durable Object. ${IDEMPOTENCY_NOTE}`,
  middleware: [adminOnly, idempotent] as const,
  request: { headers: idempotencyHeaders, body: jsonBody(createProductBody) },
  responses: { 201: jsonResponse(productSchema, "Created"), ...errors(400, 401, 403, 409, 413, 415, 422, 429) },
});

const updateProductRoute = createRoute({
  tags,
  security: bearer,
  method: "patch",
  path: "/products/{id}",
  operationId: "updateProduct",
  summary: "Update a product (admin)",
  description: `Only the given fields change. ${IDEMPOTENCY_NOTE}`,
  middleware: [adminOnly, idempotent] as const,
  request: { params: productIdParams, headers: idempotencyHeaders, body: jsonBody(updateProductBody) },
  responses: { 200: jsonResponse(productSchema, "The product"), ...writeErrors },
});

const deleteProductRoute = createRoute({
  tags,
  security: bearer,
  method: "delete",
  path: "/products/{id}",
  operationId: "deleteProduct",
  summary: "Delete a product (admin; soft)",
  description: `The row stays for the orders that name it; the catalog no longer shows it. ${IDEMPOTENCY_NOTE}`,
  middleware: [adminOnly, idempotent] as const,
  request: { params: productIdParams, headers: idempotencyHeaders },
  responses: { 204: { description: "Deleted" }, ...errors(401, 403, 404, 422, 429) },
});

const addVariantRoute = createRoute({
  tags,
  security: bearer,
  method: "post",
  path: "/products/{id}/variants",
  operationId: "addVariant",
  summary: "Add a variant (admin)",
  description: `SKUs are unique (409); the price is in the product's currency. ${IDEMPOTENCY_NOTE}`,
  middleware: [adminOnly, idempotent] as const,
  request: { params: productIdParams, headers: idempotencyHeaders, body: jsonBody(variantInput) },
  responses: { 201: jsonResponse(variantSchema, "Created"), ...writeErrors },
});

const updateVariantRoute = createRoute({
  tags,
  security: bearer,
  method: "patch",
  path: "/products/{id}/variants/{variantId}",
  operationId: "updateVariant",
  summary: "Update a variant (admin)",
  description: `\`stock\` is set in the Inventory Durable Object (available never goes below 0). ${IDEMPOTENCY_NOTE}`,
  middleware: [adminOnly, idempotent] as const,
  request: { params: variantParams, headers: idempotencyHeaders, body: jsonBody(updateVariantBody) },
  responses: { 200: jsonResponse(variantSchema, "The variant"), ...writeErrors },
});

const deleteVariantRoute = createRoute({
  tags,
  security: bearer,
  method: "delete",
  path: "/products/{id}/variants/{variantId}",
  operationId: "deleteVariant",
  summary: "Delete a variant (admin; soft)",
  description: `Refused (409) for the product's last variant. Its stock is set to 0. ${IDEMPOTENCY_NOTE}`,
  middleware: [adminOnly, idempotent] as const,
  request: { params: variantParams, headers: idempotencyHeaders },
  responses: { 204: { description: "Deleted" }, ...errors(401, 403, 404, 409, 422, 429) },
});

/** GET /products/{id} (an id or a slug), open to anonymous callers. */
export const productReads = createRouter<OpenEnv>().openapi(getProductRoute, async (c) => {
  const db = drizzle(c.env.DB);
  const admin = isAdmin(c.var.auth);
  const row = await findProduct(db, c.req.valid("param").id, admin);
  return c.json(await productDetail(c.env, db, row, admin), 200);
});

/** Admin writes of products and variants. */
export const productWrites = createRouter<ShopEnv>()
  .openapi(createProductRoute, async (c) => {
    const created = await createProduct(c.env, drizzle(c.env.DB), c.req.valid("json"), Date.now());
    c.header("Location", `/shop/v1/products/${created.id}`);
    return c.json(created, 201);
  })
  .openapi(updateProductRoute, async (c) =>
    c.json(await updateProduct(c.env, drizzle(c.env.DB), c.req.valid("param").id, c.req.valid("json"), Date.now()), 200),
  )
  .openapi(deleteProductRoute, async (c) => {
    await deleteProduct(drizzle(c.env.DB), c.req.valid("param").id, Date.now());
    return c.body(null, 204);
  })
  .openapi(addVariantRoute, async (c) =>
    c.json(await addVariant(c.env, drizzle(c.env.DB), c.req.valid("param").id, c.req.valid("json"), Date.now()), 201),
  )
  .openapi(updateVariantRoute, async (c) => {
    const { id, variantId } = c.req.valid("param");
    return c.json(await updateVariant(c.env, drizzle(c.env.DB), id, variantId, c.req.valid("json"), Date.now()), 200);
  })
  .openapi(deleteVariantRoute, async (c) => {
    const { id, variantId } = c.req.valid("param");
    await deleteVariant(c.env, drizzle(c.env.DB), id, variantId, Date.now());
    return c.body(null, 204);
  });
