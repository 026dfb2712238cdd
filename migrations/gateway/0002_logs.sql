-- gateway: proxied-request logs (kept 7 days) and per-route running totals (Prometheus counters).
-- Must match workers/gateway/src/analytics/schema.ts (the drift check in test/conformance.test.ts).
CREATE TABLE gateway_logs (
  id TEXT PRIMARY KEY NOT NULL,
  workspace_id TEXT NOT NULL,
  request_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  route_id TEXT,
  service_id TEXT,
  consumer_id TEXT,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  status INTEGER NOT NULL,
  latency_ms INTEGER NOT NULL,
  upstream_latency_ms INTEGER,
  target_id TEXT,
  cache TEXT,
  bytes_in INTEGER NOT NULL,
  bytes_out INTEGER NOT NULL,
  error TEXT
);

CREATE INDEX gateway_logs_workspace_at ON gateway_logs (workspace_id, at);
CREATE INDEX gateway_logs_at ON gateway_logs (at);

CREATE TABLE gateway_log_totals (
  workspace_id TEXT NOT NULL,
  route_id TEXT NOT NULL,
  status INTEGER NOT NULL,
  requests INTEGER NOT NULL,
  errors INTEGER NOT NULL,
  latency_ms_sum INTEGER NOT NULL,
  le_5 INTEGER NOT NULL,
  le_10 INTEGER NOT NULL,
  le_25 INTEGER NOT NULL,
  le_50 INTEGER NOT NULL,
  le_100 INTEGER NOT NULL,
  le_250 INTEGER NOT NULL,
  le_500 INTEGER NOT NULL,
  le_1000 INTEGER NOT NULL,
  le_2500 INTEGER NOT NULL,
  le_5000 INTEGER NOT NULL,
  le_10000 INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, route_id, status)
);
