-- The tables of @edgeworks/queue (must match packages/queue/src/schema.ts). A product copies the part
-- it uses into its own numbered migration under migrations/<db>/.

-- Idempotent consumers: one row per handled message (consumer name + message id or body key).
CREATE TABLE processed_messages (
  consumer TEXT NOT NULL,
  message_key TEXT NOT NULL,
  processed_at INTEGER NOT NULL,
  PRIMARY KEY (consumer, message_key)
);
CREATE INDEX processed_messages_at ON processed_messages (consumer, processed_at);

-- The transactional outbox: written with the change that causes it, drained to a Queue.
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
