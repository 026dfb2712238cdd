import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

// Coupons (migrations/shop/0003_cart.sql). Carts and stock live in Durable Objects (src/do/cart.ts,
// src/do/inventory.ts), not in D1.

/** A discount code: percent or fixed amount, with limits and optional product/category restrictions. */
export const coupons = sqliteTable(
  "coupons",
  {
    id: text("id").primaryKey(),
    /** Uppercased: codes are case-insensitive. */
    code: text("code").notNull().unique(),
    kind: text("kind", { enum: ["percent", "fixed"] }).notNull(),
    /** Percent 1..100, or minor units of `currency`. */
    value: integer("value").notNull(),
    currency: text("currency"),
    minSubtotal: integer("min_subtotal").notNull().default(0),
    startsAt: integer("starts_at"),
    endsAt: integer("ends_at"),
    perCustomerLimit: integer("per_customer_limit"),
    usageCap: integer("usage_cap"),
    used: integer("used").notNull().default(0),
    /** JSON array of product ids. */
    productIds: text("product_ids").notNull().default("[]"),
    /** JSON array of category ids (descendants included). */
    categoryIds: text("category_ids").notNull().default("[]"),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("coupons_created").on(t.createdAt, t.id)],
);

/** One order's use of a coupon. */
export const couponRedemptions = sqliteTable(
  "coupon_redemptions",
  {
    id: text("id").primaryKey(),
    couponId: text("coupon_id").notNull(),
    userId: text("user_id").notNull(),
    orderId: text("order_id").notNull().unique(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("coupon_redemptions_customer").on(t.couponId, t.userId)],
);
