import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

// The catalog core (migrations/shop/0001_core.sql): categories, products, variants; and the catalog's own
// tables (migrations/shop/0002_catalog.sql): images, the attribute index, the search rows, reviews, wishlists.

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

/** Images of a product; the bytes are in R2 (FILES) under `r2_key`, made of ids only. */
export const productImages = sqliteTable(
  "product_images",
  {
    id: text("id").primaryKey(),
    productId: text("product_id").notNull(),
    r2Key: text("r2_key").notNull(),
    contentType: text("content_type").notNull(),
    size: integer("size").notNull(),
    /** R2's strong ETag of the bytes (quoted), so a conditional GET is answered without reading R2. */
    etag: text("etag").notNull(),
    alt: text("alt").notNull().default(""),
    position: integer("position").notNull().default(0),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("product_images_product").on(t.productId, t.position, t.id)],
);

/** The attribute index: one row per attribute of a live variant, name and value ASCII-lower-cased. */
export const variantAttributes = sqliteTable(
  "variant_attributes",
  {
    variantId: text("variant_id").notNull(),
    productId: text("product_id").notNull(),
    name: text("name").notNull(),
    value: text("value").notNull(),
  },
  (t) => [primaryKey({ columns: [t.variantId, t.name] }), index("variant_attributes_lookup").on(t.name, t.value, t.productId)],
);

/** The integer rowid of a product in `products_fts` (FTS5, kept by triggers; see 0002_catalog.sql). */
export const productSearchRows = sqliteTable("product_search_rows", {
  seq: integer("seq").primaryKey(),
  productId: text("product_id").notNull().unique(),
});

/** One review per customer and product; the product's rating_sum/rating_count follow it in the same batch. */
export const reviews = sqliteTable(
  "reviews",
  {
    id: text("id").primaryKey(),
    productId: text("product_id").notNull(),
    userId: text("user_id").notNull(),
    rating: integer("rating").notNull(),
    title: text("title"),
    body: text("body").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("reviews_author").on(t.productId, t.userId), index("reviews_product").on(t.productId, t.createdAt, t.id)],
);

/** A customer's wishlist: one row per product. */
export const wishlistItems = sqliteTable(
  "wishlist_items",
  {
    userId: text("user_id").notNull(),
    productId: text("product_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.productId] }), index("wishlist_items_user").on(t.userId, t.createdAt, t.productId)],
);
