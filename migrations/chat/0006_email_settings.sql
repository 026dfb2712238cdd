-- Chat notification emails: a per-user switch with the unsubscribe link's token, and a throttle of one
-- email per (recipient, room) per 15 minutes (workers/chat/src/queues/email-tables.ts).

-- One row per user who was ever emailed or changed the setting; no row = emails on. `unsubscribe_token`
-- (32 random bytes, base64url) is in every chat email's unsubscribe link and can only turn emails off.
CREATE TABLE email_settings (
  user_id TEXT PRIMARY KEY,
  email INTEGER NOT NULL DEFAULT 1 CHECK (email IN (0, 1)),
  unsubscribe_token TEXT NOT NULL UNIQUE,
  updated_at INTEGER NOT NULL
) STRICT;

-- The open email window of each (recipient, room): `message_id` (sent at `window_start`, ms) got the
-- email; later messages of the room are covered by it until window_start + 15 minutes.
CREATE TABLE email_windows (
  user_id TEXT NOT NULL,
  room_id TEXT NOT NULL,
  window_start INTEGER NOT NULL,
  message_id TEXT NOT NULL,
  PRIMARY KEY (user_id, room_id)
) STRICT, WITHOUT ROWID;
