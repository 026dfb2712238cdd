-- Display names of the users who are members of rooms, copied from accounts (getUsers /
-- findUserByEmail) when they are invited, join or open a one-on-one room, so listing rooms never calls
-- accounts. One row per user (not per membership): a refresh shows in every room at once. Never the
-- email: other members see names only. `name` is NULL when accounts has none.
CREATE TABLE user_names (
  user_id TEXT PRIMARY KEY,
  name TEXT,
  updated_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
