import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { LinkRule } from "./validation";

/**
 * One row per short link. `userId` is null for anonymous links (nobody can edit them). `slug` is
 * unique over every row, deleted ones included, so a printed short link never starts pointing at
 * someone else's target. Times are epoch milliseconds. Must match migrations/links/0001_init.sql.
 */
export const links = sqliteTable(
  "links",
  {
    id: text("id").primaryKey(),
    slug: text("slug").notNull().unique(),
    userId: text("user_id"),
    url: text("url").notNull(),
    title: text("title"),
    redirectType: integer("redirect_type").notNull().default(302),
    expiresAt: integer("expires_at"),
    maxClicks: integer("max_clicks"),
    expiredUrl: text("expired_url"),
    passwordHash: text("password_hash"),
    tags: text("tags", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    rules: text("rules", { mode: "json" }).$type<LinkRule[]>().notNull().default(sql`'[]'`),
    passQuery: integer("pass_query", { mode: "boolean" }).notNull().default(false),
    disabled: integer("disabled", { mode: "boolean" }).notNull().default(false),
    clicks: integer("clicks").notNull().default(0),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    deletedAt: integer("deleted_at"),
  },
  (t) => [index("links_user_created").on(t.userId, t.createdAt, t.id).where(sql`deleted_at IS NULL`)],
);

export type LinkRow = typeof links.$inferSelect;

/** Clicks per link per hour (`hour` = epoch ms of the hour's start, UTC). */
export const clicksHourly = sqliteTable(
  "link_clicks_hourly",
  {
    linkId: text("link_id").notNull(),
    hour: integer("hour").notNull(),
    clicks: integer("clicks").notNull().default(0),
    humans: integer("humans").notNull().default(0),
    bots: integer("bots").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.linkId, t.hour] })],
);

/** The dimensions every click is counted under. */
export const DIMENSIONS = ["referrer", "country", "city", "device", "browser", "os"] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** Clicks per link per hour per dimension value. */
export const clickDimensions = sqliteTable(
  "link_click_dimensions",
  {
    linkId: text("link_id").notNull(),
    hour: integer("hour").notNull(),
    dimension: text("dimension", { enum: DIMENSIONS }).notNull(),
    value: text("value").notNull(),
    clicks: integer("clicks").notNull().default(0),
    humans: integer("humans").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.linkId, t.dimension, t.hour, t.value] })],
);

/** Click messages already counted, by key: a batch id or a single event id (idempotent consumer). */
export const processedClicks = sqliteTable(
  "processed_clicks",
  {
    eventId: text("event_id").primaryKey(),
    processedAt: integer("processed_at").notNull(),
  },
  // the consumer prunes rows older than the queue's retry horizon
  (t) => [index("processed_clicks_at").on(t.processedAt)],
);
