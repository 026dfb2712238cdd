import { jsonBody, jsonResponse } from "@edgeworks/http";
import { createRoute } from "@hono/zod-openapi";
import {
  type Article,
  createArticle,
  deleteArticle,
  findArticleById,
  findVisibleArticle,
  listArticles,
  listTags,
  setReaction,
  updateArticle,
} from "../articles.service";
import { type BlogDb, blogDb } from "../db";
import { announcePublished } from "../notifications";
import { authenticate, viewerOf } from "../product";
import { createRealWorldRouter, forbiddenError, notFoundError } from "./errors";
import { OPTIONAL_TOKEN_SECURITY, presentArticle, presentListItem, rwErrorsFor, TOKEN_SECURITY } from "./present";
import {
  articleEnvelope,
  articlesEnvelope,
  feedQuery,
  listQuery,
  newArticleBody,
  slugParam,
  tagsEnvelope,
  updateArticleBody,
} from "./validation";

const tags = ["Articles"];
const single = jsonResponse(articleEnvelope, "The article");
const many = jsonResponse(articlesEnvelope, "A page of articles, most recent first (without `body`), and the total count");
const optionalAuth = [authenticate({ required: false })];
const requiredAuth = [authenticate({ required: true })];

const feed = createRoute({
  operationId: "getArticlesFeed",
  method: "get",
  path: "/articles/feed",
  tags,
  summary: "Articles by authors the caller follows",
  security: TOKEN_SECURITY,
  middleware: requiredAuth,
  request: { query: feedQuery },
  responses: { 200: many, ...rwErrorsFor(401, 422) },
});
const list = createRoute({
  operationId: "getArticles",
  method: "get",
  path: "/articles",
  tags,
  summary: "Published articles, filtered by tag, author or favorited (auth optional)",
  security: OPTIONAL_TOKEN_SECURITY,
  middleware: optionalAuth,
  request: { query: listQuery },
  responses: { 200: many, ...rwErrorsFor(401, 422) },
});
const create = createRoute({
  operationId: "createArticle",
  method: "post",
  path: "/articles",
  tags,
  summary: "Create and publish an article",
  security: TOKEN_SECURITY,
  middleware: requiredAuth,
  request: { body: jsonBody(newArticleBody) },
  responses: { 201: single, ...rwErrorsFor(401, 413, 415, 422, 429, 503) },
});
const get = createRoute({
  operationId: "getArticle",
  method: "get",
  path: "/articles/{slug}",
  tags,
  summary: "An article (auth optional)",
  security: OPTIONAL_TOKEN_SECURITY,
  middleware: optionalAuth,
  request: { params: slugParam },
  responses: { 200: single, ...rwErrorsFor(401, 404, 422) },
});
const update = createRoute({
  operationId: "updateArticle",
  method: "put",
  path: "/articles/{slug}",
  tags,
  summary: "Update your article (a new title gives a new slug; tagList replaces the tags when given)",
  security: TOKEN_SECURITY,
  middleware: requiredAuth,
  request: { params: slugParam, body: jsonBody(updateArticleBody) },
  responses: { 200: single, ...rwErrorsFor(401, 403, 404, 413, 415, 422, 429, 503) },
});
const remove = createRoute({
  operationId: "deleteArticle",
  method: "delete",
  path: "/articles/{slug}",
  tags,
  summary: "Delete your article (with its comments and favorites)",
  security: TOKEN_SECURITY,
  middleware: requiredAuth,
  request: { params: slugParam },
  responses: { 204: { description: "Deleted" }, ...rwErrorsFor(401, 403, 404, 422, 429, 503) },
});
const favorite = (method: "post" | "delete") =>
  createRoute({
    operationId: method === "post" ? "createArticleFavorite" : "deleteArticleFavorite",
    method,
    path: "/articles/{slug}/favorite",
    tags: ["Favorites"],
    summary: method === "post" ? "Favorite an article (idempotent)" : "Unfavorite an article (idempotent)",
    security: TOKEN_SECURITY,
    middleware: requiredAuth,
    request: { params: slugParam },
    responses: { 200: single, ...rwErrorsFor(401, 404, 422, 429, 503) },
  });
const tagList = createRoute({
  operationId: "getTags",
  security: [],
  method: "get",
  path: "/tags",
  tags: ["Tags"],
  summary: "Every tag of a published article, sorted",
  responses: { 200: jsonResponse(tagsEnvelope, "Tags, sorted") },
});

/** The article if the viewer may see it and is its author: 404 before 403, as RealWorld orders them. */
async function ownArticleOrThrow(db: BlogDb, slug: string, userId: string): Promise<Article> {
  const article = await findVisibleArticle(db, slug, userId);
  if (!article) throw notFoundError("article");
  if (article.authorId !== userId) throw forbiddenError("article");
  return article;
}

async function reloadOrThrow(db: BlogDb, id: number, viewerId: string): Promise<Article> {
  const article = await findArticleById(db, id, viewerId);
  if (!article) throw notFoundError("article");
  return article;
}

export const articlesRouter = createRealWorldRouter()
  .openapi(feed, async (c) => {
    const viewer = viewerOf(c);
    const q = c.req.valid("query");
    const page = await listArticles(blogDb(c.env.DB), viewer.userId, { feed: true, limit: q.limit, offset: q.offset });
    return c.json({ articles: page.articles.map(presentListItem), articlesCount: page.count }, 200);
  })
  .openapi(list, async (c) => {
    const q = c.req.valid("query");
    const page = await listArticles(blogDb(c.env.DB), c.var.viewer?.userId ?? "", q);
    return c.json({ articles: page.articles.map(presentListItem), articlesCount: page.count }, 200);
  })
  .openapi(create, async (c) => {
    const viewer = viewerOf(c);
    const { article: input } = c.req.valid("json");
    const now = Date.now();
    const { id } = await createArticle(
      blogDb(c.env.DB),
      viewer.userId,
      { ...input, tagList: input.tagList ?? [], status: "published", publishAt: null, categoryId: null },
      now,
    );
    announcePublished(c.env, c.executionCtx, id);
    return c.json({ article: presentArticle(await reloadOrThrow(blogDb(c.env.DB), id, viewer.userId)) }, 201);
  })
  .openapi(get, async (c) => {
    const article = await findVisibleArticle(blogDb(c.env.DB), c.req.valid("param").slug, c.var.viewer?.userId);
    if (!article) throw notFoundError("article");
    return c.json({ article: presentArticle(article) }, 200);
  })
  .openapi(update, async (c) => {
    const viewer = viewerOf(c);
    const article = await ownArticleOrThrow(blogDb(c.env.DB), c.req.valid("param").slug, viewer.userId);
    await updateArticle(blogDb(c.env.DB), article, c.req.valid("json").article, Date.now());
    return c.json({ article: presentArticle(await reloadOrThrow(blogDb(c.env.DB), article.id, viewer.userId)) }, 200);
  })
  .openapi(remove, async (c) => {
    const viewer = viewerOf(c);
    const article = await ownArticleOrThrow(blogDb(c.env.DB), c.req.valid("param").slug, viewer.userId);
    await deleteArticle(blogDb(c.env.DB), article.id);
    return c.body(null, 204);
  })
  .openapi(favorite("post"), async (c) => {
    const article = await setReaction(blogDb(c.env.DB), "favorites", viewerOf(c).userId, c.req.valid("param").slug, true, Date.now());
    if (!article) throw notFoundError("article");
    return c.json({ article: presentArticle(article) }, 200);
  })
  .openapi(favorite("delete"), async (c) => {
    const article = await setReaction(blogDb(c.env.DB), "favorites", viewerOf(c).userId, c.req.valid("param").slug, false, Date.now());
    if (!article) throw notFoundError("article");
    return c.json({ article: presentArticle(article) }, 200);
  })
  .openapi(tagList, async (c) => c.json({ tags: await listTags(blogDb(c.env.DB)) }, 200));
