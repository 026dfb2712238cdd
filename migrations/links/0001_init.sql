-- URL shortener. Matches workers/links/src/schema.ts; times are epoch milliseconds.
CREATE TABLE links (
  id TEXT PRIMARY KEY NOT NULL,
  -- case-sensitive, unique forever (a deleted slug is never handed to someone else)
  slug TEXT NOT NULL UNIQUE,
  -- NULL for anonymous links: nobody can list, edit or delete them
  user_id TEXT,
  url TEXT NOT NULL,
  title TEXT,
  redirect_type INTEGER NOT NULL DEFAULT 302 CHECK (redirect_type IN (301, 302, 307, 308)),
  expires_at INTEGER,
  max_clicks INTEGER CHECK (max_clicks IS NULL OR max_clicks > 0),
  expired_url TEXT,
  password_hash TEXT,
  tags TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags) AND json_type(tags) = 'array'),
  rules TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(rules) AND json_type(rules) = 'array'),
  pass_query INTEGER NOT NULL DEFAULT 0 CHECK (pass_query IN (0, 1)),
  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  -- all recorded clicks (humans and bots), kept by the click consumer
  clicks INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted_at INTEGER
);

-- Lists are one user's live links, newest first, ties broken by id.
CREATE INDEX links_user_created ON links (user_id, created_at, id) WHERE deleted_at IS NULL;

-- Click counts per link per hour (hour = epoch ms of the hour's start, UTC).
CREATE TABLE link_clicks_hourly (
  link_id TEXT NOT NULL,
  hour INTEGER NOT NULL,
  clicks INTEGER NOT NULL DEFAULT 0,
  humans INTEGER NOT NULL DEFAULT 0,
  bots INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (link_id, hour)
) WITHOUT ROWID;

-- Click counts per link per hour per dimension value (referrer, country, city, device, browser, os).
CREATE TABLE link_click_dimensions (
  link_id TEXT NOT NULL,
  hour INTEGER NOT NULL,
  dimension TEXT NOT NULL CHECK (dimension IN ('referrer', 'country', 'city', 'device', 'browser', 'os')),
  value TEXT NOT NULL,
  clicks INTEGER NOT NULL DEFAULT 0,
  humans INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (link_id, dimension, hour, value)
) WITHOUT ROWID;

-- Click messages already counted, by key (the id of a batch of clicks, or of a single click), so a
-- redelivered message or a duplicate send is counted once. Rows older than the queue's retry horizon
-- are pruned by the consumer.
CREATE TABLE processed_clicks (
  event_id TEXT PRIMARY KEY NOT NULL,
  processed_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX processed_clicks_at ON processed_clicks (processed_at);
