-- commerce-notifications: one row per (order, template, channel), the fake SMS provider's messages, and
-- packages/queue's tables (processed events, the outbox, dead letters). Must match
-- workers/commerce-notifications/src/schema.ts (the drift check in test/conformance.test.ts).
CREATE TABLE notifications (
  id TEXT PRIMARY KEY NOT NULL,
  order_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  channel TEXT NOT NULL,
  template TEXT NOT NULL,
  status TEXT NOT NULL,
  reason TEXT,
  recipient TEXT,
  event_id TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX notifications_order_template_channel ON notifications (order_id, template, channel);
CREATE INDEX notifications_user_created ON notifications (user_id, created_at, id);

CREATE TABLE sms_messages (
  id TEXT PRIMARY KEY NOT NULL,
  "to" TEXT NOT NULL,
  body TEXT NOT NULL,
  notification_id TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX sms_messages_created ON sms_messages (created_at, id);

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
