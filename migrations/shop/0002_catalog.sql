-- shop: the catalog around the core tables of 0001: product images (bytes in R2), the attribute index,
-- the full-text index, reviews and wishlists. Must match workers/shop/src/catalog/schema.ts (the drift
-- check in test/conformance.test.ts). Times are epoch ms.

-- Images of a product; the bytes are in R2 under `r2_key` (built from ids only). `etag` is R2's strong
-- ETag of the bytes, kept so that a conditional GET is answered 304 without reading R2.
CREATE TABLE product_images (
  id TEXT PRIMARY KEY NOT NULL,
  product_id TEXT NOT NULL REFERENCES products (id),
  r2_key TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  etag TEXT NOT NULL,
  alt TEXT NOT NULL DEFAULT '',
  position INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE INDEX product_images_product ON product_images (product_id, position, id);

-- One row per attribute of a live variant, name and value ASCII-lower-cased: `attr=color:red` filters
-- look up (name, value) here. Written with the variant (same D1 batch); removed variants have no rows.
CREATE TABLE variant_attributes (
  variant_id TEXT NOT NULL REFERENCES variants (id),
  product_id TEXT NOT NULL REFERENCES products (id),
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (variant_id, name)
) WITHOUT ROWID;
CREATE INDEX variant_attributes_lookup ON variant_attributes (name, value, product_id);

-- The full-text index of products: title, description and the SKUs of their live variants. products has
-- a text id, so `seq` is the stable integer rowid the FTS5 table refers to (an INTEGER PRIMARY KEY: VACUUM
-- never renumbers it). Triggers keep both in step with products and variants.
CREATE TABLE product_search_rows (
  seq INTEGER PRIMARY KEY,
  product_id TEXT NOT NULL UNIQUE REFERENCES products (id)
);
CREATE VIRTUAL TABLE products_fts USING fts5 (
  title, description, skus,
  tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER products_fts_insert AFTER INSERT ON products BEGIN
  INSERT INTO product_search_rows (product_id) VALUES (new.id);
  INSERT INTO products_fts (rowid, title, description, skus)
    SELECT s.seq, new.title, new.description, '' FROM product_search_rows s WHERE s.product_id = new.id;
END;
CREATE TRIGGER products_fts_update AFTER UPDATE OF title, description ON products BEGIN
  DELETE FROM products_fts WHERE rowid = (SELECT seq FROM product_search_rows WHERE product_id = new.id);
  INSERT INTO products_fts (rowid, title, description, skus)
    SELECT s.seq, new.title, new.description,
      coalesce((SELECT group_concat(v.sku, ' ') FROM variants v WHERE v.product_id = new.id AND v.deleted_at IS NULL), '')
    FROM product_search_rows s WHERE s.product_id = new.id;
END;
CREATE TRIGGER products_fts_variant_insert AFTER INSERT ON variants BEGIN
  DELETE FROM products_fts WHERE rowid = (SELECT seq FROM product_search_rows WHERE product_id = new.product_id);
  INSERT INTO products_fts (rowid, title, description, skus)
    SELECT s.seq, p.title, p.description,
      coalesce((SELECT group_concat(v.sku, ' ') FROM variants v WHERE v.product_id = p.id AND v.deleted_at IS NULL), '')
    FROM products p JOIN product_search_rows s ON s.product_id = p.id WHERE p.id = new.product_id;
END;
CREATE TRIGGER products_fts_variant_update AFTER UPDATE OF sku, deleted_at ON variants BEGIN
  DELETE FROM products_fts WHERE rowid = (SELECT seq FROM product_search_rows WHERE product_id = new.product_id);
  INSERT INTO products_fts (rowid, title, description, skus)
    SELECT s.seq, p.title, p.description,
      coalesce((SELECT group_concat(v.sku, ' ') FROM variants v WHERE v.product_id = p.id AND v.deleted_at IS NULL), '')
    FROM products p JOIN product_search_rows s ON s.product_id = p.id WHERE p.id = new.product_id;
END;

-- Reviews: one per customer and product (the unique index), only by a customer who received the product
-- (checked by the route against orders/order_lines). products.rating_sum/rating_count are recomputed from
-- this table in the same D1 batch as every review change.
CREATE TABLE reviews (
  id TEXT PRIMARY KEY NOT NULL,
  product_id TEXT NOT NULL REFERENCES products (id),
  user_id TEXT NOT NULL,
  rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
  title TEXT,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX reviews_author ON reviews (product_id, user_id);
CREATE INDEX reviews_product ON reviews (product_id, created_at, id);

-- A customer's wishlist: one row per product.
CREATE TABLE wishlist_items (
  user_id TEXT NOT NULL,
  product_id TEXT NOT NULL REFERENCES products (id),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, product_id)
) WITHOUT ROWID;
CREATE INDEX wishlist_items_user ON wishlist_items (user_id, created_at, product_id);
