-- Issue 10: a changed email stays pending until the new address is verified, and the old address gets
-- a one-time link that reverts the change. SQLite cannot alter a CHECK constraint, so the two tables
-- whose `kind` lists grow are rebuilt (same columns and indexes, rows copied).

ALTER TABLE users ADD COLUMN pending_email TEXT;

CREATE TABLE one_time_tokens_next (
  token_hash TEXT PRIMARY KEY NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('email_verification', 'password_reset', 'email_revert')),
  user_id TEXT NOT NULL,
  email TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);
INSERT INTO one_time_tokens_next SELECT token_hash, kind, user_id, email, created_at, expires_at, used_at FROM one_time_tokens;
DROP TABLE one_time_tokens;
ALTER TABLE one_time_tokens_next RENAME TO one_time_tokens;
CREATE INDEX one_time_tokens_user ON one_time_tokens (user_id, kind) WHERE used_at IS NULL;

CREATE TABLE outbox_next (
  id TEXT PRIMARY KEY NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('email_verification', 'password_reset', 'email_change_notice')),
  to_email TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  payload TEXT NOT NULL CHECK (json_valid(payload)),
  created_at INTEGER NOT NULL,
  sent_at INTEGER
);
INSERT INTO outbox_next SELECT id, kind, to_email, subject, body, payload, created_at, sent_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_next RENAME TO outbox;
CREATE INDEX outbox_created ON outbox (created_at);
CREATE INDEX outbox_to_created ON outbox (to_email, created_at);
CREATE INDEX outbox_unsent ON outbox (created_at) WHERE sent_at IS NULL;
