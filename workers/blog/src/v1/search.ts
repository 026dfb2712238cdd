import { createRouter, errors, jsonResponse } from "@edgeworks/http";
import { createRoute } from "@hono/zod-openapi";
import { blogDb } from "../db";
import { authenticate, type BlogEnv } from "../product";
import { searchArticles } from "../search.service";
import { optionalSecurity, presentV1ListItem } from "./present";
import { searchQuery, v1ArticlesEnvelope } from "./validation";

export { matchExpression } from "../search.service";

const search = createRoute({
  operationId: "searchArticles",
  method: "get",
  path: "/search",
  tags: ["Search"],
  summary: "Full-text search of published articles (title weighs most), best match first",
  security: optionalSecurity,
  middleware: [authenticate({ required: false })],
  request: { query: searchQuery },
  responses: { 200: jsonResponse(v1ArticlesEnvelope, "A page of matching articles and how many match"), ...errors(401, 422) },
});

export const v1SearchRouter = createRouter<BlogEnv>().openapi(search, async (c) => {
  const q = c.req.valid("query");
  const { articles, count } = await searchArticles(blogDb(c.env.DB), c.var.viewer?.userId ?? "", q);
  return c.json({ articles: articles.map(presentV1ListItem), articlesCount: count }, 200);
});
