// Articles: visibility (drafts and scheduled ones are their author's alone), lists with RealWorld's
// filters, create/update/delete, favorites and likes. Every read takes the viewer so `favorited` and
// `author.following` are the viewer's.
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

/** Lower-case words joined by dashes plus a random suffix, so equal titles get distinct slugs. */
export function slugify(title: string): string {
  const base = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/g, "");
  const suffix = crypto.randomUUID().replaceAll("-", "").slice(0, 8);
  return `${base || "article"}-${suffix}`;
}

export interface NewArticle {
  title: string;
  description: string;
  body: string;
  tagList: string[];
  status: ArticleStatus;
  publishAt: number | null;
  categoryId: number | null;
}

/** Inserts the article and its tags in one batch; returns its id. */
export async function createArticle(
  db: D1Database,
  authorId: string,
  input: NewArticle,
  now: number,
): Promise<{ id: number; slug: string }> {
  const slug = slugify(input.title);
  const publishedAt = input.status === "published" ? now : null;
  const [inserted] = await db.batch([
    db
      .prepare(
        `INSERT INTO articles (slug, author_id, title, description, body, status, publish_at, published_at, category_id, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10) RETURNING id`,
      )
      .bind(slug, authorId, input.title, input.description, input.body, input.status, input.publishAt, publishedAt, input.categoryId, now),
    ...tagStatements(db, slug, input.tagList),
  ]);
  const id = (inserted?.results?.[0] as { id: number } | undefined)?.id;
  if (id === undefined) throw new Error("insert returned no id");
  return { id, slug };
}

const tagStatements = (db: D1Database, slug: string, tags: string[]) =>
  tags.map((tag) =>
    db
      .prepare("INSERT INTO article_tags (article_id, tag) SELECT id, ?2 FROM articles WHERE slug = ?1 ON CONFLICT DO NOTHING")
      .bind(slug, tag),
  );

export interface ArticleChanges {
  title?: string;
  description?: string;
  body?: string;
  tagList?: string[];
  status?: ArticleStatus;
  publishAt?: number | null;
  categoryId?: number | null;
}

/**
 * Updates the author's article (a new title gives a new slug); tags are replaced only when a
 * tagList is given. `updatedAt` always moves forward, even within the same millisecond.
 */
export async function updateArticle(db: D1Database, article: Article, changes: ArticleChanges, now: number): Promise<string> {
  const slug = changes.title !== undefined && changes.title !== article.title ? slugify(changes.title) : article.slug;
  const status = changes.status ?? article.status;
  const publishedAt = status === "published" ? (article.publishedAt ?? now) : null;
  const publishAt = changes.publishAt !== undefined ? changes.publishAt : status === "scheduled" ? article.publishAt : null;
  const updatedAt = Math.max(now, article.updatedAt + 1);
  const statements = [
    db
      .prepare(
        `UPDATE articles SET slug = ?2, title = ?3, description = ?4, body = ?5, status = ?6, publish_at = ?7, published_at = ?8,
           category_id = ?9, updated_at = ?10 WHERE id = ?1`,
      )
      .bind(
        article.id,
        slug,
        changes.title ?? article.title,
        changes.description ?? article.description,
        changes.body ?? article.body,
        status,
        status === "scheduled" ? publishAt : null,
        publishedAt,
        changes.categoryId !== undefined ? changes.categoryId : await categoryIdOf(db, article.id),
        updatedAt,
      ),
  ];
  if (changes.tagList !== undefined) {
    statements.push(db.prepare("DELETE FROM article_tags WHERE article_id = ?1").bind(article.id));
    statements.push(...tagStatements(db, slug, changes.tagList));
  }
  await db.batch(statements);
  return slug;
}

async function categoryIdOf(db: D1Database, articleId: number): Promise<number | null> {
  const row = await db.prepare("SELECT category_id FROM articles WHERE id = ?1").bind(articleId).first<{ category_id: number | null }>();
  return row?.category_id ?? null;
}

/** Deletes the article with its tags, favorites, likes and comments (one batch). */
export async function deleteArticle(db: D1Database, id: number): Promise<void> {
  await db.batch([
    db.prepare("DELETE FROM article_tags WHERE article_id = ?1").bind(id),
    db.prepare("DELETE FROM favorites WHERE article_id = ?1").bind(id),
    db.prepare("DELETE FROM likes WHERE article_id = ?1").bind(id),
    db.prepare("DELETE FROM comments WHERE article_id = ?1").bind(id),
    db.prepare("DELETE FROM articles WHERE id = ?1").bind(id),
  ]);
}

/** Marks (or unmarks) the article for the user in `favorites` or `likes`; idempotent. */
export async function setReaction(
  db: D1Database,
  table: "favorites" | "likes",
  userId: string,
  articleId: number,
  on: boolean,
  now: number,
) {
  await (on
    ? db
        .prepare(`INSERT INTO ${table} (user_id, article_id, created_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING`)
        .bind(userId, articleId, now)
    : db.prepare(`DELETE FROM ${table} WHERE user_id = ?1 AND article_id = ?2`).bind(userId, articleId)
  ).run();
}

/** Every tag of a published article, sorted. */
export async function listTags(db: D1Database): Promise<string[]> {
  const { results } = await db
    .prepare("SELECT DISTINCT t.tag FROM article_tags t JOIN articles a ON a.id = t.article_id WHERE a.status = 'published' ORDER BY t.tag")
    .all<{ tag: string }>();
  return results.map((r) => r.tag);
}

/**
 * Publishes a scheduled article whose time has come (one conditional UPDATE, so two alarms or a
 * concurrent edit cannot publish twice); true when this call published it.
 */
export async function publishIfDue(db: D1Database, id: number, now: number): Promise<boolean> {
  const res = await db
    .prepare(
      "UPDATE articles SET status = 'published', published_at = ?2, publish_at = NULL, updated_at = MAX(updated_at, ?2) WHERE id = ?1 AND status = 'scheduled' AND publish_at <= ?2",
    )
    .bind(id, now)
    .run();
  return res.meta.changes === 1;
}
