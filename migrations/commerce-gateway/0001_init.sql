-- commerce-gateway: the log sink of the commerce services. Must match workers/commerce-gateway/src/schema.ts (the drift check in test/conformance.test.ts).
CREATE TABLE logs (
  id TEXT PRIMARY KEY NOT NULL,
  time INTEGER NOT NULL,
  level TEXT NOT NULL,
  service TEXT NOT NULL,
  msg TEXT NOT NULL,
  request_id TEXT,
  correlation_id TEXT,
  fields TEXT NOT NULL,
  received_at INTEGER NOT NULL
);

CREATE INDEX logs_correlation_time ON logs (correlation_id, time, id);
CREATE INDEX logs_request_time ON logs (request_id, time, id);
CREATE INDEX logs_time ON logs (time, id);
