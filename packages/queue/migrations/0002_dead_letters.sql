-- The dead-letter store of @edgeworks/queue (must match `deadLetters` in packages/queue/src/schema.ts). A
-- product whose Worker consumes its own DLQ with defineDeadLetterConsumer copies this into its own
-- numbered migration under migrations/<db>/.
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
