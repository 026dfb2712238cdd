import type { ProxyLogRecord } from "../../src/contract";

// Log records for the analytics tests: one per call, every field set, a fixed clock.

/** The tests' "now": 2026-12-05T12:00:00Z. */
export const NOW = Date.parse("2026-12-05T12:00:00Z");

let seq = 0;
/** A unique workspace id (tests share the database). */
export const wsId = (prefix = "ws_t") => `${prefix}_${++seq}_${Math.random().toString(36).slice(2, 8)}`;

/** A 200 GET on route rte_a a second before NOW, 12 ms; override any field. */
export const record = (over: Partial<ProxyLogRecord> = {}): ProxyLogRecord => ({
  workspaceId: "ws_x",
  requestId: `req_${++seq}`,
  at: NOW - 1000,
  routeId: "rte_a",
  serviceId: "svc_a",
  consumerId: null,
  method: "GET",
  path: "/v1/users/7",
  status: 200,
  latencyMs: 12,
  upstreamLatencyMs: 10,
  targetId: "tgt_a",
  cache: null,
  bytesIn: 0,
  bytesOut: 120,
  error: null,
  ...over,
});
