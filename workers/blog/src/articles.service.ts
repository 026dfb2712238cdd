// Writing articles: create/update/delete, favorites and likes, tags, and publishing a schedule.
import { type Article, type ArticleStatus, findArticleById, findVisibleArticle } from "./article-queries";

export * from "./article-queries";

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

/**
 * Marks (or unmarks) the article for the user in `favorites` or `likes`; idempotent. Only an article
 * the user may see: the article afterwards (with its new count), or null when there is none.
 */
export async function setReaction(
  db: D1Database,
  table: "favorites" | "likes",
  userId: string,
  slug: string,
  on: boolean,
  now: number,
): Promise<Article | null> {
  const article = await findVisibleArticle(db, slug, userId);
  if (!article) return null;
  await (on
    ? db
        .prepare(`INSERT INTO ${table} (user_id, article_id, created_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING`)
        .bind(userId, article.id, now)
    : db.prepare(`DELETE FROM ${table} WHERE user_id = ?1 AND article_id = ?2`).bind(userId, article.id)
  ).run();
  return findArticleById(db, article.id, userId);
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
