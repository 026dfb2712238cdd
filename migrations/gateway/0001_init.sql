-- gateway: workspaces, members, config versions, consumer keys, cache generations, workspace hosts.
-- Must match workers/gateway/src/schema.ts (the drift check in test/conformance.test.ts).
CREATE TABLE workspaces (
  id TEXT PRIMARY KEY NOT NULL,
  slug TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  current_version INTEGER NOT NULL,
  revision INTEGER NOT NULL
);

CREATE TABLE workspace_members (
  workspace_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  role TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, user_id)
);

CREATE INDEX workspace_members_user ON workspace_members (user_id, workspace_id);

-- the primary key makes a lost race fail: two writers of version N+1 cannot both insert it
CREATE TABLE config_versions (
  workspace_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  config TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  message TEXT NOT NULL,
  PRIMARY KEY (workspace_id, version)
);

CREATE TABLE consumer_keys (
  id TEXT PRIMARY KEY NOT NULL,
  workspace_id TEXT NOT NULL,
  consumer_id TEXT NOT NULL,
  key_hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);

CREATE INDEX consumer_keys_consumer ON consumer_keys (workspace_id, consumer_id, created_at);

CREATE TABLE cache_generations (
  workspace_id TEXT NOT NULL,
  route_id TEXT NOT NULL,
  generation INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, route_id)
);

CREATE TABLE workspace_hosts (
  host TEXT PRIMARY KEY NOT NULL,
  workspace_id TEXT NOT NULL
);

CREATE INDEX workspace_hosts_workspace ON workspace_hosts (workspace_id);

-- packages/http's idempotency() middleware (retried creates)
CREATE TABLE idempotency_keys (
  user_id TEXT NOT NULL,
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  response TEXT,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, key)
) WITHOUT ROWID;
