-- Todo API. Matches workers/todo/src/schema.ts; times are epoch milliseconds.
CREATE TABLE todos (
  id TEXT PRIMARY KEY NOT NULL,
  user_id TEXT NOT NULL,
  title TEXT NOT NULL,
  description TEXT,
  completed_at INTEGER,
  due_at INTEGER,
  -- rank: 0 low, 1 medium, 2 high, 3 urgent
  priority INTEGER NOT NULL DEFAULT 1,
  -- JSON array of strings, deduplicated ignoring ASCII case
  tags TEXT NOT NULL DEFAULT '[]',
  position REAL NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted_at INTEGER,
  CONSTRAINT todos_priority_rank CHECK (priority BETWEEN 0 AND 3),
  CONSTRAINT todos_tags_array CHECK (json_valid(tags) AND json_type(tags) = 'array')
);

-- Every list query is one user's live todos ordered by one sort column, ties broken by id.
CREATE INDEX todos_user_created ON todos (user_id, created_at, id) WHERE deleted_at IS NULL;
-- dueAt puts todos without a due time last in both orders: one index per order
CREATE INDEX todos_user_due_asc ON todos (user_id, due_at IS NULL, due_at, id) WHERE deleted_at IS NULL;
CREATE INDEX todos_user_due_desc ON todos (user_id, due_at IS NOT NULL, due_at, id) WHERE deleted_at IS NULL;
CREATE INDEX todos_user_priority ON todos (user_id, priority, id) WHERE deleted_at IS NULL;
CREATE INDEX todos_user_position ON todos (user_id, position, id) WHERE deleted_at IS NULL;

-- Idempotency-Key of creates: the first response, replayed to retries for 24 hours.
CREATE TABLE idempotency_keys (
  user_id TEXT NOT NULL,
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  todo_id TEXT NOT NULL,
  response TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, key)
) WITHOUT ROWID;
