-- shop: coupons and their redemptions. Must match workers/shop/src/cart/schema.ts (the drift check in
-- test/conformance.test.ts). Money is integer minor units; times are epoch ms.

-- `code` is stored uppercased (codes are case-insensitive), so UNIQUE (code) is the case-insensitive rule.
-- kind: percent (value 1..100) | fixed (value in minor units of `currency`).
-- `product_ids` / `category_ids`: JSON arrays; when either is non-empty the discount applies only to
-- matching lines (a category includes its descendants, by categories.path).
-- `used` counts the redemptions (kept by claimCoupon/releaseCoupon in the same batch as the redemption).
CREATE TABLE coupons (
  id TEXT PRIMARY KEY NOT NULL,
  code TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  value INTEGER NOT NULL,
  currency TEXT,
  min_subtotal INTEGER NOT NULL DEFAULT 0,
  starts_at INTEGER,
  ends_at INTEGER,
  per_customer_limit INTEGER,
  usage_cap INTEGER,
  used INTEGER NOT NULL DEFAULT 0,
  product_ids TEXT NOT NULL DEFAULT '[]',
  category_ids TEXT NOT NULL DEFAULT '[]',
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX coupons_created ON coupons (created_at, id);

-- One row per order that used a coupon; the claim inserts it with one conditional statement (cap and
-- per-customer limit checked inside it), so concurrent claims can never exceed either.
CREATE TABLE coupon_redemptions (
  id TEXT PRIMARY KEY NOT NULL,
  coupon_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  order_id TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
);
CREATE INDEX coupon_redemptions_customer ON coupon_redemptions (coupon_id, user_id);
