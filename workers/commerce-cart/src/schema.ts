import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * The carts themselves live in the Cart Durable Objects (one per user). This table is a read model for
 * operators (which carts exist, how full, since when: abandoned-cart reports), written after each change
 * and never read on a request's path, so it may lag a failed write. Times are epoch ms.
 * The source of truth for tables and indexes: migrations/commerce-cart/*.sql must say the same, and
 * test/conformance.test.ts (schema drift) fails when they disagree.
 */
export const carts = sqliteTable(
  "carts",
  {
    userId: text("user_id").primaryKey(),
    lineCount: integer("line_count").notNull(),
    itemCount: integer("item_count").notNull(),
    /** The cart's currency; null when empty. */
    currency: text("currency"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    // abandoned carts: non-empty ones by last change
    index("carts_updated").on(t.updatedAt).where(sql`line_count > 0`),
  ],
);
export type CartRow = typeof carts.$inferSelect;
