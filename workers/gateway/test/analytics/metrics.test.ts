import { describe, expect, it } from "vitest";
import { escapeLabel, renderMetrics } from "../../src/analytics/metrics";
import { BUCKETS_MS } from "../../src/analytics/totals";
import type { ServiceStatus } from "../../src/health/status";

// Rendering alone: escaping, label sets, histogram arithmetic, breaker state sets.
const line = (routeId: string | null, status: number, requests: number, errors: number, latencyMsSum: number, upTo: number) => ({
  routeId,
  status,
  requests,
  errors,
  latencyMsSum,
  buckets: BUCKETS_MS.map((le) => (le >= upTo ? requests : 0)),
});
const target = (targetId: string, healthy: boolean, breaker: "closed" | "open" | "half-open") => ({
  targetId,
  url: null,
  binding: "UPSTREAM_A",
  weight: 100,
  healthy,
  breaker,
  consecutiveFailures: 0,
  window: { requests: 0, errors: 0, slow: 0 },
  openedAt: null,
  halfOpenAt: null,
  lastProbe: null,
});

describe("renderMetrics", () => {
  it("escapes backslash, double quote and line feed in label values", () => {
    expect(escapeLabel('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
  });

  it("sums a route's statuses into one histogram and labels unknown and unmatched routes", () => {
    const services: ServiceStatus[] = [
      {
        serviceId: "svc_1",
        name: "api",
        monitoring: { activeChecks: true, passive: false, breaker: true },
        available: true,
        targets: [target("tgt_1", true, "closed"), target("tgt_2", false, "half-open")],
      },
    ];
    const text = renderMetrics({
      totals: [
        line("rte_1", 200, 4, 0, 40, 10),
        line("rte_1", 503, 1, 1, 2000, 2500),
        line(null, 404, 2, 0, 2, 5),
        line('x"y', 200, 1, 0, 1, 5),
      ],
      snapshot: { routes: [{ id: "rte_1", name: "users" } as never] },
      services,
    });
    const lines = text.trimEnd().split("\n");
    expect(lines.filter((l) => !l.startsWith("#")).every((l) => /^[a-z_]+\{.*\} \S+$/.test(l))).toBe(true);
    expect(text).toContain('gateway_requests_total{route="users",route_id="rte_1",status="503"} 1\n');
    expect(text).toContain('gateway_requests_total{route="(unmatched)",route_id="",status="404"} 2\n');
    expect(text).toContain('gateway_requests_total{route="x\\"y",route_id="x\\"y",status="200"} 1\n');
    expect(text).toContain('gateway_request_errors_total{route="users",route_id="rte_1"} 1\n');
    expect(text).toContain('gateway_request_duration_seconds_bucket{route="users",route_id="rte_1",le="0.01"} 4\n');
    expect(text).toContain('gateway_request_duration_seconds_bucket{route="users",route_id="rte_1",le="1"} 4\n');
    expect(text).toContain('gateway_request_duration_seconds_bucket{route="users",route_id="rte_1",le="2.5"} 5\n');
    expect(text).toContain('gateway_request_duration_seconds_sum{route="users",route_id="rte_1"} 2.04\n');
    expect(text).toContain('gateway_request_duration_seconds_count{route="users",route_id="rte_1"} 5\n');
    expect(text).toContain('gateway_upstream_target_healthy{service="api",target="tgt_2"} 0\n');
    expect(text).toContain('gateway_circuit_breaker_state{service="api",target="tgt_2",state="half-open"} 1\n');
    expect(text).toContain('gateway_circuit_breaker_state{service="api",target="tgt_2",state="closed"} 0\n');
    // 4 lines of requests, 3 routes × (errors + 11 buckets + Inf + sum + count), 2 healthy, 2 × 3 breaker states
    expect(lines.filter((l) => !l.startsWith("#"))).toHaveLength(4 + 3 * 15 + 2 + 6);
  });
});
