-- gateway: items owned by a user, soft-deleted. Must match workers/gateway/src/schema.ts (the drift check in test/conformance.test.ts).
CREATE TABLE items (
  id TEXT PRIMARY KEY NOT NULL,
  user_id TEXT NOT NULL,
  name TEXT NOT NULL,
  note TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted_at INTEGER
);

CREATE INDEX items_user_created ON items (user_id, created_at, id) WHERE deleted_at IS NULL;
