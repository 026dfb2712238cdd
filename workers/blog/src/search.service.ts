// Full-text search of published articles: FTS5 MATCH and bm25 stay SQL; the page itself is read
// through listArticles, so a hit looks exactly like a list item.
import { sql } from "drizzle-orm";
import { type Article, listArticles } from "./article-queries";
import { type BlogDb, readBatch } from "./db";

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

/**
 * A page of published articles matching `q`, best match first (title weighs most, then description,
 * then body), and how many match in all. Text without words matches nothing.
 *
 * @example const { articles, count } = await searchArticles(db, viewerId, { q: "edge", limit: 20, offset: 0 });
 */
export async function searchArticles(
  db: BlogDb,
  viewerId: string,
  query: { q: string; limit: number; offset: number },
): Promise<{ articles: Article[]; count: number }> {
  const expression = matchExpression(query.q) ?? '""';
  const [hits, total] = await readBatch<[{ id: number }, { n: number }]>(db, [
    sql`SELECT a.id FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
       WHERE articles_fts MATCH ${expression} AND a.status = 'published'
       ORDER BY bm25(articles_fts, 10.0, 4.0, 1.0), a.id DESC LIMIT ${query.limit} OFFSET ${query.offset}`,
    sql`SELECT COUNT(*) AS n FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
       WHERE articles_fts MATCH ${expression} AND a.status = 'published'`,
  ]);
  const ids = hits.map((r) => r.id);
  const page = ids.length ? await listArticles(db, viewerId, { ids, limit: ids.length, offset: 0 }) : { articles: [] };
  return { articles: page.articles, count: Number(total[0]?.n ?? 0) };
}
