import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

// The source of truth for tables and indexes: migrations/commerce-catalog/*.sql must say the same, and
// test/conformance.test.ts (schema drift) fails when they disagree. Times are epoch milliseconds.

export { deadLetters, processedMessages, queueOutbox } from "@edgeworks/queue";

/** Product categories; `slug` is unique. */
export const categories = sqliteTable(
  "categories",
  {
    id: text("id").primaryKey(),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("categories_slug").on(t.slug)],
);

/**
 * Products. `on_hand` / `reserved` are a read model of the product's Inventory Durable Object (the only place
 * stock changes), written with the DO's `stock_version` so a late write never overwrites a newer one.
 */
export const products = sqliteTable(
  "products",
  {
    id: text("id").primaryKey(),
    sku: text("sku").notNull(),
    name: text("name").notNull(),
    description: text("description"),
    categoryId: text("category_id"),
    unitAmount: integer("unit_amount").notNull(),
    currency: text("currency").notNull(),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    onHand: integer("on_hand").notNull().default(0),
    reserved: integer("reserved").notNull().default(0),
    stockVersion: integer("stock_version").notNull().default(0),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    deletedAt: integer("deleted_at"),
  },
  (t) => [
    uniqueIndex("products_sku").on(t.sku).where(sql`deleted_at IS NULL`),
    index("products_created").on(t.createdAt, t.id).where(sql`deleted_at IS NULL`),
    index("products_category").on(t.categoryId, t.createdAt, t.id).where(sql`deleted_at IS NULL`),
  ],
);
export type ProductRow = typeof products.$inferSelect;

/** Where each order's reservation stands: reserved | committed | released | rejected | cancelled (cancelled before it was seen). */
export const stockOrders = sqliteTable("stock_orders", {
  orderId: text("order_id").primaryKey(),
  status: text("status").notNull(),
  reason: text("reason"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/** The lines of an order as catalog reserved (or rejected) them; status follows the order's. */
export const orderReservations = sqliteTable(
  "order_reservations",
  {
    orderId: text("order_id").notNull(),
    productId: text("product_id").notNull(),
    sku: text("sku").notNull(),
    name: text("name").notNull(),
    quantity: integer("quantity").notNull(),
    unitAmount: integer("unit_amount").notNull(),
    status: text("status").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.productId] })],
);
