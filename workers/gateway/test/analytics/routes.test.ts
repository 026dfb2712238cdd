import { beforeAll, describe, expect, it } from "vitest";
import { addMember, api, call, createWorkspace, newUser, type Workspace } from "../helpers";
import { NOW, record } from "./records";
import { seed, seededSet } from "./seed";

// The observability API through the Worker: analytics (exact, with names), Prometheus metrics (format and
// values), status (C2's health per target), members only (a stranger gets 404), bad parameters 422.
const FROM = new Date(NOW - 60 * 60_000).toISOString();
const TO = new Date(NOW).toISOString();
let owner = { id: "", token: "", email: "" };
let ws: Workspace;
const ids = { route: "", consumer: "", service: "", targets: [] as string[] };
const at = () => `/workspaces/${ws.slug}`;

type Row = {
  key: string | null;
  name: string | null;
  count: number;
  errors: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
};

beforeAll(async () => {
  owner = await newUser();
  ws = await createWorkspace(owner.token);
  const { config } = await api.ok<{ config: Record<string, { id: string; targets?: { id: string }[] }[]> }>(
    call("PUT", `${at()}/config`, owner.token, {
      services: [
        {
          name: "users-api",
          targets: [{ url: "https://users.example.com" }, { url: "https://users2.example.com" }],
          circuitBreaker: { windowSeconds: 30, minRequests: 10, errorRatePercent: 50, openSeconds: 30, halfOpenProbes: 1 },
        },
      ],
      routes: [{ name: "users", paths: ["/v1/users/*"], service: "users-api" }],
      consumers: [{ username: "mobile" }],
    }),
  );
  ids.route = config.routes?.[0]?.id as string;
  ids.consumer = config.consumers?.[0]?.id as string;
  ids.service = config.services?.[0]?.id as string;
  ids.targets = (config.services?.[0]?.targets ?? []).map((t) => t.id);
  // the seeded set with the real route id for rte_a and the real consumer for csm_1
  await seed(
    seededSet(ws.id).map((r) => ({
      ...r,
      routeId: r.routeId === "rte_a" ? ids.route : r.routeId,
      consumerId: r.consumerId === "csm_1" ? ids.consumer : r.consumerId,
    })),
  );
});

describe("GET /workspaces/{ws}/analytics", () => {
  it("groups by route with exact numbers and the routes' current names", async () => {
    const body = await api.ok<{ from: string; to: string; groupBy: string; totals: object; rows: Row[] }>(
      call("GET", `${at()}/analytics?from=${FROM}&to=${TO}&groupBy=route`, owner.token),
    );
    expect(body.from).toBe(FROM);
    expect(body.to).toBe(TO);
    expect(body.groupBy).toBe("route");
    expect(body.totals).toEqual({ count: 104, errors: 11, errorRate: 11 / 104, p50: 49, p95: 96, p99: 100 });
    expect(body.rows).toEqual([
      { key: ids.route, name: "users", count: 100, errors: 10, errorRate: 0.1, p50: 50, p95: 95, p99: 99 },
      { key: "rte_b", name: null, count: 3, errors: 1, errorRate: 1 / 3, p50: 7, p95: 300, p99: 300 },
      { key: null, name: null, count: 1, errors: 0, errorRate: 0, p50: 2, p95: 2, p99: 2 },
    ]);
  });

  it("groups by consumer (names from the config) and by status", async () => {
    const consumers = await api.ok<{ rows: Row[] }>(call("GET", `${at()}/analytics?from=${FROM}&to=${TO}&groupBy=consumer`, owner.token));
    expect(consumers.rows.map((r) => [r.key, r.name, r.count, r.p50, r.p95, r.p99])).toEqual([
      [null, null, 61, 70, 97, 100],
      [ids.consumer, "mobile", 40, 20, 38, 40],
      ["csm_b", null, 3, 7, 300, 300],
    ]);
    const statuses = await api.ok<{ rows: Row[] }>(call("GET", `${at()}/analytics?from=${FROM}&to=${TO}&groupBy=status`, owner.token));
    expect(statuses.rows.map((r) => [r.key, r.count, r.errors, r.p50])).toEqual([
      ["200", 92, 0, 49],
      ["500", 10, 10, 50],
      ["404", 1, 0, 2],
      ["502", 1, 1, 7],
    ]);
  });

  it("defaults to the last hour up to now, grouped by route", async () => {
    const mine = await createWorkspace(owner.token);
    const before = Date.now();
    await seed([record({ workspaceId: mine.id, at: before - 60_000 }), record({ workspaceId: mine.id, at: before - 61 * 60_000 })]);
    const body = await api.ok<{ groupBy: string; totals: { count: number }; rows: Row[]; from: string; to: string }>(
      call("GET", `/workspaces/${mine.slug}/analytics`, owner.token),
    );
    expect(body.groupBy).toBe("route");
    expect(Date.parse(body.to)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(body.to) - Date.parse(body.from)).toBe(60 * 60_000);
    expect(body.totals.count).toBe(1);
    expect(body.rows.map((r) => [r.key, r.count])).toEqual([["rte_a", 1]]);
  });

  it("refuses bad parameters with 422: from after to, a range over 7 days (24 h per minute), bad dates and groupBy", async () => {
    const q = (s: string) => call("GET", `${at()}/analytics?${s}`, owner.token);
    await api.problem(q(`from=${TO}&to=${FROM}`), 422, "validation_failed", ["from"]);
    await api.problem(q(`from=${TO}&to=${TO}`), 422, "validation_failed", ["from"]);
    await api.problem(q(`from=2026-11-27T00:00:00Z&to=${TO}`), 422, "validation_failed", ["from"]);
    await api.problem(q(`from=2026-12-04T11:00:00Z&to=${TO}&groupBy=minute`), 422, "validation_failed", ["from"]);
    await api.problem(q("from=yesterday"), 422, "validation_failed", ["from"]);
    await api.problem(q("to=2026-12-05T12:00:00"), 422, "validation_failed", ["to"]);
    await api.problem(q("groupBy=path"), 422, "validation_failed", ["groupBy"]);
  });

  it("a viewer may read; a stranger gets 404 for the workspace, and 404 for an unknown one", async () => {
    const viewer = await newUser();
    await addMember(owner.token, ws.slug, viewer.email, "viewer");
    const seen = await api.ok<{ totals: { count: number } }>(call("GET", `${at()}/analytics?from=${FROM}&to=${TO}`, viewer.token));
    expect(seen.totals.count).toBe(104);
    const stranger = await newUser();
    const theirs = await createWorkspace(stranger.token);
    for (const path of ["analytics", "metrics", "status"]) {
      await api.problem(call("GET", `${at()}/${path}`, stranger.token), 404, "not_found");
      await api.problem(call("GET", `/workspaces/nope-${ws.slug}/${path}`, owner.token), 404, "not_found");
    }
    // the stranger's own workspace has none of the owner's traffic
    const own = await api.ok<{ totals: { count: number } }>(
      call("GET", `/workspaces/${theirs.slug}/analytics?from=${FROM}&to=${TO}`, stranger.token),
    );
    expect(own.totals.count).toBe(0);
  });
});

describe("GET /workspaces/{ws}/metrics", () => {
  it("is Prometheus text 0.0.4: every sample line is `name{labels} value`, with the running totals", async () => {
    // one more request on the route, a second later: the counter includes it (totals are not range-bound)
    await seed([record({ workspaceId: ws.id, routeId: ids.route, status: 200, latencyMs: 3000 })]);
    const res = await call("GET", `${at()}/metrics`, owner.token);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = await res.text();
    expect(text.endsWith("\n")).toBe(true);
    const lines = text.slice(0, -1).split("\n");
    const samples = new Map<string, number>();
    for (const line of lines) {
      if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) continue;
      const m = line.match(/^([a-z_]+)\{((?:[a-z_]+="(?:[^"\\]|\\.)*",?)*)\} (-?\d+(?:\.\d+)?(?:e[+-]?\d+)?|\+Inf|NaN)$/);
      expect(m, line).not.toBeNull();
      samples.set(line.slice(0, line.lastIndexOf(" ")), Number(line.slice(line.lastIndexOf(" ") + 1)));
    }
    for (const [name, type] of [
      ["gateway_requests_total", "counter"],
      ["gateway_request_errors_total", "counter"],
      ["gateway_request_duration_seconds", "histogram"],
      ["gateway_upstream_target_healthy", "gauge"],
      ["gateway_circuit_breaker_state", "gauge"],
    ])
      expect(text).toContain(`# TYPE ${name} ${type}\n`);
    const route = `route="users",route_id="${ids.route}"`;
    expect(samples.get(`gateway_requests_total{${route},status="200"}`)).toBe(91);
    expect(samples.get(`gateway_requests_total{${route},status="500"}`)).toBe(10);
    expect(samples.get('gateway_requests_total{route="rte_b",route_id="rte_b",status="502"}')).toBe(1);
    expect(samples.get('gateway_requests_total{route="(unmatched)",route_id="",status="404"}')).toBe(1);
    expect(samples.get(`gateway_request_errors_total{${route}}`)).toBe(10);
    // 1..100 ms and one 3 s request: ≤ 5 ms 5, ≤ 50 ms 50, ≤ 100 ms 100, ≤ 2.5 s 100, ≤ 5 s 101
    expect(samples.get(`gateway_request_duration_seconds_bucket{${route},le="0.005"}`)).toBe(5);
    expect(samples.get(`gateway_request_duration_seconds_bucket{${route},le="0.05"}`)).toBe(50);
    expect(samples.get(`gateway_request_duration_seconds_bucket{${route},le="2.5"}`)).toBe(100);
    expect(samples.get(`gateway_request_duration_seconds_bucket{${route},le="5"}`)).toBe(101);
    expect(samples.get(`gateway_request_duration_seconds_bucket{${route},le="+Inf"}`)).toBe(101);
    expect(samples.get(`gateway_request_duration_seconds_count{${route}}`)).toBe(101);
    expect(samples.get(`gateway_request_duration_seconds_sum{${route}}`)).toBe((5050 + 3000) / 1000);
    for (const target of ids.targets) {
      expect(samples.get(`gateway_upstream_target_healthy{service="users-api",target="${target}"}`)).toBe(1);
      expect(samples.get(`gateway_circuit_breaker_state{service="users-api",target="${target}",state="closed"}`)).toBe(1);
      expect(samples.get(`gateway_circuit_breaker_state{service="users-api",target="${target}",state="open"}`)).toBe(0);
    }
  });
});

describe("GET /workspaces/{ws}/status", () => {
  it("lists each service's targets with health and breaker state", async () => {
    const body = await api.ok<{ version: number; services: { serviceId: string; name: string; monitoring: object; targets: object[] }[] }>(
      call("GET", `${at()}/status`, owner.token),
    );
    expect(body.version).toBe(2);
    expect(body.services).toHaveLength(1);
    expect(body.services[0]).toMatchObject({
      serviceId: ids.service,
      name: "users-api",
      monitoring: { activeChecks: false, passive: false, breaker: true },
    });
    expect(body.services[0]?.targets).toEqual(
      ids.targets.map((targetId) =>
        expect.objectContaining({ targetId, healthy: true, breaker: "closed", openedAt: null, window: expect.any(Object) }),
      ),
    );
  });
});
