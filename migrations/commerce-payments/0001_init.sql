-- commerce-payments: one payment per order, its refunds, the Stripe webhook inbox, and the queue tables
-- (outbox, processed events, dead letters). Must match workers/commerce-payments/src/schema.ts (the drift
-- check in test/conformance.test.ts).

-- One row per order (order_id unique): the charge, or the record that the order was cancelled before any
-- charge (status canceled, no PaymentIntent), so a late charge is refused. Times are epoch ms.
CREATE TABLE payments (
  id TEXT PRIMARY KEY NOT NULL,
  order_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  status TEXT NOT NULL,
  amount INTEGER NOT NULL,
  amount_refunded INTEGER NOT NULL,
  currency TEXT NOT NULL,
  payment_method TEXT,
  payment_intent_id TEXT,
  failure_code TEXT,
  failure_message TEXT,
  order_cancelled INTEGER NOT NULL,
  last_event_id TEXT,
  request_id TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX payments_order ON payments (order_id);
CREATE UNIQUE INDEX payments_intent ON payments (payment_intent_id) WHERE payment_intent_id IS NOT NULL;
CREATE INDEX payments_user_created ON payments (user_id, created_at, id);
CREATE INDEX payments_status_updated ON payments (status, updated_at);
CREATE INDEX payments_created ON payments (created_at, id);

-- Refunds made by Stripe (id = the Stripe refund id, re_…).
CREATE TABLE refunds (
  id TEXT PRIMARY KEY NOT NULL,
  payment_id TEXT NOT NULL,
  order_id TEXT NOT NULL,
  amount INTEGER NOT NULL,
  currency TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX refunds_payment ON refunds (payment_id);

-- The webhook inbox: each Stripe event id once.
CREATE TABLE stripe_events (
  id TEXT PRIMARY KEY NOT NULL,
  type TEXT NOT NULL,
  object_id TEXT,
  created INTEGER NOT NULL,
  received_at INTEGER NOT NULL
);

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
