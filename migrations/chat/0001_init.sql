-- Chat API: rooms and memberships (authorisation at the Worker edge; the room's Durable Object holds
-- the messages), the message search index fed by a Queue, Web Push subscriptions and the
-- notification outbox. Times are epoch milliseconds.

CREATE TABLE rooms (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('dm', 'group')),
  name TEXT,
  -- one-on-one rooms only: the two user ids, sorted, as JSON; makes "the DM of a and b" unique
  dm_key TEXT UNIQUE,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  -- created_at, then the time of the newest indexed message (set by the search indexer)
  last_activity_at INTEGER NOT NULL,
  deleted_at INTEGER
) STRICT;

CREATE TABLE room_members (
  room_id TEXT NOT NULL REFERENCES rooms (id),
  user_id TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  joined_at INTEGER NOT NULL,
  PRIMARY KEY (room_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX room_members_user ON room_members (user_id, room_id);

-- One row per message, kept in step with the room's event log by the search Queue consumer;
-- `version` is the seq of the last event applied, so a late or repeated event never undoes a newer one.
CREATE TABLE message_index (
  id INTEGER PRIMARY KEY,
  message_id TEXT NOT NULL UNIQUE,
  room_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  version INTEGER NOT NULL,
  user_id TEXT NOT NULL,
  text TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  deleted_at INTEGER
) STRICT;
CREATE INDEX message_index_room ON message_index (room_id, seq);

CREATE VIRTUAL TABLE message_fts USING fts5 (
  text,
  content = 'message_index',
  content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER message_index_ai AFTER INSERT ON message_index BEGIN
  INSERT INTO message_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER message_index_ad AFTER DELETE ON message_index BEGIN
  INSERT INTO message_fts (message_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER message_index_au AFTER UPDATE OF text ON message_index BEGIN
  INSERT INTO message_fts (message_fts, rowid, text) VALUES ('delete', old.id, old.text);
  INSERT INTO message_fts (rowid, text) VALUES (new.id, new.text);
END;

CREATE TABLE push_subscriptions (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  p256dh TEXT NOT NULL,
  auth TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (user_id, endpoint)
) STRICT;

-- Every notification for an offline member (id = "<messageId>:<userId>", so a redelivered Queue
-- message records it once); in dev read through GET /chat/v1/dev/outbox.
CREATE TABLE notifications (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  room_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  sender_id TEXT NOT NULL,
  body TEXT NOT NULL,
  pushed INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX notifications_user ON notifications (user_id, created_at);
