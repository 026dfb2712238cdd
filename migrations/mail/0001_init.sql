-- The mail service (workers/mail). Must match workers/mail/src/schema.ts (the drift check in test/conformance.test.ts).

-- packages/queue: the consumer's idempotency (consumer "mail", key = the email's id).
CREATE TABLE processed_messages (
  consumer TEXT NOT NULL,
  message_key TEXT NOT NULL,
  processed_at INTEGER NOT NULL,
  PRIMARY KEY (consumer, message_key)
);
CREATE INDEX processed_messages_at ON processed_messages (consumer, processed_at);

-- packages/mail: what MAIL_PROVIDER=capture kept (pnpm dev), listed at GET /mail/v1/dev/messages in dev mode.
CREATE TABLE captured_mail (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  from_address TEXT NOT NULL,
  to_address TEXT NOT NULL,
  reply_to TEXT,
  subject TEXT NOT NULL,
  text TEXT NOT NULL,
  html TEXT NOT NULL,
  captured_at INTEGER NOT NULL
);
CREATE INDEX captured_mail_at ON captured_mail (captured_at);

-- The last state of each email: sent (final), retrying (last temporary error) or failed (refused).
CREATE TABLE mail_deliveries (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  to_address TEXT NOT NULL,
  status TEXT NOT NULL,
  provider TEXT NOT NULL,
  provider_id TEXT,
  attempts INTEGER NOT NULL,
  error TEXT,
  updated_at INTEGER NOT NULL
);
CREATE INDEX mail_deliveries_status ON mail_deliveries (status, updated_at);

-- What reached edgeworks-mail-dlq; set redrive_requested_at to have the cron send an email back.
CREATE TABLE mail_dead_letters (
  id TEXT PRIMARY KEY,
  mail_id TEXT,
  reason TEXT NOT NULL,
  body TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  redrive_requested_at INTEGER,
  redriven_at INTEGER
);
CREATE INDEX mail_dead_letters_received ON mail_dead_letters (received_at);
CREATE INDEX mail_dead_letters_redrive ON mail_dead_letters (redrive_requested_at, redriven_at);
