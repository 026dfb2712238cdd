-- Accounts' emails (verification, reset, email-change notice) also go to the mail service: the
-- transactional outbox of @edgeworks/queue (packages/queue/src/schema.ts), written in the same batch
-- as the `outbox` row the dev outbox page reads, drained to the edgeworks-mail queue.
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
