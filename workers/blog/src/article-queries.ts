// Reading articles: visibility (drafts and scheduled ones are their author's alone) and lists with
// RealWorld's filters. Every read takes the viewer so `favorited`, `liked` and `author.following` are theirs.
import { and, count, desc, eq, exists, inArray, ne, or, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { BlogDb } from "./db";
import { type Profile, usernameIs } from "./profiles.service";
import { type ArticleStatus, articles, articleTags, categories, favorites, follows, likes, profiles } from "./schema";

export type { ArticleStatus } from "./schema";

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

const one = sql`1`;

/** Articles with author, category, counts and tags; `viewerId` '' is anonymous (matches nobody). */
const selectArticles = (db: BlogDb, viewerId: string) =>
  db
    .select({
      id: articles.id,
      slug: articles.slug,
      authorId: articles.authorId,
      title: articles.title,
      description: articles.description,
      body: articles.body,
      status: articles.status,
      publishAt: articles.publishAt,
      publishedAt: articles.publishedAt,
      // named apart from articles.slug: in a D1 batch rows come back as objects, where equal names collide
      category: sql<string | null>`${categories.slug}`.as("category_slug"),
      createdAt: articles.createdAt,
      updatedAt: articles.updatedAt,
      username: profiles.username,
      bio: profiles.bio,
      image: profiles.image,
      favoritesCount: db.$count(favorites, eq(favorites.articleId, articles.id)),
      favorited: sql<number>`${exists(
        db
          .select({ one })
          .from(favorites)
          .where(and(eq(favorites.articleId, articles.id), eq(favorites.userId, viewerId))),
      )}`,
      following: sql<number>`${exists(
        db
          .select({ one })
          .from(follows)
          .where(and(eq(follows.followerId, viewerId), eq(follows.followeeId, articles.authorId))),
      )}`,
      likesCount: db.$count(likes, eq(likes.articleId, articles.id)),
      liked: sql<number>`${exists(
        db
          .select({ one })
          .from(likes)
          .where(and(eq(likes.articleId, articles.id), eq(likes.userId, viewerId))),
      )}`,
      // the tags as one sorted JSON array, read in the same query
      tags: sql<string>`(SELECT json_group_array(tag) FROM (SELECT t.tag FROM article_tags t WHERE t.article_id = ${articles.id} ORDER BY t.tag))`,
    })
    .from(articles)
    .innerJoin(profiles, eq(profiles.userId, articles.authorId))
    .leftJoin(categories, eq(categories.id, articles.categoryId));

type ArticleRow = Awaited<ReturnType<ReturnType<typeof selectArticles>["all"]>>[number];

const toArticle = (r: ArticleRow): Article => ({
  id: r.id,
  slug: r.slug,
  authorId: r.authorId,
  title: r.title,
  description: r.description,
  body: r.body,
  status: r.status,
  publishAt: r.publishAt,
  publishedAt: r.publishedAt,
  category: r.category,
  tagList: (JSON.parse(r.tags) as string[]).sort(),
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
  favorited: r.favorited === 1,
  favoritesCount: r.favoritesCount,
  liked: r.liked === 1,
  likesCount: r.likesCount,
  author: { username: r.username, bio: r.bio, image: r.image, following: r.following === 1 },
});

/** Published articles are everyone's; drafts and scheduled ones only their author's. */
const visibleTo = (viewerId: string) => or(eq(articles.status, "published"), eq(articles.authorId, viewerId));

/** The article with this slug if the viewer may see it, else null (the caller answers 404). */
export async function findVisibleArticle(db: BlogDb, slug: string, viewerId = ""): Promise<Article | null> {
  const row = await selectArticles(db, viewerId)
    .where(and(eq(articles.slug, slug), visibleTo(viewerId)))
    .get();
  return row ? toArticle(row) : null;
}

export async function findArticleById(db: BlogDb, id: number, viewerId = ""): Promise<Article | null> {
  const row = await selectArticles(db, viewerId).where(eq(articles.id, id)).get();
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

function filtersOf(db: BlogDb, viewerId: string, f: ArticleFilters): SQL | undefined {
  const fp = alias(profiles, "fp");
  const where: (SQL | undefined)[] = [
    f.drafts ? and(eq(articles.authorId, viewerId), ne(articles.status, "published")) : eq(articles.status, "published"),
  ];
  if (f.tag !== undefined) {
    const tag = f.tag;
    where.push(
      exists(
        db
          .select({ one })
          .from(articleTags)
          .where(and(eq(articleTags.articleId, articles.id), eq(articleTags.tag, tag))),
      ),
    );
  }
  if (f.author !== undefined) where.push(usernameIs(f.author));
  if (f.favorited !== undefined) {
    const favoritedBy = sql`${fp.username} = ${f.favorited} COLLATE NOCASE`;
    where.push(
      exists(
        db
          .select({ one })
          .from(favorites)
          .innerJoin(fp, eq(fp.userId, favorites.userId))
          .where(and(eq(favorites.articleId, articles.id), favoritedBy)),
      ),
    );
  }
  if (f.category !== undefined) where.push(eq(categories.slug, f.category));
  if (f.feed)
    where.push(inArray(articles.authorId, db.select({ id: follows.followeeId }).from(follows).where(eq(follows.followerId, viewerId))));
  if (f.ids !== undefined) where.push(sql`${articles.id} IN (SELECT value FROM json_each(${JSON.stringify(f.ids)}))`);
  return and(...where);
}

/** A page of articles, most recently published first, and how many match in all. */
export async function listArticles(db: BlogDb, viewerId: string, f: ArticleFilters): Promise<{ articles: Article[]; count: number }> {
  const where = filtersOf(db, viewerId, f);
  const order = f.drafts ? [desc(articles.updatedAt), desc(articles.id)] : [desc(articles.publishedAt), desc(articles.id)];
  const [page, total] = await db.batch([
    selectArticles(db, viewerId)
      .where(where)
      .orderBy(...order)
      .limit(f.limit)
      .offset(f.offset),
    db
      .select({ n: count() })
      .from(articles)
      .innerJoin(profiles, eq(profiles.userId, articles.authorId))
      .leftJoin(categories, eq(categories.id, articles.categoryId))
      .where(where),
  ]);
  const list = page.map(toArticle);
  if (f.ids !== undefined) {
    const rank = new Map(f.ids.map((id, i) => [id, i]));
    list.sort((x, y) => (rank.get(x.id) ?? 0) - (rank.get(y.id) ?? 0));
  }
  return { articles: list, count: Number(total[0]?.n ?? 0) };
}
