import {
  ApiError,
  createRouter,
  decodeCursor,
  encodeCursor,
  errors,
  invalidCursor,
  jsonBody,
  jsonResponse,
  notFound,
  pageSchema,
  toPage,
} from "@edgeworks/http";
import { createRoute } from "@hono/zod-openapi";
import { and, desc, eq, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { drizzle } from "drizzle-orm/d1";
import { nanoid } from "nanoid";
import type { Db } from "../deps";
import type { ShopEnv } from "../product";
import {
  bearer,
  IDEMPOTENCY_NOTE,
  idempotencyHeaders,
  idempotent,
  isAdmin,
  iso,
  isUniqueViolation,
  type OpenEnv,
  optionalBearer,
  readAuth,
} from "./common";
import { findProduct, runBatch } from "./products";
import { products, reviews } from "./schema";
import { pageQuery, productIdParams, reviewBody, reviewIdParams, updateReviewBody } from "./validation";
import { reviewSchema } from "./views";

type ReviewRow = typeof reviews.$inferSelect;

const toReview = (row: ReviewRow, viewer: string | undefined) => ({
  id: row.id,
  productId: row.productId,
  rating: row.rating,
  title: row.title,
  body: row.body,
  mine: viewer !== undefined && row.userId === viewer,
  createdAt: iso(row.createdAt),
  updatedAt: iso(row.updatedAt),
});

/**
 * The product's rating recomputed from its reviews: the statement that follows every review change in
 * the same D1 batch, so `rating_sum`/`rating_count` are exact whatever runs concurrently.
 */
const refreshRating = (db: Db, productId: string): BatchItem<"sqlite"> =>
  db
    .update(products)
    .set({
      ratingSum: sql`(SELECT coalesce(sum(${reviews.rating}), 0) FROM ${reviews} WHERE ${reviews.productId} = ${productId})`,
      ratingCount: sql`(SELECT count(*) FROM ${reviews} WHERE ${reviews.productId} = ${productId})`,
    })
    .where(eq(products.id, productId));

/**
 * Whether the user received the product: an order of theirs with `delivered_at` set that has a line of
 * it (helper E's orders/order_lines of 0004_orders.sql).
 */
const receivedBy = (userId: string, productId: string): SQL =>
  sql`EXISTS (SELECT 1 FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.user_id = ${userId} AND o.delivered_at IS NOT NULL AND l.product_id = ${productId})`;

async function listReviews(db: Db, productId: string, limit: number, cursor: string | undefined, viewer: string | undefined) {
  const scope = `reviews:${productId}`;
  const where: SQL[] = [eq(reviews.productId, productId)];
  if (cursor !== undefined) {
    const [at, id] = decodeCursor(scope, cursor, 2);
    if (typeof at !== "number" || typeof id !== "string") throw invalidCursor();
    where.push(sql`(${reviews.createdAt} < ${at} OR (${reviews.createdAt} = ${at} AND ${reviews.id} < ${id}))`);
  }
  const rows = await db
    .select()
    .from(reviews)
    .where(and(...where))
    .orderBy(desc(reviews.createdAt), desc(reviews.id))
    .limit(limit + 1)
    .all();
  const page = toPage(rows, limit, (last) => encodeCursor(scope, [last.createdAt, last.id]));
  return { items: page.items.map((r) => toReview(r, viewer)), nextCursor: page.nextCursor };
}

async function createReview(db: Db, userId: string, productId: string, input: (typeof reviewBody)["_output"], now: number) {
  await findProduct(db, productId, false);
  const buyer = await db.get<{ ok: number }>(sql`SELECT ${receivedBy(userId, productId)} AS ok`);
  if (buyer?.ok !== 1) throw new ApiError("forbidden", "Only a customer who received this product may review it");
  const row: ReviewRow = {
    id: nanoid(),
    productId,
    userId,
    rating: input.rating,
    title: input.title ?? null,
    body: input.body,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await runBatch(db, [db.insert(reviews).values(row), refreshRating(db, productId)]);
  } catch (err) {
    if (isUniqueViolation(err, "reviews.")) {
      throw new ApiError("conflict", "You have already reviewed this product; edit that review instead");
    }
    throw err;
  }
  return toReview(row, userId);
}

/** The caller's own review: someone else's is 404, as if it did not exist. */
async function ownReview(db: Db, userId: string, id: string): Promise<ReviewRow> {
  const row = await db
    .select()
    .from(reviews)
    .where(and(eq(reviews.id, id), eq(reviews.userId, userId)))
    .get();
  if (!row) throw notFound("Review");
  return row;
}

async function updateReview(db: Db, userId: string, id: string, input: (typeof updateReviewBody)["_output"], now: number) {
  const row = await ownReview(db, userId, id);
  const set = {
    ...(input.rating !== undefined ? { rating: input.rating } : {}),
    ...(input.title !== undefined ? { title: input.title } : {}),
    ...(input.body !== undefined ? { body: input.body } : {}),
    updatedAt: now,
  };
  await runBatch(db, [
    db
      .update(reviews)
      .set(set)
      .where(and(eq(reviews.id, id), eq(reviews.userId, userId))),
    refreshRating(db, row.productId),
  ]);
  return toReview(await ownReview(db, userId, id), userId);
}

async function deleteReview(db: Db, userId: string, id: string): Promise<void> {
  const row = await ownReview(db, userId, id);
  await runBatch(db, [db.delete(reviews).where(and(eq(reviews.id, id), eq(reviews.userId, userId))), refreshRating(db, row.productId)]);
}

const tags = ["Reviews"];

const listRoute = createRoute({
  tags,
  security: optionalBearer,
  method: "get",
  path: "/products/{id}/reviews",
  operationId: "listProductReviews",
  summary: "A product's reviews, newest first",
  description: "Open to anonymous callers (404 for products they cannot see). Keyset-paginated; `mine` marks the caller's own.",
  middleware: [readAuth] as const,
  request: { params: productIdParams, query: pageQuery },
  responses: { 200: jsonResponse(pageSchema(reviewSchema).openapi("ReviewPage"), "A page of reviews"), ...errors(401, 403, 404, 422) },
});

const createReviewRoute = createRoute({
  tags,
  security: bearer,
  method: "post",
  path: "/products/{id}/reviews",
  operationId: "createReview",
  summary: "Review a product you received",
  description:
    "Only a customer with a delivered order containing the product (403 otherwise); one review per customer and product (409). " +
    `The product's rating changes in the same transaction. ${IDEMPOTENCY_NOTE}`,
  middleware: [idempotent] as const,
  request: { params: productIdParams, headers: idempotencyHeaders, body: jsonBody(reviewBody) },
  responses: { 201: jsonResponse(reviewSchema, "Created"), ...errors(400, 401, 403, 404, 409, 413, 415, 422, 429) },
});

const updateReviewRoute = createRoute({
  tags,
  security: bearer,
  method: "patch",
  path: "/reviews/{id}",
  operationId: "updateReview",
  summary: "Edit your review",
  description: `Only its author (anyone else: 404). ${IDEMPOTENCY_NOTE}`,
  middleware: [idempotent] as const,
  request: { params: reviewIdParams, headers: idempotencyHeaders, body: jsonBody(updateReviewBody) },
  responses: { 200: jsonResponse(reviewSchema, "The review"), ...errors(400, 401, 403, 404, 413, 415, 422, 429) },
});

const deleteReviewRoute = createRoute({
  tags,
  security: bearer,
  method: "delete",
  path: "/reviews/{id}",
  operationId: "deleteReview",
  summary: "Delete your review",
  description: `Only its author (anyone else: 404). ${IDEMPOTENCY_NOTE}`,
  middleware: [idempotent] as const,
  request: { params: reviewIdParams, headers: idempotencyHeaders },
  responses: { 204: { description: "Deleted" }, ...errors(401, 403, 404, 422, 429) },
});

/** GET /products/{id}/reviews, open to anonymous callers. */
export const reviewReads = createRouter<OpenEnv>().openapi(listRoute, async (c) => {
  const db = drizzle(c.env.DB);
  const { id } = c.req.valid("param");
  const { limit, cursor } = c.req.valid("query");
  await findProduct(db, id, isAdmin(c.var.auth));
  return c.json(await listReviews(db, id, limit, cursor, c.var.auth?.userId), 200);
});

/** Customers' review writes. */
export const reviewWrites = createRouter<ShopEnv>()
  .openapi(createReviewRoute, async (c) => {
    const created = await createReview(drizzle(c.env.DB), c.var.auth.userId, c.req.valid("param").id, c.req.valid("json"), Date.now());
    return c.json(created, 201);
  })
  .openapi(updateReviewRoute, async (c) =>
    c.json(await updateReview(drizzle(c.env.DB), c.var.auth.userId, c.req.valid("param").id, c.req.valid("json"), Date.now()), 200),
  )
  .openapi(deleteReviewRoute, async (c) => {
    await deleteReview(drizzle(c.env.DB), c.var.auth.userId, c.req.valid("param").id);
    return c.body(null, 204);
  });
