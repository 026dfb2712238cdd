import { errors, jsonResponse, validationHook } from "@edgeworks/http";
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { listArticles } from "../articles.service";
import { authenticate } from "../auth";
import type { BlogEnv } from "../env";
import { presentV1ListItem } from "./present";
import { searchQuery, v1ArticlesEnvelope } from "./validation";

/**
 * An FTS5 MATCH expression from user text: its words (letters and digits only), each quoted so no
 * FTS operator or syntax error can come from the input; all must match, the last as a prefix
 * (search as you type). At most 10 words.
 */
export function matchExpression(q: string): string | null {
  const words = (q.match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 10);
  if (words.length === 0) return null;
  return words.map((w, i) => `"${w}"${i === words.length - 1 ? "*" : ""}`).join(" ");
}

const search = createRoute({
  method: "get",
  path: "/search",
  tags: ["Search"],
  summary: "Full-text search of published articles (title weighs most), best match first",
  middleware: [authenticate({ required: false })],
  request: { query: searchQuery },
  responses: { 200: jsonResponse(v1ArticlesEnvelope, "A page of matching articles and how many match"), ...errors(401, 422) },
});

export const v1SearchRouter = new OpenAPIHono<BlogEnv>({ defaultHook: validationHook as never }).openapi(search, async (c) => {
  const q = c.req.valid("query");
  const expression = matchExpression(q.q) ?? '""';
  const [hits, total] = await c.env.DB.batch([
    c.env.DB.prepare(
      `SELECT a.id FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
       WHERE articles_fts MATCH ?1 AND a.status = 'published' ORDER BY bm25(articles_fts, 10.0, 4.0, 1.0), a.id DESC LIMIT ?2 OFFSET ?3`,
    ).bind(expression, q.limit, q.offset),
    c.env.DB.prepare(
      "SELECT COUNT(*) AS n FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid WHERE articles_fts MATCH ?1 AND a.status = 'published'",
    ).bind(expression),
  ]);
  const ids = ((hits?.results ?? []) as { id: number }[]).map((r) => r.id);
  const page = ids.length
    ? await listArticles(c.env.DB, c.var.viewer?.userId ?? "", { ids, limit: ids.length, offset: 0 })
    : { articles: [] };
  return c.json(
    { articles: page.articles.map(presentV1ListItem), articlesCount: Number((total?.results?.[0] as { n: number } | undefined)?.n ?? 0) },
    200,
  );
});
