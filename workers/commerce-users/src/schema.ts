import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * The commerce profile of a platform user (the token's `sub`): no password, no e-mail (both are the
 * platform's). A user who never saved a profile has no row; reads answer the defaults. Times are epoch ms.
 * The source of truth for tables and indexes: migrations/commerce-users/*.sql must say the same, and
 * test/conformance.test.ts (schema drift) fails when they disagree.
 */
export const profiles = sqliteTable("profiles", {
  userId: text("user_id").primaryKey(),
  displayName: text("display_name"),
  /** E.164, e.g. +14155550100. */
  phone: text("phone"),
  notifyByEmail: integer("notify_by_email", { mode: "boolean" }).notNull().default(true),
  notifyBySms: integer("notify_by_sms", { mode: "boolean" }).notNull().default(false),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});
export type ProfileRow = typeof profiles.$inferSelect;

/** A user's shipping addresses (`adr_…`), soft-deleted so an order's address id stays meaningful. */
export const addresses = sqliteTable(
  "addresses",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    name: text("name").notNull(),
    line1: text("line1").notNull(),
    line2: text("line2"),
    city: text("city").notNull(),
    region: text("region"),
    postalCode: text("postal_code").notNull(),
    /** ISO 3166-1 alpha-2, upper case. */
    country: text("country").notNull(),
    isDefault: integer("is_default", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    deletedAt: integer("deleted_at"),
  },
  (t) => [
    // every query is one user's live addresses, oldest first
    index("addresses_user_created").on(t.userId, t.createdAt, t.id).where(sql`deleted_at IS NULL`),
    // at most one live default per user, whatever two concurrent requests do
    uniqueIndex("addresses_one_default").on(t.userId).where(sql`is_default = 1 AND deleted_at IS NULL`),
  ],
);
export type AddressRow = typeof addresses.$inferSelect;
