-- Identity (workers/accounts). Matches workers/accounts/src/schema.ts; times are epoch milliseconds.
-- Secrets are stored only as hashes: PBKDF2 for passwords, SHA-256 for random tokens and API keys.

CREATE TABLE users (
  id TEXT PRIMARY KEY NOT NULL,
  -- normalised (trimmed, lower case) by the service, so this index makes uniqueness case-insensitive
  email TEXT NOT NULL,
  name TEXT,
  password_hash TEXT NOT NULL,
  email_verified_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (email);

-- A session is one refresh-token family; its id is the access token's `sid` claim.
CREATE TABLE sessions (
  id TEXT PRIMARY KEY NOT NULL,
  user_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Rotating refresh tokens (SHA-256). used_at/replaced_by mark a rotated token: presenting it again is reuse.
CREATE TABLE refresh_tokens (
  token_hash TEXT PRIMARY KEY NOT NULL,
  session_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  replaced_by TEXT
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

-- Single-use email-verification and password-reset tokens (SHA-256).
CREATE TABLE one_time_tokens (
  token_hash TEXT PRIMARY KEY NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('email_verification', 'password_reset')),
  user_id TEXT NOT NULL,
  email TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);
CREATE INDEX one_time_tokens_user ON one_time_tokens (user_id, kind) WHERE used_at IS NULL;

-- API keys: found by their visible prefix, compared by SHA-256 of the whole key.
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY NOT NULL,
  user_id TEXT NOT NULL,
  name TEXT NOT NULL,
  prefix TEXT NOT NULL,
  key_hash TEXT NOT NULL,
  -- JSON array of scope strings
  scopes TEXT NOT NULL CHECK (json_valid(scopes) AND json_type(scopes) = 'array'),
  created_at INTEGER NOT NULL,
  last_used_at INTEGER,
  expires_at INTEGER,
  revoked_at INTEGER
);
CREATE UNIQUE INDEX api_keys_prefix ON api_keys (prefix);
CREATE INDEX api_keys_user_created ON api_keys (user_id, created_at, id) WHERE revoked_at IS NULL;

-- Emails waiting for the sender, which sets sent_at. payload: JSON object with the template data and links.
CREATE TABLE outbox (
  id TEXT PRIMARY KEY NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('email_verification', 'password_reset')),
  to_email TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  payload TEXT NOT NULL CHECK (json_valid(payload)),
  created_at INTEGER NOT NULL,
  sent_at INTEGER
);
-- listed newest first; rowid (part of every index) breaks ties in insertion order
CREATE INDEX outbox_created ON outbox (created_at);
CREATE INDEX outbox_to_created ON outbox (to_email, created_at);
CREATE INDEX outbox_unsent ON outbox (created_at) WHERE sent_at IS NULL;
