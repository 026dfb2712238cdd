-- The transactional outbox of @edgeworks/queue (packages/queue/src/schema.ts, the same table as
-- packages/queue/migrations/0001_queue_tables.sql): follower emails, written in the batch that records
-- the blog's own outbox rows and drained to the mail service's queue (topic "mail").
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
