// Writing articles: create/update/delete, favorites and likes, tags, and publishing a schedule.
import { and, asc, eq, lte, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { type Article, type ArticleStatus, findArticleById, findVisibleArticle } from "./article-queries";
import type { BlogDb } from "./db";
import { articles, articleTags, comments, favorites, likes } from "./schema";

export * from "./article-queries";

/** Lower-case words joined by dashes plus a random suffix, so equal titles get distinct slugs. */
export function slugify(title: string): string {
  const base = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-") // runs collapse to one dash, so each end has at most one (no `-+$`: quadratic)
    .replace(/^-|-$/g, "")
    .slice(0, 60)
    .replace(/-$/, "");
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
export async function createArticle(db: BlogDb, authorId: string, input: NewArticle, now: number): Promise<{ id: number; slug: string }> {
  const slug = slugify(input.title);
  const publishedAt = input.status === "published" ? now : null;
  const [inserted] = await db.batch([
    db
      .insert(articles)
      .values({
        slug,
        authorId,
        title: input.title,
        description: input.description,
        body: input.body,
        status: input.status,
        publishAt: input.publishAt,
        publishedAt,
        categoryId: input.categoryId,
        createdAt: now,
        updatedAt: now,
      })
      .returning({ id: articles.id }),
    ...tagInserts(db, slug, input.tagList),
  ]);
  const id = inserted[0]?.id;
  if (id === undefined) throw new Error("insert returned no id");
  return { id, slug };
}

/** The tag rows of the article with this slug: by slug, so they can share a batch with the article's insert. */
const tagInserts = (db: BlogDb, slug: string, tags: string[]) =>
  tags.map((tag) =>
    db
      .insert(articleTags)
      .select(
        db
          .select({ articleId: articles.id, tag: sql<string>`${tag}`.as("tag") })
          .from(articles)
          .where(eq(articles.slug, slug)),
      )
      .onConflictDoNothing(),
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
export async function updateArticle(db: BlogDb, article: Article, changes: ArticleChanges, now: number): Promise<string> {
  const slug = changes.title !== undefined && changes.title !== article.title ? slugify(changes.title) : article.slug;
  const status = changes.status ?? article.status;
  const publishedAt = status === "published" ? (article.publishedAt ?? now) : null;
  const publishAt = changes.publishAt !== undefined ? changes.publishAt : status === "scheduled" ? article.publishAt : null;
  const updatedAt = Math.max(now, article.updatedAt + 1);
  const statements: [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]] = [
    db
      .update(articles)
      .set({
        slug,
        title: changes.title ?? article.title,
        description: changes.description ?? article.description,
        body: changes.body ?? article.body,
        status,
        publishAt: status === "scheduled" ? publishAt : null,
        publishedAt,
        categoryId: changes.categoryId !== undefined ? changes.categoryId : await categoryIdOf(db, article.id),
        updatedAt,
      })
      .where(eq(articles.id, article.id)),
  ];
  if (changes.tagList !== undefined) {
    statements.push(db.delete(articleTags).where(eq(articleTags.articleId, article.id)));
    statements.push(...tagInserts(db, slug, changes.tagList));
  }
  await db.batch(statements);
  return slug;
}

async function categoryIdOf(db: BlogDb, articleId: number): Promise<number | null> {
  const row = await db.select({ categoryId: articles.categoryId }).from(articles).where(eq(articles.id, articleId)).get();
  return row?.categoryId ?? null;
}

/** Deletes the article with its tags, favorites, likes and comments (one batch). */
export async function deleteArticle(db: BlogDb, id: number): Promise<void> {
  await db.batch([
    db.delete(articleTags).where(eq(articleTags.articleId, id)),
    db.delete(favorites).where(eq(favorites.articleId, id)),
    db.delete(likes).where(eq(likes.articleId, id)),
    db.delete(comments).where(eq(comments.articleId, id)),
    db.delete(articles).where(eq(articles.id, id)),
  ]);
}

/**
 * Marks (or unmarks) the article for the user in `favorites` or `likes`; idempotent. Only an article
 * the user may see: the article afterwards (with its new count), or null when there is none.
 */
export async function setReaction(
  db: BlogDb,
  table: "favorites" | "likes",
  userId: string,
  slug: string,
  on: boolean,
  now: number,
): Promise<Article | null> {
  const article = await findVisibleArticle(db, slug, userId);
  if (!article) return null;
  const t = table === "favorites" ? favorites : likes;
  if (on) await db.insert(t).values({ userId, articleId: article.id, createdAt: now }).onConflictDoNothing();
  else await db.delete(t).where(and(eq(t.userId, userId), eq(t.articleId, article.id)));
  return findArticleById(db, article.id, userId);
}

/** Every tag of a published article, sorted. */
export async function listTags(db: BlogDb): Promise<string[]> {
  const rows = await db
    .selectDistinct({ tag: articleTags.tag })
    .from(articleTags)
    .innerJoin(articles, eq(articles.id, articleTags.articleId))
    .where(eq(articles.status, "published"))
    .orderBy(asc(articleTags.tag));
  return rows.map((r) => r.tag);
}

/**
 * Publishes a scheduled article whose time has come (one conditional UPDATE, so two alarms or a
 * concurrent edit cannot publish twice); true when this call published it.
 */
export async function publishIfDue(db: BlogDb, id: number, now: number): Promise<boolean> {
  const res = await db
    .update(articles)
    .set({ status: "published", publishedAt: now, publishAt: null, updatedAt: sql`MAX(${articles.updatedAt}, ${now})` })
    .where(and(eq(articles.id, id), eq(articles.status, "scheduled"), lte(articles.publishAt, now)));
  return res.meta.changes === 1;
}
