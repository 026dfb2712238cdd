-- commerce-catalog: categories, products (with a read model of each product's Inventory Durable Object),
-- the reservations of each order, and the queue tables (outbox, processed events, dead letters).
-- Must match workers/commerce-catalog/src/schema.ts (the drift check in test/conformance.test.ts).
CREATE TABLE categories (
  id TEXT PRIMARY KEY NOT NULL,
  slug TEXT NOT NULL,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX categories_slug ON categories (slug);

CREATE TABLE products (
  id TEXT PRIMARY KEY NOT NULL,
  sku TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT,
  category_id TEXT,
  unit_amount INTEGER NOT NULL,
  currency TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  on_hand INTEGER NOT NULL DEFAULT 0,
  reserved INTEGER NOT NULL DEFAULT 0,
  stock_version INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted_at INTEGER
);
CREATE UNIQUE INDEX products_sku ON products (sku) WHERE deleted_at IS NULL;
CREATE INDEX products_created ON products (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX products_category ON products (category_id, created_at, id) WHERE deleted_at IS NULL;

-- One row per order catalog has seen: where its reservation stands (a cancellation that came first leaves
-- `cancelled`, so a late order.created reserves nothing).
CREATE TABLE stock_orders (
  order_id TEXT PRIMARY KEY NOT NULL,
  status TEXT NOT NULL,
  reason TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE order_reservations (
  order_id TEXT NOT NULL,
  product_id TEXT NOT NULL,
  sku TEXT NOT NULL,
  name TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  unit_amount INTEGER NOT NULL,
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (order_id, product_id)
);

-- packages/queue migrations/0001: idempotent consumers and the transactional outbox.
CREATE TABLE processed_messages (
  consumer TEXT NOT NULL,
  message_key TEXT NOT NULL,
  processed_at INTEGER NOT NULL,
  PRIMARY KEY (consumer, message_key)
);
CREATE INDEX processed_messages_at ON processed_messages (consumer, processed_at);

CREATE TABLE queue_outbox (
  id TEXT PRIMARY KEY,
  topic TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  claimed_by TEXT,
  claimed_until INTEGER,
  sent_at INTEGER
);
CREATE INDEX queue_outbox_pending ON queue_outbox (topic, sent_at, created_at);

-- packages/queue migrations/0002: the dead letters of edgeworks-commerce-catalog-events.
CREATE TABLE dead_letters (
  id TEXT PRIMARY KEY,
  queue TEXT NOT NULL,
  body TEXT NOT NULL,
  reason TEXT,
  attempts INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  redrive_requested_at INTEGER,
  redriven_at INTEGER
);
CREATE INDEX dead_letters_queue ON dead_letters (queue, received_at);
