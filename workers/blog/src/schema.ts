import { sql } from "drizzle-orm";
import { type AnySQLiteColumn, index, integer, primaryKey, sqliteTable, text, unique, uniqueIndex } from "drizzle-orm/sqlite-core";

// Drizzle tables of the blog database. Times are epoch milliseconds (UTC). Must match
// migrations/blog/ (test/schema.test.ts checks tables and indexes; the CHECK constraints, the
// articles_fts FTS5 table and its triggers live only there).

/** The blog profile of an accounts user (identity, email and password live in workers/accounts). */
export const profiles = sqliteTable(
  "profiles",
  {
    userId: text("user_id").primaryKey(),
    username: text("username").notNull(),
    bio: text("bio"),
    image: text("image"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  // usernames are unique regardless of case ("Ann" and "ann" cannot both exist)
  (t) => [uniqueIndex("profiles_username").on(sql`${t.username} COLLATE NOCASE`)],
);

export const follows = sqliteTable(
  "follows",
  {
    followerId: text("follower_id").notNull(),
    followeeId: text("followee_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.followerId, t.followeeId] }), index("follows_followee").on(t.followeeId)],
);

export const categories = sqliteTable("categories", {
  id: integer("id").primaryKey(),
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  createdBy: text("created_by").notNull(),
  createdAt: integer("created_at").notNull(),
});

export const ARTICLE_STATUSES = ["draft", "scheduled", "published"] as const;
export type ArticleStatus = (typeof ARTICLE_STATUSES)[number];

/**
 * status: draft (author only), scheduled (author only until `publishAt`), published (everyone).
 * `publishedAt` orders the public lists ("most recent first").
 */
export const articles = sqliteTable(
  "articles",
  {
    id: integer("id").primaryKey(),
    slug: text("slug").notNull().unique(),
    authorId: text("author_id").notNull(),
    title: text("title").notNull(),
    description: text("description").notNull(),
    body: text("body").notNull(),
    status: text("status", { enum: ARTICLE_STATUSES }).notNull().default("published"),
    publishAt: integer("publish_at"),
    publishedAt: integer("published_at"),
    categoryId: integer("category_id").references((): AnySQLiteColumn => categories.id, { onDelete: "set null" }),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("articles_published").on(sql`${t.publishedAt} DESC`, sql`${t.id} DESC`).where(sql`status = 'published'`),
    index("articles_author").on(t.authorId, sql`${t.publishedAt} DESC`, sql`${t.id} DESC`),
    index("articles_category").on(t.categoryId).where(sql`category_id IS NOT NULL`),
  ],
);

export const articleTags = sqliteTable(
  "article_tags",
  {
    articleId: integer("article_id")
      .notNull()
      .references(() => articles.id, { onDelete: "cascade" }),
    tag: text("tag").notNull(),
  },
  (t) => [primaryKey({ columns: [t.articleId, t.tag] }), index("article_tags_tag").on(t.tag)],
);

export const favorites = sqliteTable(
  "favorites",
  {
    userId: text("user_id").notNull(),
    articleId: integer("article_id")
      .notNull()
      .references(() => articles.id, { onDelete: "cascade" }),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.articleId, t.userId] }), index("favorites_user").on(t.userId)],
);

export const likes = sqliteTable(
  "likes",
  {
    userId: text("user_id").notNull(),
    articleId: integer("article_id")
      .notNull()
      .references(() => articles.id, { onDelete: "cascade" }),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.articleId, t.userId] })],
);

export const comments = sqliteTable(
  "comments",
  {
    // AUTOINCREMENT: a deleted comment's id is never handed out again
    id: integer("id").primaryKey({ autoIncrement: true }),
    articleId: integer("article_id")
      .notNull()
      .references(() => articles.id, { onDelete: "cascade" }),
    authorId: text("author_id").notNull(),
    body: text("body").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("comments_article").on(t.articleId, t.id)],
);

/** Avatars in R2: the key is random per upload (immutable), so it can be cached for a year. */
export const avatars = sqliteTable(
  "avatars",
  {
    key: text("key").primaryKey(),
    userId: text("user_id").notNull(),
    contentType: text("content_type").notNull(),
    size: integer("size").notNull(),
    etag: text("etag").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("avatars_user").on(t.userId)],
);

/** Notification emails to followers, one row per (article, follower): a redelivered message writes nothing twice. */
export const outbox = sqliteTable(
  "outbox",
  {
    id: integer("id").primaryKey(),
    articleId: integer("article_id").notNull(),
    userId: text("user_id").notNull(),
    toEmail: text("to_email").notNull(),
    subject: text("subject").notNull(),
    body: text("body").notNull(),
    createdAt: integer("created_at").notNull(),
    sentAt: integer("sent_at"),
  },
  (t) => [unique().on(t.articleId, t.userId)],
);

// The mail outbox (follower emails go to the mail service through it).
export { queueOutbox } from "@edgeworks/queue";
