import { ApiError, createRouter, errors, invalidField, jsonBody, jsonResponse, notFound } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import { listArticles } from "../articles.service";
import { categorySlugOf, createCategory, deleteCategory, findCategory, listCategories } from "../categories.service";
import { blogDb } from "../db";
import { authenticate, type BlogEnv, viewerOf } from "../product";
import { optionalSecurity, presentV1ListItem, profileUnavailable } from "./present";
import { categorySchema, newCategoryBody, pageQuery, v1ArticlesEnvelope } from "./validation";

const tags = ["Categories"];
const security = [{ bearerAuth: [] }];
const categoryParams = z.object({
  category: z
    .string()
    .regex(/^[a-z0-9-]{1,64}$/, "Must be a category slug")
    .openapi({ param: { name: "category", in: "path" }, example: "engineering" }),
});
const present = (c: { slug: string; name: string; articlesCount: number }) => ({
  slug: c.slug,
  name: c.name,
  articlesCount: c.articlesCount,
});

const create = createRoute({
  operationId: "createCategory",
  method: "post",
  path: "/categories",
  tags,
  summary: "Create a category (its slug comes from the name; 409 if it exists)",
  security,
  middleware: [authenticate({ required: true })],
  request: { body: jsonBody(newCategoryBody) },
  responses: {
    201: jsonResponse(z.object({ category: categorySchema }), "The category"),
    ...errors(400, 401, 409, 413, 415, 422, 429),
    ...profileUnavailable,
  },
});
const list = createRoute({
  operationId: "listCategories",
  security: [],
  method: "get",
  path: "/categories",
  tags,
  summary: "Every category with its number of published articles, by name",
  responses: { 200: jsonResponse(z.object({ categories: z.array(categorySchema) }), "Categories") },
});
const articles = createRoute({
  operationId: "listCategoryArticles",
  method: "get",
  path: "/categories/{category}/articles",
  tags,
  summary: "Published articles of a category, most recent first",
  security: optionalSecurity,
  middleware: [authenticate({ required: false })],
  request: { params: categoryParams, query: pageQuery },
  responses: { 200: jsonResponse(v1ArticlesEnvelope, "A page of articles"), ...errors(401, 404, 422) },
});
const remove = createRoute({
  operationId: "deleteCategory",
  method: "delete",
  path: "/categories/{category}",
  tags,
  summary: "Delete a category you created (its articles stay, without a category)",
  security,
  middleware: [authenticate({ required: true })],
  request: { params: categoryParams },
  responses: { 204: { description: "Deleted" }, ...errors(401, 403, 404, 422, 429), ...profileUnavailable },
});

export const v1CategoriesRouter = createRouter<BlogEnv>()
  .openapi(create, async (c) => {
    const viewer = viewerOf(c);
    const { name } = c.req.valid("json");
    if (categorySlugOf(name) === "") {
      throw invalidField("name", "Must contain a letter or digit (a-z, 0-9)");
    }
    const category = await createCategory(blogDb(c.env.DB), name, viewer.userId, Date.now());
    if (!category) throw new ApiError("conflict", `A category "${categorySlugOf(name)}" already exists`);
    return c.json({ category: present(category) }, 201);
  })
  .openapi(list, async (c) => c.json({ categories: (await listCategories(blogDb(c.env.DB))).map(present) }, 200))
  .openapi(articles, async (c) => {
    const slug = c.req.valid("param").category;
    if (!(await findCategory(blogDb(c.env.DB), slug))) throw notFound("Category");
    const q = c.req.valid("query");
    const page = await listArticles(blogDb(c.env.DB), c.var.viewer?.userId ?? "", { category: slug, limit: q.limit, offset: q.offset });
    return c.json({ articles: page.articles.map(presentV1ListItem), articlesCount: page.count }, 200);
  })
  .openapi(remove, async (c) => {
    const viewer = viewerOf(c);
    const category = await findCategory(blogDb(c.env.DB), c.req.valid("param").category);
    if (!category) throw notFound("Category");
    if (category.createdBy !== viewer.userId) throw new ApiError("forbidden", "Only the category's creator may delete it");
    await deleteCategory(blogDb(c.env.DB), category.id);
    return c.body(null, 204);
  });
