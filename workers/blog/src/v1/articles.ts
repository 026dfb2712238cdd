// /blog/v1 articles: drafts, scheduled publishing, categories and likes. Only the author sees a draft
// (others get 404) and only the author edits or deletes (403).

import { ApiError, createRouter, errors, invalidField, jsonBody, jsonResponse, notFound } from "@edgeworks/http";
import { createRoute } from "@hono/zod-openapi";
import {
  type Article,
  type ArticleStatus,
  createArticle,
  deleteArticle,
  findArticleById,
  findVisibleArticle,
  listArticles,
  setReaction,
  updateArticle,
} from "../articles.service";
import { findCategory } from "../categories.service";
import { type BlogDb, blogDb } from "../db";
import { authenticate, type BlogEnv, viewerOf } from "../product";
import { applyStatusChange } from "../publishing.service";
import { optionalSecurity, presentV1Article, presentV1ListItem, profileUnavailable } from "./present";
import {
  createArticleBody,
  likesSchema,
  pageQuery,
  slugParams,
  updateArticleBody,
  v1ArticleEnvelope,
  v1ArticlesEnvelope,
} from "./validation";

const tags = ["Articles (v1)"];
const security = [{ bearerAuth: [] }];
const required = [authenticate({ required: true })];
const optional = [authenticate({ required: false })];
const single = jsonResponse(v1ArticleEnvelope, "The article");

/** The schedule rules zod cannot see: publishAt only with `scheduled`, required by it and in the future. */
function checkSchedule(status: ArticleStatus, publishAt: number | undefined, now: number): number | null {
  if (status !== "scheduled") {
    if (publishAt !== undefined) throw invalidField("publishAt", "Only a scheduled article has publishAt");
    return null;
  }
  if (publishAt === undefined) throw invalidField("publishAt", "Required for a scheduled article");
  if (publishAt <= now) throw invalidField("publishAt", "Must be in the future");
  return publishAt;
}

async function categoryIdOrThrow(db: BlogDb, slug: string | null | undefined): Promise<number | null | undefined> {
  if (slug === undefined || slug === null) return slug;
  const category = await findCategory(db, slug);
  if (!category) throw invalidField("category", "Unknown category");
  return category.id;
}

async function visibleArticleOrThrow(db: BlogDb, slug: string, viewerId: string | undefined): Promise<Article> {
  const article = await findVisibleArticle(db, slug, viewerId);
  if (!article) throw notFound("Article");
  return article;
}

async function ownArticleOrThrow(db: BlogDb, slug: string, userId: string): Promise<Article> {
  const article = await visibleArticleOrThrow(db, slug, userId);
  if (article.authorId !== userId) throw new ApiError("forbidden", "Only the author may change this article");
  return article;
}

async function reload(db: BlogDb, id: number, viewerId: string): Promise<Article> {
  const article = await findArticleById(db, id, viewerId);
  if (!article) throw notFound("Article");
  return article;
}

const create = createRoute({
  operationId: "createArticleV1",
  method: "post",
  path: "/articles",
  tags,
  summary: "Create an article as a draft (default), scheduled (publishAt) or published",
  security,
  middleware: required,
  request: { body: jsonBody(createArticleBody) },
  responses: { 201: single, ...errors(400, 401, 413, 415, 422, 429), ...profileUnavailable },
});
const get = createRoute({
  operationId: "getArticleV1",
  method: "get",
  path: "/articles/{slug}",
  tags,
  summary: "An article: published ones for everyone, drafts and scheduled ones for their author (others 404)",
  security: optionalSecurity,
  middleware: optional,
  request: { params: slugParams },
  responses: { 200: single, ...errors(401, 404, 422) },
});
const update = createRoute({
  operationId: "updateArticleV1",
  method: "patch",
  path: "/articles/{slug}",
  tags,
  summary: "Edit, publish, schedule, unpublish or categorise your article",
  security,
  middleware: required,
  request: { params: slugParams, body: jsonBody(updateArticleBody) },
  responses: { 200: single, ...errors(400, 401, 403, 404, 413, 415, 422, 429), ...profileUnavailable },
});
const remove = createRoute({
  operationId: "deleteArticleV1",
  method: "delete",
  path: "/articles/{slug}",
  tags,
  summary: "Delete your article",
  security,
  middleware: required,
  request: { params: slugParams },
  responses: { 204: { description: "Deleted" }, ...errors(401, 403, 404, 422, 429), ...profileUnavailable },
});
const drafts = createRoute({
  operationId: "listDrafts",
  method: "get",
  path: "/drafts",
  tags,
  summary: "Your drafts and scheduled articles, most recently edited first",
  security,
  middleware: required,
  request: { query: pageQuery },
  responses: { 200: jsonResponse(v1ArticlesEnvelope, "A page of your unpublished articles"), ...errors(401, 422) },
});
const likes = (method: "get" | "post" | "delete") =>
  createRoute({
    operationId: ({ get: "getArticleLikes", post: "likeArticle", delete: "unlikeArticle" } as const)[method],
    method,
    path: "/articles/{slug}/likes",
    tags: ["Likes"],
    summary: { get: "How many like the article (auth optional)", post: "Like (idempotent)", delete: "Unlike (idempotent)" }[method],
    security: method === "get" ? optionalSecurity : security,
    middleware: method === "get" ? optional : required,
    request: { params: slugParams },
    responses: {
      200: jsonResponse(likesSchema, "The like count and whether you like it"),
      ...errors(401, 404, 422),
      ...(method === "get" ? {} : { ...errors(429), ...profileUnavailable }),
    },
  });

export const v1ArticlesRouter = createRouter<BlogEnv>()
  .openapi(create, async (c) => {
    const viewer = viewerOf(c);
    const input = c.req.valid("json");
    const now = Date.now();
    const publishAt = checkSchedule(input.status, input.publishAt, now);
    const categoryId = (await categoryIdOrThrow(blogDb(c.env.DB), input.category)) ?? null;
    const { id } = await createArticle(
      blogDb(c.env.DB),
      viewer.userId,
      { ...input, tagList: input.tagList ?? [], publishAt, categoryId },
      now,
    );
    await applyStatusChange(c.env, c.executionCtx, { articleId: id, before: null, after: input.status, publishAt });
    return c.json({ article: presentV1Article(await reload(blogDb(c.env.DB), id, viewer.userId)) }, 201);
  })
  .openapi(get, async (c) => {
    const article = await visibleArticleOrThrow(blogDb(c.env.DB), c.req.valid("param").slug, c.var.viewer?.userId);
    return c.json({ article: presentV1Article(article) }, 200);
  })
  .openapi(update, async (c) => {
    const viewer = viewerOf(c);
    const article = await ownArticleOrThrow(blogDb(c.env.DB), c.req.valid("param").slug, viewer.userId);
    const input = c.req.valid("json");
    const status = input.status ?? article.status;
    const keepsSchedule = status === "scheduled" && input.publishAt === undefined && article.status === "scheduled";
    const publishAt = keepsSchedule ? article.publishAt : checkSchedule(status, input.publishAt, Date.now());
    const categoryId = await categoryIdOrThrow(blogDb(c.env.DB), input.category);
    await updateArticle(blogDb(c.env.DB), article, { ...input, status, publishAt, categoryId }, Date.now());
    await applyStatusChange(c.env, c.executionCtx, { articleId: article.id, before: article.status, after: status, publishAt });
    return c.json({ article: presentV1Article(await reload(blogDb(c.env.DB), article.id, viewer.userId)) }, 200);
  })
  .openapi(remove, async (c) => {
    const viewer = viewerOf(c);
    const article = await ownArticleOrThrow(blogDb(c.env.DB), c.req.valid("param").slug, viewer.userId);
    await deleteArticle(blogDb(c.env.DB), article.id);
    if (article.status === "scheduled")
      await applyStatusChange(c.env, c.executionCtx, { articleId: article.id, before: "scheduled", after: "draft", publishAt: null });
    return c.body(null, 204);
  })
  .openapi(drafts, async (c) => {
    const viewer = viewerOf(c);
    const q = c.req.valid("query");
    const page = await listArticles(blogDb(c.env.DB), viewer.userId, { drafts: true, limit: q.limit, offset: q.offset });
    return c.json({ articles: page.articles.map(presentV1ListItem), articlesCount: page.count }, 200);
  })
  .openapi(likes("get"), async (c) => {
    const a = await visibleArticleOrThrow(blogDb(c.env.DB), c.req.valid("param").slug, c.var.viewer?.userId ?? "");
    return c.json({ slug: a.slug, likesCount: a.likesCount, liked: a.liked }, 200);
  })
  .openapi(likes("post"), async (c) => {
    const a = await setReaction(blogDb(c.env.DB), "likes", viewerOf(c).userId, c.req.valid("param").slug, true, Date.now());
    if (!a) throw notFound("Article");
    return c.json({ slug: a.slug, likesCount: a.likesCount, liked: a.liked }, 200);
  })
  .openapi(likes("delete"), async (c) => {
    const a = await setReaction(blogDb(c.env.DB), "likes", viewerOf(c).userId, c.req.valid("param").slug, false, Date.now());
    if (!a) throw notFound("Article");
    return c.json({ slug: a.slug, likesCount: a.likesCount, liked: a.liked }, 200);
  });
