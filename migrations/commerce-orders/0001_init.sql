-- commerce-orders: orders, their lines and saga log, idempotency keys, and packages/queue's tables.
-- Must match workers/commerce-orders/src/schema.ts (the drift check in test/conformance.test.ts).
CREATE TABLE orders (
  id TEXT PRIMARY KEY NOT NULL,
  user_id TEXT NOT NULL,
  status TEXT NOT NULL,
  cancel_reason TEXT,
  payment_status TEXT NOT NULL,
  amount INTEGER NOT NULL,
  currency TEXT NOT NULL,
  payment_method TEXT NOT NULL,
  address_id TEXT,
  request_id TEXT,
  charged_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  version INTEGER NOT NULL
);
CREATE INDEX orders_user_created ON orders (user_id, created_at, id);
CREATE INDEX orders_created ON orders (created_at, id);
CREATE INDEX orders_open ON orders (status, created_at) WHERE status IN ('pending', 'awaiting_payment');

CREATE TABLE order_lines (
  order_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  product_id TEXT NOT NULL,
  sku TEXT NOT NULL,
  name TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  unit_amount INTEGER NOT NULL,
  PRIMARY KEY (order_id, position)
);

CREATE TABLE order_events (
  id TEXT PRIMARY KEY NOT NULL,
  order_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  type TEXT NOT NULL,
  service TEXT NOT NULL,
  occurred_at INTEGER NOT NULL,
  recorded_at INTEGER NOT NULL,
  causation_id TEXT,
  order_version INTEGER,
  outcome TEXT,
  payload TEXT NOT NULL
);
CREATE INDEX order_events_order ON order_events (order_id, recorded_at);
CREATE UNIQUE INDEX order_events_version ON order_events (order_id, order_version) WHERE order_version IS NOT NULL;

CREATE TABLE idempotency_keys (
  user_id TEXT NOT NULL,
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  response TEXT,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, key)
) WITHOUT ROWID;

-- packages/queue/migrations/0001_queue_tables.sql
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

-- packages/queue/migrations/0002_dead_letters.sql
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
