import { ApiError, createRouter, errors, invalidField, jsonBody, jsonResponse, notFound } from "@edgeworks/http";
import { createRoute } from "@hono/zod-openapi";
import { and, asc, eq, gte, inArray, isNotNull, isNull, lt, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { nanoid } from "nanoid";
import type { Db } from "../deps";
import type { ShopEnv } from "../product";
import {
  adminOnly,
  bearer,
  IDEMPOTENCY_NOTE,
  idempotencyHeaders,
  idempotent,
  isUniqueViolation,
  type OpenEnv,
  optionalBearer,
  readAuth,
} from "./common";
import { categories, products } from "./schema";
import { categoryIdParams, createCategoryBody, slugify, updateCategoryBody } from "./validation";
import { type CategoryNode, categoryDetailSchema, categorySchema, categoryTreeSchema, toCategory } from "./views";

type CategoryRow = typeof categories.$inferSelect;

/** The upper bound of a path prefix range: paths hold only nanoid characters and "/", all below "~". */
const subtreeOf = (path: string) => and(gte(categories.path, path), lt(categories.path, `${path}~`));

const slugTaken = () => new ApiError("conflict", "Another category has this slug");

async function findCategory(db: Db, id: string): Promise<CategoryRow> {
  const row = await db.select().from(categories).where(eq(categories.id, id)).get();
  if (!row) throw notFound("Category");
  return row;
}

/** The parent named in a body: 422 when it does not exist (it is a field, not the addressed resource). */
async function parentOf(db: Db, parentId: string): Promise<CategoryRow> {
  const row = await db.select().from(categories).where(eq(categories.id, parentId)).get();
  if (!row) throw invalidField("parentId", "No such category");
  return row;
}

/** Every category as a tree, siblings by position then name. */
export async function categoryTree(db: Db): Promise<CategoryNode[]> {
  const rows = await db.select().from(categories).orderBy(asc(categories.position), asc(categories.name), asc(categories.id)).all();
  const nodes = new Map<string, CategoryNode>(rows.map((r) => [r.id, { ...toCategory(r), children: [] }]));
  const roots: CategoryNode[] = [];
  for (const r of rows) {
    const node = nodes.get(r.id);
    if (!node) continue;
    const parent = r.parentId === null ? undefined : nodes.get(r.parentId);
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}

async function categoryDetail(db: Db, id: string) {
  const row = await findCategory(db, id);
  const ancestorIds = row.path.split("/").filter((p) => p !== "" && p !== row.id);
  const [ancestors, children] = await Promise.all([
    ancestorIds.length === 0 ? [] : db.select().from(categories).where(inArray(categories.id, ancestorIds)).all(),
    db
      .select()
      .from(categories)
      .where(eq(categories.parentId, id))
      .orderBy(asc(categories.position), asc(categories.name), asc(categories.id))
      .all(),
  ]);
  const byId = new Map(ancestors.map((a) => [a.id, a]));
  return {
    ...toCategory(row),
    ancestors: ancestorIds.flatMap((a) => {
      const found = byId.get(a);
      return found ? [toCategory(found)] : [];
    }),
    children: children.map(toCategory),
  };
}

async function createCategory(db: Db, input: (typeof createCategoryBody)["_output"], now: number) {
  const id = nanoid();
  const parent = input.parentId ? await parentOf(db, input.parentId) : null;
  const slug = input.slug ?? (slugify(input.name) || id.toLowerCase().replace(/[^a-z0-9]/g, "") || "category");
  const row: CategoryRow = {
    id,
    parentId: parent?.id ?? null,
    slug,
    name: input.name,
    path: `${parent?.path ?? "/"}${id}/`,
    position: input.position ?? 0,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await db.insert(categories).values(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw slugTaken();
    throw err;
  }
  return toCategory(row);
}

async function updateCategory(db: Db, id: string, input: (typeof updateCategoryBody)["_output"], now: number) {
  const row = await findCategory(db, id);
  const fields = {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.slug !== undefined ? { slug: input.slug } : {}),
    ...(input.position !== undefined ? { position: input.position } : {}),
    updatedAt: now,
  };
  try {
    if (input.parentId !== undefined && input.parentId !== row.parentId) {
      await moveCategory(db, row, input.parentId, fields);
    } else {
      await db.update(categories).set(fields).where(eq(categories.id, id));
    }
  } catch (err) {
    if (isUniqueViolation(err)) throw slugTaken();
    throw err;
  }
  return toCategory(await findCategory(db, id));
}

/**
 * Moves a category and its subtree under `parentId` (null: to the root): one D1 batch sets the parent
 * and rewrites the `path` of the category and every descendant. 409 when the new parent is the category
 * itself or one of its descendants (a cycle). Both statements are guarded by the paths read before, so a
 * concurrent move in between makes this one change nothing (409, retry) instead of creating a cycle.
 */
async function moveCategory(db: Db, row: CategoryRow, parentId: string | null, fields: Partial<CategoryRow>): Promise<void> {
  const parent = parentId === null ? null : await parentOf(db, parentId);
  if (parent?.path.startsWith(row.path)) {
    throw new ApiError("conflict", "A category cannot move under itself or one of its descendants");
  }
  const parentPath = parent?.path ?? "/";
  const newPath = `${parentPath}${row.id}/`;
  const parentUnchanged = parent
    ? sql`(SELECT ${categories.path} FROM ${categories} WHERE ${categories.id} = ${parent.id}) = ${parentPath}`
    : sql`1`;
  const [moved] = await db.batch([
    db
      .update(categories)
      .set({ ...fields, parentId })
      .where(and(eq(categories.id, row.id), eq(categories.path, row.path), parentUnchanged))
      .returning({ id: categories.id }),
    db
      .update(categories)
      .set({ path: sql`${newPath} || substr(${categories.path}, ${row.path.length + 1})` })
      .where(
        and(
          subtreeOf(row.path),
          parentUnchanged,
          sql`(SELECT ${categories.parentId} FROM ${categories} WHERE ${categories.id} = ${row.id}) IS ${parentId}`,
        ),
      ),
  ]);
  if (moved.length === 0) throw new ApiError("conflict", "The category tree changed meanwhile; retry");
}

/** Deletes a category without children or live products (409 otherwise); soft-deleted products let go of it. */
async function deleteCategory(db: Db, id: string): Promise<void> {
  await findCategory(db, id);
  const [children, live] = await Promise.all([
    db.select({ id: categories.id }).from(categories).where(eq(categories.parentId, id)).limit(1).all(),
    db
      .select({ id: products.id })
      .from(products)
      .where(and(eq(products.categoryId, id), isNull(products.deletedAt)))
      .limit(1)
      .all(),
  ]);
  if (children.length > 0) throw new ApiError("conflict", "The category has subcategories; move or delete them first");
  if (live.length > 0) throw new ApiError("conflict", "The category has products; move or delete them first");
  const noChild = sql`NOT EXISTS (SELECT 1 FROM ${categories} c2 WHERE c2.parent_id = ${id})`;
  const noProduct = sql`NOT EXISTS (SELECT 1 FROM ${products} WHERE ${products.categoryId} = ${id} AND ${products.deletedAt} IS NULL)`;
  const [, deleted] = await db.batch([
    db
      .update(products)
      .set({ categoryId: null })
      .where(and(eq(products.categoryId, id), isNotNull(products.deletedAt), noProduct, noChild)),
    db
      .delete(categories)
      .where(and(eq(categories.id, id), noChild, noProduct))
      .returning({ id: categories.id }),
  ]);
  if (deleted.length === 0) throw new ApiError("conflict", "The category gained subcategories or products meanwhile");
}

const tags = ["Categories"];

const treeRoute = createRoute({
  tags,
  security: optionalBearer,
  method: "get",
  path: "/categories",
  operationId: "listCategories",
  summary: "The category tree",
  description: "Every category, nested; siblings ordered by `position`, then name. Open to anonymous callers.",
  middleware: [readAuth] as const,
  responses: { 200: jsonResponse(categoryTreeSchema, "The tree"), ...errors(401, 403) },
});

const getRoute = createRoute({
  tags,
  security: optionalBearer,
  method: "get",
  path: "/categories/{id}",
  operationId: "getCategory",
  summary: "A category with its breadcrumb and children",
  middleware: [readAuth] as const,
  request: { params: categoryIdParams },
  responses: { 200: jsonResponse(categoryDetailSchema, "The category"), ...errors(401, 403, 404, 422) },
});

const createCategoryRoute = createRoute({
  tags,
  security: bearer,
  method: "post",
  path: "/categories",
  operationId: "createCategory",
  summary: "Create a category (admin)",
  description: `Slugs are unique (409). An unknown \`parentId\` is 422. ${IDEMPOTENCY_NOTE}`,
  middleware: [adminOnly, idempotent] as const,
  request: { headers: idempotencyHeaders, body: jsonBody(createCategoryBody) },
  responses: { 201: jsonResponse(categorySchema, "Created"), ...errors(400, 401, 403, 409, 413, 415, 422, 429) },
});

const updateCategoryRoute = createRoute({
  tags,
  security: bearer,
  method: "patch",
  path: "/categories/{id}",
  operationId: "updateCategory",
  summary: "Rename, re-slug, reorder or move a category (admin)",
  description:
    "`parentId` moves the category with its whole subtree (every descendant's path follows); moving it under itself or a " +
    `descendant is 409. ${IDEMPOTENCY_NOTE}`,
  middleware: [adminOnly, idempotent] as const,
  request: { params: categoryIdParams, headers: idempotencyHeaders, body: jsonBody(updateCategoryBody) },
  responses: { 200: jsonResponse(categorySchema, "The category"), ...errors(400, 401, 403, 404, 409, 413, 415, 422, 429) },
});

const deleteCategoryRoute = createRoute({
  tags,
  security: bearer,
  method: "delete",
  path: "/categories/{id}",
  operationId: "deleteCategory",
  summary: "Delete a category (admin)",
  description: `Refused (409) while it has subcategories or products. ${IDEMPOTENCY_NOTE}`,
  middleware: [adminOnly, idempotent] as const,
  request: { params: categoryIdParams, headers: idempotencyHeaders },
  responses: { 204: { description: "Deleted" }, ...errors(401, 403, 404, 409, 422, 429) },
});

/** GET /categories and /categories/{id}, open to anonymous callers. */
export const categoryReads = createRouter<OpenEnv>()
  .openapi(treeRoute, async (c) => c.json({ items: await categoryTree(drizzle(c.env.DB)) }, 200))
  .openapi(getRoute, async (c) => c.json(await categoryDetail(drizzle(c.env.DB), c.req.valid("param").id), 200));

/** Admin writes of categories. */
export const categoryWrites = createRouter<ShopEnv>()
  .openapi(createCategoryRoute, async (c) => {
    const created = await createCategory(drizzle(c.env.DB), c.req.valid("json"), Date.now());
    c.header("Location", `/shop/v1/categories/${created.id}`);
    return c.json(created, 201);
  })
  .openapi(updateCategoryRoute, async (c) =>
    c.json(await updateCategory(drizzle(c.env.DB), c.req.valid("param").id, c.req.valid("json"), Date.now()), 200),
  )
  .openapi(deleteCategoryRoute, async (c) => {
    await deleteCategory(drizzle(c.env.DB), c.req.valid("param").id);
    return c.body(null, 204);
  });
