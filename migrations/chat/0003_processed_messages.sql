-- Notify messages already handled (packages/queue's idempotent consumers): one row per consumer and
-- key (the chat message id for "chat-notify"), pruned after 7 days. Same table as
-- packages/queue/migrations/0001_queue_tables.sql and its drizzle definition, re-exported by src/schema.ts.
CREATE TABLE processed_messages (
  consumer TEXT NOT NULL,
  message_key TEXT NOT NULL,
  processed_at INTEGER NOT NULL,
  PRIMARY KEY (consumer, message_key)
);
CREATE INDEX processed_messages_at ON processed_messages (consumer, processed_at);
