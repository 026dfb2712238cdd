-- jobs: queues per owner (their settings) and the kit's tables. Jobs live in each queue's
-- QueueScheduler Durable Object. Must match workers/jobs/src/schema.ts (the drift check in test/conformance.test.ts).
CREATE TABLE queues (
  id TEXT PRIMARY KEY NOT NULL,
  owner_id TEXT NOT NULL,
  name TEXT NOT NULL,
  paused INTEGER NOT NULL,
  concurrency INTEGER NOT NULL,
  rate_limit TEXT,
  default_job_options TEXT NOT NULL,
  retention TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX queues_owner_name ON queues (owner_id, name);

-- packages/http's idempotency() middleware (IDEMPOTENCY_DDL)
CREATE TABLE idempotency_keys (
  user_id TEXT NOT NULL,
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  response TEXT,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, key)
) WITHOUT ROWID;

-- packages/queue's transactional outbox, used by @edgeworks/mail (the email.send handler)
CREATE TABLE queue_outbox (
  id TEXT PRIMARY KEY,
  topic TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  claimed_by TEXT,
  claimed_until INTEGER,
  sent_at INTEGER
);
CREATE INDEX queue_outbox_pending ON queue_outbox (topic, sent_at, created_at);
