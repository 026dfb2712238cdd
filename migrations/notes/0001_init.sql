-- Notes API schema. Times are epoch milliseconds; soft deletes use deleted_at.
-- Must match workers/notes/src/schema.ts.

-- Nested notebooks: parent_id is another notebook of the same user (NULL at the top level).
-- Deleting a notebook soft-deletes its subtree and trashes its notes; restoring a note revives its notebook chain.
CREATE TABLE notebooks (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  parent_id TEXT,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted_at INTEGER
) STRICT;
CREATE INDEX notebooks_user_live ON notebooks (user_id, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX notebooks_parent ON notebooks (parent_id);
CREATE INDEX notebooks_purge ON notebooks (deleted_at) WHERE deleted_at IS NOT NULL;

-- seq is the integer rowid the FTS5 index refers to (an explicit INTEGER PRIMARY KEY, so VACUUM never renumbers it).
-- user_id is the owner (the notebook's owner, also when an editor of a shared notebook created the note).
-- version counts every change: it is the ETag, and PATCH with a stale If-Match is refused.
CREATE TABLE notes (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL,
  notebook_id TEXT NOT NULL,
  title TEXT NOT NULL,
  content TEXT NOT NULL,
  tags TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags) AND json_type(tags) = 'array'),
  pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
  archived_at INTEGER,
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted_at INTEGER
) STRICT;
CREATE INDEX notes_user_list ON notes (user_id, pinned DESC, updated_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX notes_notebook_list ON notes (notebook_id, pinned DESC, updated_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX notes_notebook ON notes (notebook_id);
CREATE INDEX notes_trash ON notes (user_id, deleted_at DESC, id DESC) WHERE deleted_at IS NOT NULL;
CREATE INDEX notes_purge ON notes (deleted_at) WHERE deleted_at IS NOT NULL;

-- Full-text index over title, content and tags (the JSON array text tokenizes to its tags), kept in sync by triggers.
CREATE VIRTUAL TABLE notes_fts USING fts5 (
  title, content, tags,
  content = 'notes', content_rowid = 'seq',
  tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER notes_fts_insert AFTER INSERT ON notes BEGIN
  INSERT INTO notes_fts (rowid, title, content, tags) VALUES (new.seq, new.title, new.content, new.tags);
END;
CREATE TRIGGER notes_fts_delete AFTER DELETE ON notes BEGIN
  INSERT INTO notes_fts (notes_fts, rowid, title, content, tags) VALUES ('delete', old.seq, old.title, old.content, old.tags);
END;
CREATE TRIGGER notes_fts_update AFTER UPDATE OF title, content, tags ON notes BEGIN
  INSERT INTO notes_fts (notes_fts, rowid, title, content, tags) VALUES ('delete', old.seq, old.title, old.content, old.tags);
  INSERT INTO notes_fts (rowid, title, content, tags) VALUES (new.seq, new.title, new.content, new.tags);
END;

-- One row per title/content state of a note (the first is the note as created).
-- (note_id, version) is unique: two concurrent edits of one version cannot both record a revision.
CREATE TABLE revisions (
  id TEXT PRIMARY KEY,
  note_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  title TEXT NOT NULL,
  content TEXT NOT NULL,
  author_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (note_id, version)
) STRICT;

-- A note or a notebook (and so its subtree) shared with another user as viewer or editor.
CREATE TABLE shares (
  item_type TEXT NOT NULL CHECK (item_type IN ('note', 'notebook')),
  item_id TEXT NOT NULL,
  owner_id TEXT NOT NULL,
  grantee_id TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('viewer', 'editor')),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (item_type, item_id, grantee_id)
) STRICT;
CREATE INDEX shares_grantee ON shares (grantee_id, created_at DESC, item_id);

-- A revocable read-only link to a note; only the SHA-256 of the token is stored.
CREATE TABLE public_links (
  note_id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
) STRICT;

-- Files attached to a note; the bytes are in R2 under r2_key.
CREATE TABLE attachments (
  id TEXT PRIMARY KEY,
  note_id TEXT NOT NULL,
  owner_id TEXT NOT NULL,
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  r2_key TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX attachments_note ON attachments (note_id, created_at, id);
