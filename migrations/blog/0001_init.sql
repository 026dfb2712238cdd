-- Blog (RealWorld "Conduit" + extras). Times are epoch milliseconds (UTC).

-- The blog profile of an accounts user (identity, email and password live in workers/accounts).
CREATE TABLE profiles (
  user_id TEXT PRIMARY KEY NOT NULL,
  username TEXT NOT NULL,
  bio TEXT,
  image TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
-- usernames are unique regardless of case ("Ann" and "ann" cannot both exist)
CREATE UNIQUE INDEX profiles_username ON profiles (username COLLATE NOCASE);

CREATE TABLE follows (
  follower_id TEXT NOT NULL,
  followee_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (follower_id, followee_id)
) WITHOUT ROWID;
CREATE INDEX follows_followee ON follows (followee_id);

CREATE TABLE categories (
  id INTEGER PRIMARY KEY,
  slug TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

-- status: draft (author only), scheduled (author only until publish_at), published (everyone).
-- published_at orders the public lists ("most recent first").
CREATE TABLE articles (
  id INTEGER PRIMARY KEY,
  slug TEXT NOT NULL UNIQUE,
  author_id TEXT NOT NULL,
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'published' CHECK (status IN ('draft', 'scheduled', 'published')),
  publish_at INTEGER,
  published_at INTEGER,
  category_id INTEGER REFERENCES categories (id) ON DELETE SET NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  CHECK (status != 'scheduled' OR publish_at IS NOT NULL),
  CHECK (status != 'published' OR published_at IS NOT NULL)
);
CREATE INDEX articles_published ON articles (published_at DESC, id DESC) WHERE status = 'published';
CREATE INDEX articles_author ON articles (author_id, published_at DESC, id DESC);
CREATE INDEX articles_category ON articles (category_id) WHERE category_id IS NOT NULL;

CREATE TABLE article_tags (
  article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  PRIMARY KEY (article_id, tag)
) WITHOUT ROWID;
CREATE INDEX article_tags_tag ON article_tags (tag);

CREATE TABLE favorites (
  user_id TEXT NOT NULL,
  article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (article_id, user_id)
) WITHOUT ROWID;
CREATE INDEX favorites_user ON favorites (user_id);

CREATE TABLE likes (
  user_id TEXT NOT NULL,
  article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (article_id, user_id)
) WITHOUT ROWID;

CREATE TABLE comments (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  author_id TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX comments_article ON comments (article_id, id);

-- Full-text search over title, description and body (external content, kept in sync by triggers).
CREATE VIRTUAL TABLE articles_fts USING fts5 (title, description, body, content = 'articles', content_rowid = 'id');
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
  INSERT INTO articles_fts (rowid, title, description, body) VALUES (new.id, new.title, new.description, new.body);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
  INSERT INTO articles_fts (articles_fts, rowid, title, description, body) VALUES ('delete', old.id, old.title, old.description, old.body);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, description, body ON articles BEGIN
  INSERT INTO articles_fts (articles_fts, rowid, title, description, body) VALUES ('delete', old.id, old.title, old.description, old.body);
  INSERT INTO articles_fts (rowid, title, description, body) VALUES (new.id, new.title, new.description, new.body);
END;

-- Avatars in R2: the key is random per upload (immutable), so it can be cached for a year.
CREATE TABLE avatars (
  key TEXT PRIMARY KEY NOT NULL,
  user_id TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  etag TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX avatars_user ON avatars (user_id);

-- Notification emails to followers when an article is published, written by the queue consumer.
-- One row per (article, follower): a redelivered message writes nothing twice.
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  article_id INTEGER NOT NULL,
  user_id TEXT NOT NULL,
  to_email TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  sent_at INTEGER,
  UNIQUE (article_id, user_id)
);
