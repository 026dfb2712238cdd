-- shop: orders, their lines and timeline, refunds, the Stripe event inbox and the transactional outbox.
-- Must match workers/shop/src/orders/schema.ts (the drift check in test/conformance.test.ts).
-- Money is integer minor units of `currency` (uppercase ISO 4217); times are epoch ms.

-- state: pending_payment | paid | fulfilled | delivered | cancelled | refunded | partially_refunded.
-- `number` is the human order number (1001, 1002, …; one INSERT … SELECT MAX+1 statement, serialised by D1).
-- `hold_expires_at`: while pending_payment the stock is held by `order:<id>` until then; the cron cancels
-- orders still unpaid after it. `refund_due`: paid money that must be refunded (a payment that arrived for a
-- cancelled order, or a paid order cancelled): the webhook and the cron retry the Stripe refund until done.
CREATE TABLE orders (
  id TEXT PRIMARY KEY NOT NULL,
  number INTEGER NOT NULL UNIQUE,
  user_id TEXT NOT NULL,
  email TEXT,
  state TEXT NOT NULL,
  currency TEXT NOT NULL,
  subtotal INTEGER NOT NULL,
  discount INTEGER NOT NULL DEFAULT 0,
  tax INTEGER NOT NULL DEFAULT 0,
  tax_rate_bps INTEGER NOT NULL DEFAULT 0,
  shipping INTEGER NOT NULL DEFAULT 0,
  total INTEGER NOT NULL,
  amount_paid INTEGER NOT NULL DEFAULT 0,
  amount_refunded INTEGER NOT NULL DEFAULT 0,
  refund_due INTEGER NOT NULL DEFAULT 0,
  country TEXT NOT NULL,
  shipping_method TEXT NOT NULL,
  coupon_id TEXT,
  coupon_code TEXT,
  payment_intent_id TEXT UNIQUE,
  payment_error TEXT,
  stock_committed INTEGER NOT NULL DEFAULT 0,
  hold_expires_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  paid_at INTEGER,
  fulfilled_at INTEGER,
  delivered_at INTEGER,
  cancelled_at INTEGER
);
CREATE INDEX orders_user ON orders (user_id, created_at, id);
CREATE INDEX orders_state ON orders (state, created_at, id);
CREATE INDEX orders_paid ON orders (paid_at) WHERE paid_at IS NOT NULL;
CREATE INDEX orders_hold ON orders (hold_expires_at) WHERE state = 'pending_payment';
CREATE INDEX orders_refund_due ON orders (refund_due) WHERE refund_due > 0;

-- The order's lines as bought (a snapshot: later catalog changes do not touch them).
CREATE TABLE order_lines (
  id TEXT PRIMARY KEY NOT NULL,
  order_id TEXT NOT NULL REFERENCES orders (id),
  product_id TEXT NOT NULL,
  variant_id TEXT NOT NULL,
  sku TEXT NOT NULL,
  title TEXT NOT NULL,
  unit_price INTEGER NOT NULL,
  quantity INTEGER NOT NULL,
  total INTEGER NOT NULL,
  refunded_quantity INTEGER NOT NULL DEFAULT 0,
  position INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX order_lines_order ON order_lines (order_id, position);
CREATE INDEX order_lines_product ON order_lines (product_id);

-- The timeline: every state change (and payment failures, refunds) with its time, actor and reason.
-- actor: `user:<id>`, `admin:<id>`, `stripe`, `system`.
CREATE TABLE order_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  order_id TEXT NOT NULL REFERENCES orders (id),
  type TEXT NOT NULL,
  from_state TEXT,
  to_state TEXT,
  actor TEXT NOT NULL,
  reason TEXT,
  at INTEGER NOT NULL
);
CREATE INDEX order_events_order ON order_events (order_id, id);

-- Refunds: through the API (source api), from Stripe's charge.refunded (source stripe: refunds made
-- in the Stripe dashboard) or automatic (source system: a payment for a cancelled order).
-- state: pending (the Stripe call not yet answered) | succeeded | failed.
CREATE TABLE refunds (
  id TEXT PRIMARY KEY NOT NULL,
  order_id TEXT NOT NULL REFERENCES orders (id),
  amount INTEGER NOT NULL,
  currency TEXT NOT NULL,
  reason TEXT NOT NULL,
  state TEXT NOT NULL,
  source TEXT NOT NULL,
  restock INTEGER NOT NULL DEFAULT 0,
  stripe_refund_id TEXT UNIQUE,
  failure TEXT,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX refunds_order ON refunds (order_id, created_at);

CREATE TABLE refund_lines (
  refund_id TEXT NOT NULL REFERENCES refunds (id),
  line_id TEXT NOT NULL REFERENCES order_lines (id),
  quantity INTEGER NOT NULL,
  PRIMARY KEY (refund_id, line_id)
) WITHOUT ROWID;

-- The webhook inbox: each Stripe event once, by its evt_ id (a redelivery is a no-op).
CREATE TABLE stripe_events (
  id TEXT PRIMARY KEY NOT NULL,
  type TEXT NOT NULL,
  object_id TEXT,
  created INTEGER NOT NULL,
  received_at INTEGER NOT NULL
);

-- The transactional outbox of @edgeworks/queue (packages/queue/src/schema.ts): shop events (topic
-- "shop-events", drained to EVENTS_QUEUE) and emails (topic "mail", drained to MAIL_QUEUE).
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
