-- shop: the catalog core every area reads (cart pricing, checkout, orders). Must match
-- workers/shop/src/catalog/schema.ts (the drift check in test/conformance.test.ts).

-- Categories form a tree; `path` is the chain of ids from the root ("/c1/c2/"), so a category's
-- descendants are `path LIKE '<its path>%'`.
CREATE TABLE categories (
  id TEXT PRIMARY KEY NOT NULL,
  parent_id TEXT REFERENCES categories (id),
  slug TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  path TEXT NOT NULL,
  position INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX categories_parent ON categories (parent_id, position);
CREATE INDEX categories_path ON categories (path);

-- status: draft (admins only), active (sold), archived (kept for orders, hidden from the catalog).
CREATE TABLE products (
  id TEXT PRIMARY KEY NOT NULL,
  slug TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  category_id TEXT REFERENCES categories (id),
  status TEXT NOT NULL DEFAULT 'draft',
  currency TEXT NOT NULL,
  -- the lowest price of its live variants (minor units), for price filters and sorts
  min_price INTEGER NOT NULL DEFAULT 0,
  rating_sum INTEGER NOT NULL DEFAULT 0,
  rating_count INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted_at INTEGER
);
CREATE INDEX products_category ON products (category_id, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX products_created ON products (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX products_price ON products (min_price, id) WHERE deleted_at IS NULL;

-- Prices are integers in minor units of `currency` (ISO 4217). `stock` and `available` mirror the
-- product's Inventory Durable Object (the authority): it writes them back after every change, guarded by
-- `inventory_version` so an older write never overwrites a newer one.
CREATE TABLE variants (
  id TEXT PRIMARY KEY NOT NULL,
  product_id TEXT NOT NULL REFERENCES products (id),
  sku TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  price INTEGER NOT NULL,
  currency TEXT NOT NULL,
  attributes TEXT NOT NULL DEFAULT '{}',
  stock INTEGER NOT NULL DEFAULT 0,
  available INTEGER NOT NULL DEFAULT 0,
  inventory_version INTEGER NOT NULL DEFAULT 0,
  position INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted_at INTEGER
);
CREATE INDEX variants_product ON variants (product_id, position) WHERE deleted_at IS NULL;

-- Idempotency keys of every mutating route, kept by packages/http's idempotency() middleware (its
-- IDEMPOTENCY_DDL): the first response is stored and replayed for 24 h.
CREATE TABLE idempotency_keys (
  user_id TEXT NOT NULL,
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  response TEXT,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, key)
) WITHOUT ROWID;
