import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

// The catalog core (migrations/shop/0001_core.sql): categories, products, variants.

export const categories = sqliteTable(
  "categories",
  {
    id: text("id").primaryKey(),
    parentId: text("parent_id"),
    slug: text("slug").notNull().unique(),
    name: text("name").notNull(),
    /** Ids from the root, "/c1/c2/": descendants are `path LIKE '<path>%'`. */
    path: text("path").notNull(),
    position: integer("position").notNull().default(0),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("categories_parent").on(t.parentId, t.position), index("categories_path").on(t.path)],
);

export const products = sqliteTable(
  "products",
  {
    id: text("id").primaryKey(),
    slug: text("slug").notNull().unique(),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    categoryId: text("category_id"),
    /** draft (admins only), active (sold), archived (kept for orders, hidden). */
    status: text("status", { enum: ["draft", "active", "archived"] })
      .notNull()
      .default("draft"),
    currency: text("currency").notNull(),
    /** Lowest live variant price, minor units. */
    minPrice: integer("min_price").notNull().default(0),
    ratingSum: integer("rating_sum").notNull().default(0),
    ratingCount: integer("rating_count").notNull().default(0),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    deletedAt: integer("deleted_at"),
  },
  (t) => [
    index("products_category").on(t.categoryId, t.createdAt, t.id).where(sql`deleted_at IS NULL`),
    index("products_created").on(t.createdAt, t.id).where(sql`deleted_at IS NULL`),
    index("products_price").on(t.minPrice, t.id).where(sql`deleted_at IS NULL`),
  ],
);

export const variants = sqliteTable(
  "variants",
  {
    id: text("id").primaryKey(),
    productId: text("product_id").notNull(),
    sku: text("sku").notNull().unique(),
    title: text("title").notNull(),
    /** Minor units of `currency` (ISO 4217). */
    price: integer("price").notNull(),
    currency: text("currency").notNull(),
    /** JSON object of attribute name → value. */
    attributes: text("attributes").notNull().default("{}"),
    /** Mirror of the Inventory Durable Object (the authority). */
    stock: integer("stock").notNull().default(0),
    /** Mirror: stock − live reservations. */
    available: integer("available").notNull().default(0),
    inventoryVersion: integer("inventory_version").notNull().default(0),
    position: integer("position").notNull().default(0),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    deletedAt: integer("deleted_at"),
  },
  (t) => [index("variants_product").on(t.productId, t.position).where(sql`deleted_at IS NULL`)],
);
