import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * One row per item, owned by one user. Times are epoch milliseconds; a deleted item keeps its row
 * with `deleted_at` set (soft delete), so every query reads only live rows.
 * The source of truth for tables and indexes: migrations/gateway/*.sql must say the same, and
 * test/conformance.test.ts (schema drift) fails when they disagree.
 */
export const items = sqliteTable(
  "items",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    name: text("name").notNull(),
    note: text("note"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    deletedAt: integer("deleted_at"),
  },
  (t) => [
    // partial: every query is one user's live items, newest first, keyset-paginated on (created_at, id)
    index("items_user_created").on(t.userId, t.createdAt, t.id).where(sql`deleted_at IS NULL`),
  ],
);

export type ItemRow = typeof items.$inferSelect;
