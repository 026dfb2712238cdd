import {
  createRouter,
  decodeCursor,
  encodeCursor,
  errors,
  invalidCursor,
  jsonResponse,
  notFound,
  pageSchema,
  toPage,
} from "@edgeworks/http";
import { createRoute } from "@hono/zod-openapi";
import { and, desc, eq, isNull, type SQL, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { Db } from "../deps";
import type { ShopEnv } from "../product";
import { bearer, IDEMPOTENCY_NOTE, idempotencyHeaders, idempotent, iso } from "./common";
import { summaryColumns } from "./list";
import { findProduct } from "./products";
import { products, wishlistItems } from "./schema";
import { pageQuery, productIdParams } from "./validation";
import { toSummary, wishlistItemSchema } from "./views";

/** The caller's wishlist, newest first, with summaries of products still in the catalog. */
async function listWishlist(db: Db, userId: string, limit: number, cursor: string | undefined) {
  const scope = "wishlist";
  const where: SQL[] = [eq(wishlistItems.userId, userId), isNull(products.deletedAt)];
  if (cursor !== undefined) {
    const [at, id] = decodeCursor(scope, cursor, 2);
    if (typeof at !== "number" || typeof id !== "string") throw invalidCursor();
    where.push(sql`(${wishlistItems.createdAt} < ${at} OR (${wishlistItems.createdAt} = ${at} AND ${wishlistItems.productId} < ${id}))`);
  }
  const rows = await db
    .select({ ...summaryColumns, addedAt: wishlistItems.createdAt })
    .from(wishlistItems)
    .innerJoin(products, eq(products.id, wishlistItems.productId))
    .where(and(...where))
    .orderBy(desc(wishlistItems.createdAt), desc(wishlistItems.productId))
    .limit(limit + 1)
    .all();
  const page = toPage(rows, limit, (last) => encodeCursor(scope, [last.addedAt, last.id]));
  return {
    items: page.items.map((r) => ({ productId: r.id, addedAt: iso(r.addedAt), product: toSummary(r) })),
    nextCursor: page.nextCursor,
  };
}

const tags = ["Wishlist"];

const listRoute = createRoute({
  tags,
  security: bearer,
  method: "get",
  path: "/wishlist",
  operationId: "listWishlist",
  summary: "Your wishlist, newest first",
  description: "Only your own; products deleted from the catalog drop out.",
  request: { query: pageQuery },
  responses: {
    200: jsonResponse(pageSchema(wishlistItemSchema).openapi("WishlistPage"), "A page of your wishlist"),
    ...errors(401, 403, 422),
  },
});

const putRoute = createRoute({
  tags,
  security: bearer,
  method: "put",
  path: "/wishlist/{id}",
  operationId: "addToWishlist",
  summary: "Add a product to your wishlist",
  description: `Idempotent: 201 when added, 200 when it was there already. Products you cannot see are 404. ${IDEMPOTENCY_NOTE}`,
  middleware: [idempotent] as const,
  request: { params: productIdParams, headers: idempotencyHeaders },
  responses: {
    200: jsonResponse(wishlistItemSchema, "Already on the wishlist"),
    201: jsonResponse(wishlistItemSchema, "Added"),
    ...errors(401, 403, 404, 422, 429),
  },
});

const deleteRoute = createRoute({
  tags,
  security: bearer,
  method: "delete",
  path: "/wishlist/{id}",
  operationId: "removeFromWishlist",
  summary: "Remove a product from your wishlist",
  description: `404 when it is not on it. ${IDEMPOTENCY_NOTE}`,
  middleware: [idempotent] as const,
  request: { params: productIdParams, headers: idempotencyHeaders },
  responses: { 204: { description: "Removed" }, ...errors(401, 403, 404, 422, 429) },
});

/** The caller's own wishlist (nobody sees another's). */
export const wishlistRoutes = createRouter<ShopEnv>()
  .openapi(listRoute, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    return c.json(await listWishlist(drizzle(c.env.DB), c.var.auth.userId, limit, cursor), 200);
  })
  .openapi(putRoute, async (c) => {
    const db = drizzle(c.env.DB);
    const userId = c.var.auth.userId;
    const { id } = c.req.valid("param");
    const product = await findProduct(db, id, false);
    const added = await db
      .insert(wishlistItems)
      .values({ userId, productId: product.id, createdAt: Date.now() })
      .onConflictDoNothing()
      .returning({ createdAt: wishlistItems.createdAt });
    const item = await db
      .select({ ...summaryColumns, addedAt: wishlistItems.createdAt })
      .from(wishlistItems)
      .innerJoin(products, eq(products.id, wishlistItems.productId))
      .where(and(eq(wishlistItems.userId, userId), eq(wishlistItems.productId, product.id)))
      .get();
    if (!item) throw notFound("Product");
    return c.json({ productId: item.id, addedAt: iso(item.addedAt), product: toSummary(item) }, added.length > 0 ? 201 : 200);
  })
  .openapi(deleteRoute, async (c) => {
    const removed = await drizzle(c.env.DB)
      .delete(wishlistItems)
      .where(and(eq(wishlistItems.userId, c.var.auth.userId), eq(wishlistItems.productId, c.req.valid("param").id)))
      .returning({ productId: wishlistItems.productId });
    if (removed.length === 0) throw notFound("Wishlist item");
    return c.body(null, 204);
  });
