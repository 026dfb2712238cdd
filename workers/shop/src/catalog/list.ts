import {
  ApiError,
  createRouter,
  decodeCursor,
  encodeCursor,
  errors,
  ftsMatchExpression,
  invalidCursor,
  invalidField,
  jsonResponse,
  pageSchema,
  toPage,
} from "@edgeworks/http";
import { createRoute } from "@hono/zod-openapi";
import { and, asc, desc, eq, getTableName, gte, isNull, lte, type SQL, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { Db } from "../deps";
import { isAdmin, type OpenEnv, optionalBearer, readAuth } from "./common";
import { categories, productImages, productSearchRows, products, variantAttributes, variants } from "./schema";
import { asciiLower, type ListProductsQuery, listProductsQuery, type ProductSort } from "./validation";
import { type ProductSummary, productSummarySchema, type SummaryRow, toSummary } from "./views";

/** At most this many search terms are used; the rest of a long `q` is ignored. */
const MAX_SEARCH_TERMS = 12;

/**
 * The FTS5 table of 0002_catalog.sql as drizzle sees it, for queries only: it is not in src/schema.ts
 * (the drift check compares ordinary tables; FTS5 tables and their shadows are left out).
 */
const productsFts = sqliteTable("products_fts", {
  rowid: integer("rowid").notNull(),
  title: text("title"),
  description: text("description"),
  skus: text("skus"),
});

/** Title hits weigh most, then SKUs, then the description (bm25 is lower for better matches). */
const rank = sql<number>`bm25(${productsFts}, 10.0, 2.0, 5.0)`;

/** The average in millionths (integer, so keyset comparisons are exact); unrated products sort last (-1). */
const ratingKey = sql<number>`(CASE WHEN ${products.ratingCount} = 0 THEN -1 ELSE (${products.ratingSum} * 1000000) / ${products.ratingCount} END)`;
const ratingKeyOf = (r: { ratingSum: number; ratingCount: number }) =>
  r.ratingCount === 0 ? -1 : Math.floor((r.ratingSum * 1_000_000) / r.ratingCount);

/**
 * `products.id` written out with its table: drizzle renders the columns of a single-table select without
 * their table, also inside `sql` pieces, so `${products.id}` in a correlated subquery over `variants` would
 * read `variants.id` there (found by H: `inStock` false and `image` null on every list without `q`).
 */
const outerProductId = sql`${sql.identifier(getTableName(products))}.${sql.identifier(products.id.name)}`;

/** The columns of a product summary: the row, whether a live variant is available (D1 mirror), the first image. */
export const summaryColumns = {
  id: products.id,
  slug: products.slug,
  title: products.title,
  categoryId: products.categoryId,
  status: products.status,
  currency: products.currency,
  minPrice: products.minPrice,
  ratingSum: products.ratingSum,
  ratingCount: products.ratingCount,
  createdAt: products.createdAt,
  inStock: sql<number>`EXISTS (SELECT 1 FROM ${variants} WHERE ${variants.productId} = ${outerProductId} AND ${variants.deletedAt} IS NULL AND ${variants.available} > 0)`,
  image: sql<
    string | null
  >`(SELECT json_object('id', ${productImages.id}, 'alt', ${productImages.alt}) FROM ${productImages} WHERE ${productImages.productId} = ${outerProductId} ORDER BY ${productImages.position}, ${productImages.id} LIMIT 1)`,
};

type Row = SummaryRow & { rank?: number };
interface SortSpec {
  key: SQL | typeof products.createdAt | typeof products.minPrice;
  dir: "asc" | "desc";
  value: (row: Row) => number;
}

const SORTS: Record<ProductSort, SortSpec> = {
  newest: { key: products.createdAt, dir: "desc", value: (r) => r.createdAt },
  price: { key: products.minPrice, dir: "asc", value: (r) => r.minPrice },
  "-price": { key: products.minPrice, dir: "desc", value: (r) => r.minPrice },
  rating: { key: ratingKey, dir: "desc", value: ratingKeyOf },
  relevance: { key: rank, dir: "asc", value: (r) => r.rank ?? 0 },
};

/** FNV-1a of the filters, so a cursor only continues the list it came from (another filter or sort: 422). */
function filterHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

/** `attr` filters grouped by name: a variant must have every name, with any of the values given for it. */
function attributeGroups(attrs: readonly string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const a of attrs) {
    const at = a.indexOf(":");
    const name = asciiLower(a.slice(0, at));
    const value = asciiLower(a.slice(at + 1));
    groups.set(name, [...(groups.get(name) ?? []), value]);
  }
  return groups;
}

/**
 * One page of the catalog: filters (category with its descendants, price range, currency, attributes,
 * full text, in stock), a sort, and a keyset cursor bound to the sort and the filters. Non-admins see
 * active products only. One D1 query per page.
 */
export async function listProducts(
  db: Db,
  query: ListProductsQuery,
  admin: boolean,
): Promise<{ items: ProductSummary[]; nextCursor: string | null }> {
  const match = query.q === undefined ? null : ftsMatchExpression(query.q, MAX_SEARCH_TERMS);
  if (query.q !== undefined && match === null) throw invalidField("q", "Must contain a letter or digit", "query");
  const sortName: ProductSort = query.sort ?? (match ? "relevance" : "newest");
  if (sortName === "relevance" && !match) throw invalidField("sort", "`relevance` needs `q`", "query");
  if (!admin && query.status !== undefined && query.status !== "active") {
    throw new ApiError("forbidden", "Only shop admins may list products that are not active");
  }
  if (query.minPrice !== undefined && query.maxPrice !== undefined && query.minPrice > query.maxPrice) {
    throw invalidField("maxPrice", "Must be at least minPrice", "query");
  }
  const status = admin ? (query.status ?? "all") : "active";
  const sort = SORTS[sortName];

  const where: (SQL | undefined)[] = [isNull(products.deletedAt), status === "all" ? undefined : eq(products.status, status)];
  if (query.category !== undefined) {
    where.push(
      sql`${products.categoryId} IN (SELECT c.id FROM ${categories} c JOIN ${categories} root ON root.id = ${query.category} WHERE c.path >= root.path AND c.path < root.path || '~')`,
    );
  }
  if (query.minPrice !== undefined) where.push(gte(products.minPrice, query.minPrice));
  if (query.maxPrice !== undefined) where.push(lte(products.minPrice, query.maxPrice));
  if (query.currency !== undefined) where.push(eq(products.currency, query.currency));
  const variantConditions: SQL[] = [];
  if (query.inStock === true) variantConditions.push(sql`${variants.available} > 0`);
  for (const [name, values] of attributeGroups(query.attr)) {
    variantConditions.push(
      sql`EXISTS (SELECT 1 FROM ${variantAttributes} WHERE ${variantAttributes.variantId} = ${variants.id} AND ${variantAttributes.name} = ${name} AND ${variantAttributes.value} IN (${sql.join(
        values.map((v) => sql`${v}`),
        sql`, `,
      )}))`,
    );
  }
  if (variantConditions.length > 0) {
    where.push(
      sql`EXISTS (SELECT 1 FROM ${variants} WHERE ${variants.productId} = ${products.id} AND ${variants.deletedAt} IS NULL AND ${sql.join(variantConditions, sql` AND `)})`,
    );
  }
  if (match) where.push(sql`${productsFts} MATCH ${match}`);

  const scope = `products:${sortName}:${filterHash(JSON.stringify([query.category, query.minPrice, query.maxPrice, query.currency, query.attr, match, query.inStock, status]))}`;
  if (query.cursor !== undefined) {
    const [value, id] = decodeCursor(scope, query.cursor, 2);
    if (typeof value !== "number" || !Number.isFinite(value) || typeof id !== "string") throw invalidCursor();
    const after = sort.dir === "asc" ? sql`>` : sql`<`;
    where.push(sql`(${sort.key} ${after} ${value} OR (${sort.key} = ${value} AND ${products.id} ${after} ${id}))`);
  }

  const order = sort.dir === "asc" ? [asc(sort.key), asc(products.id)] : [desc(sort.key), desc(products.id)];
  const rows: Row[] = match
    ? await db
        .select({ ...summaryColumns, rank })
        .from(products)
        .innerJoin(productSearchRows, eq(productSearchRows.productId, products.id))
        .innerJoin(productsFts, eq(productsFts.rowid, productSearchRows.seq))
        .where(and(...where))
        .orderBy(...order)
        .limit(query.limit + 1)
        .all()
    : await db
        .select(summaryColumns)
        .from(products)
        .where(and(...where))
        .orderBy(...order)
        .limit(query.limit + 1)
        .all();
  const page = toPage(rows, query.limit, (last) => encodeCursor(scope, [sort.value(last), last.id]));
  return { items: page.items.map(toSummary), nextCursor: page.nextCursor };
}

const listRoute = createRoute({
  tags: ["Products"],
  security: optionalBearer,
  method: "get",
  path: "/products",
  operationId: "listProducts",
  summary: "List and search products",
  description:
    "Open to anonymous callers (active products only; admins see every status, `status` to narrow). Filters: `category` " +
    "(with its descendants), `minPrice`/`maxPrice` (the lowest live variant price, minor units), `currency`, `attr=name:value` " +
    "(repeatable), `q` (FTS5 over title, description and SKUs), `inStock=true`. Sorts: `newest` (default), `price`, `-price`, " +
    "`rating` (average, unrated last), `relevance` (bm25; only with `q`, its default). Keyset-paginated: `nextCursor` " +
    "continues the same sort and filters only (another cursor is 422).",
  middleware: [readAuth] as const,
  request: { query: listProductsQuery },
  responses: {
    200: jsonResponse(pageSchema(productSummarySchema).openapi("ProductPage"), "A page of products"),
    ...errors(401, 403, 422),
  },
});

/** GET /products, open to anonymous callers. */
export const listReads = createRouter<OpenEnv>().openapi(listRoute, async (c) =>
  c.json(await listProducts(drizzle(c.env.DB), c.req.valid("query"), isAdmin(c.var.auth)), 200),
);
