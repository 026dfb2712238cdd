// Reading articles: visibility (drafts and scheduled ones are their author's alone) and lists with
// RealWorld's filters. Every read takes the viewer so `favorited`, `liked` and `author.following` are theirs.
import type { Profile } from "./profiles.service";

export type ArticleStatus = "draft" | "scheduled" | "published";

interface ArticleRow {
  id: number;
  slug: string;
  author_id: string;
  title: string;
  description: string;
  body: string;
  status: ArticleStatus;
  publish_at: number | null;
  published_at: number | null;
  category_slug: string | null;
  created_at: number;
  updated_at: number;
  username: string;
  bio: string | null;
  image: string | null;
  favorites_count: number;
  favorited: number;
  following: number;
  likes_count: number;
  liked: number;
  tags: string;
}

/** An article with everything any representation needs. */
export interface Article {
  id: number;
  slug: string;
  authorId: string;
  title: string;
  description: string;
  body: string;
  status: ArticleStatus;
  publishAt: number | null;
  publishedAt: number | null;
  category: string | null;
  tagList: string[];
  createdAt: number;
  updatedAt: number;
  favorited: boolean;
  favoritesCount: number;
  liked: boolean;
  likesCount: number;
  author: Profile;
}

const toArticle = (r: ArticleRow): Article => ({
  id: r.id,
  slug: r.slug,
  authorId: r.author_id,
  title: r.title,
  description: r.description,
  body: r.body,
  status: r.status,
  publishAt: r.publish_at,
  publishedAt: r.published_at,
  category: r.category_slug,
  tagList: (JSON.parse(r.tags) as string[]).sort(),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  favorited: r.favorited === 1,
  favoritesCount: r.favorites_count,
  liked: r.liked === 1,
  likesCount: r.likes_count,
  author: { username: r.username, bio: r.bio, image: r.image, following: r.following === 1 },
});

// ?1 is always the viewer id ('' for anonymous, which matches nobody).
const SELECT = `SELECT a.id, a.slug, a.author_id, a.title, a.description, a.body, a.status, a.publish_at, a.published_at,
  c.slug AS category_slug, a.created_at, a.updated_at, p.username, p.bio, p.image,
  (SELECT COUNT(*) FROM favorites f WHERE f.article_id = a.id) AS favorites_count,
  EXISTS (SELECT 1 FROM favorites f WHERE f.article_id = a.id AND f.user_id = ?1) AS favorited,
  EXISTS (SELECT 1 FROM follows w WHERE w.follower_id = ?1 AND w.followee_id = a.author_id) AS following,
  (SELECT COUNT(*) FROM likes l WHERE l.article_id = a.id) AS likes_count,
  EXISTS (SELECT 1 FROM likes l WHERE l.article_id = a.id AND l.user_id = ?1) AS liked,
  (SELECT json_group_array(tag) FROM (SELECT t.tag FROM article_tags t WHERE t.article_id = a.id ORDER BY t.tag)) AS tags
FROM articles a JOIN profiles p ON p.user_id = a.author_id LEFT JOIN categories c ON c.id = a.category_id`;

/** Published articles are everyone's; drafts and scheduled ones only their author's. */
const VISIBLE = "(a.status = 'published' OR a.author_id = ?1)";

/** The article with this slug if the viewer may see it, else null (the caller answers 404). */
export async function findVisibleArticle(db: D1Database, slug: string, viewerId = ""): Promise<Article | null> {
  const row = await db.prepare(`${SELECT} WHERE a.slug = ?2 AND ${VISIBLE}`).bind(viewerId, slug).first<ArticleRow>();
  return row ? toArticle(row) : null;
}

export async function findArticleById(db: D1Database, id: number, viewerId = ""): Promise<Article | null> {
  const row = await db.prepare(`${SELECT} WHERE a.id = ?2`).bind(viewerId, id).first<ArticleRow>();
  return row ? toArticle(row) : null;
}

export interface ArticleFilters {
  tag?: string;
  author?: string;
  favorited?: string;
  category?: string;
  /** Only authors the viewer follows. */
  feed?: boolean;
  /** The viewer's own drafts and scheduled articles instead of published ones. */
  drafts?: boolean;
  /** Article ids in this order (full-text search results). */
  ids?: number[];
  limit: number;
  offset: number;
}

/** A page of articles, most recently published first, and how many match in all. */
export async function listArticles(db: D1Database, viewerId: string, f: ArticleFilters): Promise<{ articles: Article[]; count: number }> {
  const where: string[] = [f.drafts ? "a.author_id = ?1 AND a.status != 'published'" : "a.status = 'published'"];
  const params: unknown[] = [viewerId];
  const add = (clause: (n: number) => string, value: unknown) => {
    params.push(value);
    where.push(clause(params.length));
  };
  if (f.tag !== undefined) add((n) => `EXISTS (SELECT 1 FROM article_tags t WHERE t.article_id = a.id AND t.tag = ?${n})`, f.tag);
  if (f.author !== undefined) add((n) => `p.username = ?${n} COLLATE NOCASE`, f.author);
  if (f.favorited !== undefined)
    add(
      (n) =>
        `EXISTS (SELECT 1 FROM favorites f JOIN profiles fp ON fp.user_id = f.user_id WHERE f.article_id = a.id AND fp.username = ?${n} COLLATE NOCASE)`,
      f.favorited,
    );
  if (f.category !== undefined) add((n) => `c.slug = ?${n}`, f.category);
  if (f.feed) where.push("a.author_id IN (SELECT followee_id FROM follows WHERE follower_id = ?1)");
  if (f.ids !== undefined) add((n) => `a.id IN (SELECT value FROM json_each(?${n}))`, JSON.stringify(f.ids));
  const whereSql = where.join(" AND ");
  const order = f.drafts ? "a.updated_at DESC, a.id DESC" : "a.published_at DESC, a.id DESC";
  const limitAt = params.length + 1;
  // the count also names ?1 (the viewer), because D1 refuses a binding that the SQL never uses
  const [page, total] = await db.batch([
    db.prepare(`${SELECT} WHERE ${whereSql} ORDER BY ${order} LIMIT ?${limitAt} OFFSET ?${limitAt + 1}`).bind(...params, f.limit, f.offset),
    db
      .prepare(
        `SELECT COUNT(*) AS n, ?1 AS viewer FROM articles a JOIN profiles p ON p.user_id = a.author_id LEFT JOIN categories c ON c.id = a.category_id WHERE ${whereSql}`,
      )
      .bind(...params),
  ]);
  const articles = ((page?.results ?? []) as ArticleRow[]).map(toArticle);
  if (f.ids !== undefined) {
    const rank = new Map(f.ids.map((id, i) => [id, i]));
    articles.sort((x, y) => (rank.get(x.id) ?? 0) - (rank.get(y.id) ?? 0));
  }
  return { articles, count: Number((total?.results?.[0] as { n?: number } | undefined)?.n ?? 0) };
}
