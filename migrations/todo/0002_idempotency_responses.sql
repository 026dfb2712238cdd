-- Idempotency keys move to packages/http's idempotency() middleware, which stores the whole response
-- (status, replayed headers, body) and marks a key whose first request is still running with a NULL
-- response. Keys already stored keep replaying: their todo becomes a stored 201 with its Location.
CREATE TABLE idempotency_keys_new (
  user_id TEXT NOT NULL,
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  response TEXT,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, key)
) WITHOUT ROWID;

INSERT INTO idempotency_keys_new (user_id, key, request_hash, response, created_at)
SELECT user_id, key, request_hash,
  json_object('status', 201, 'headers', json_object('content-type', 'application/json', 'location', '/todo/v1/todos/' || todo_id), 'body', response),
  created_at
FROM idempotency_keys;

DROP TABLE idempotency_keys;
ALTER TABLE idempotency_keys_new RENAME TO idempotency_keys;
