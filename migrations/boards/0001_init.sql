-- Boards API: the cross-board index. Each board's own state (lists, cards, positions, versions, events)
-- lives in its Board Durable Object; D1 holds what spans boards, kept in sync by the Durable Object.

-- Who belongs to which board, and as what (mirror of the board's own member table): "my boards",
-- the cheap 404 for strangers before a Durable Object is touched, and the calendar feed's boards.
CREATE TABLE board_members (
  board_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'member', 'observer')),
  board_name TEXT NOT NULL,
  is_template INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL, -- the board's creation time (ms)
  PRIMARY KEY (board_id, user_id)
) STRICT;
CREATE INDEX board_members_user ON board_members (user_id, created_at DESC, board_id);

-- One iCalendar feed per user: only the SHA-256 of the secret is stored and looked up.
CREATE TABLE calendar_feeds (
  user_id TEXT PRIMARY KEY,
  secret_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
) STRICT;
