import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Admin, adminFor, type Echo, eventually, expectProblem, gwJson, type Reply, signUp, slugOf } from "./harness";
import { startUpstream, type Upstream } from "./upstream";

// Traffic through the front door's /gw/<workspace>/… to local Node upstreams: routing by path and method,
// round-robin and weighted distribution, failover when a target dies (retries only for idempotent methods),
// active health checks taking a target out and bringing it back, the circuit breaker opening (503 problem)
// and closing again, and the analytics and metrics that count this traffic (logs arrive through the queue).

let admin: Admin;
let slug: string;
const ups: Record<string, Upstream> = {};
const startedAt = Date.now();
/** Requests sent to the `files` route (all GETs answered 200): analytics must count exactly these. */
let filesSent = 0;

beforeAll(async () => {
  admin = adminFor(await signUp("traffic"));
  slug = slugOf("traffic");
  const ws = await admin.ok<{ slug: string }>("POST", "/workspaces", { slug, name: "Traffic e2e" }, 201);
  expect(ws.slug).toBe(slug);
  for (const name of ["a", "b", "c", "d", "e", "h1", "h2", "f1", "f2"]) ups[name] = await startUpstream(name);
});
afterAll(async () => {
  await Promise.all(Object.values(ups).map((u) => u.stop()));
});

const up = (name: string) => ups[name] as Upstream;
const get = (path: string, init?: RequestInit) => gwJson<Echo>(slug, path, init);
/** The first answer of a route just configured: config takes effect within about a second, so poll. */
const firstOk = (path: string) =>
  eventually(
    `GET ${path}`,
    () => get(path),
    (r) => r.status === 200,
    15_000,
  );
/** Sequential GETs; returns who answered each. */
async function spread(path: string, n: number): Promise<Reply<Echo>[]> {
  const out: Reply<Echo>[] = [];
  for (let i = 0; i < n; i++) out.push(await get(path));
  return out;
}
const tally = (rs: Reply<Echo>[]) => {
  const t: Record<string, number> = {};
  for (const r of rs)
    t[r.status === 200 ? r.body.upstream : `status ${r.status}`] = (t[r.status === 200 ? r.body.upstream : `status ${r.status}`] ?? 0) + 1;
  return t;
};
const target = (name: string, weight = 100) => ({ url: up(name).url, weight });
type ServiceStatus = { name: string; targets: { url: string | null; healthy: boolean; breaker: string }[] };
/** A service's targets as `GET …/status` shows them (health and breaker, from its ServiceHealth object). */
const statusOf = async (service: string) =>
  (await admin.ok<{ services: ServiceStatus[] }>("GET", `/workspaces/${slug}/status`)).services.find((s) => s.name === service);
const breakers = async (service: string) => (await statusOf(service))?.targets.map((t) => t.breaker);

describe("routing and load balancing", () => {
  it("a service and routes made through the admin API route by path pattern and method", async () => {
    const svc = await admin.ok<{ id: string; name: string; targets: { id: string; url: string }[] }>(
      "POST",
      `/workspaces/${slug}/services`,
      { name: "pool", algorithm: "round-robin", targets: [target("a"), target("b"), target("c")] },
      201,
    );
    expect(svc).toMatchObject({ name: "pool", targets: [{ url: up("a").url }, { url: up("b").url }, { url: up("c").url }] });
    expect(svc.id).toMatch(/^svc_/);
    expect(svc.targets.every((t) => t.id.startsWith("tgt_"))).toBe(true);
    await admin.ok(
      "POST",
      `/workspaces/${slug}/routes`,
      { name: "users", paths: ["/v1/users/:id"], methods: ["GET"], service: "pool" },
      201,
    );
    await admin.ok("POST", `/workspaces/${slug}/routes`, { name: "files", paths: ["/v1/files/*"], methods: ["GET"], service: "pool" }, 201);

    const first = await firstOk("/v1/users/7?x=1&y=two");
    expect(first.body).toMatchObject({ method: "GET", path: "/v1/users/7", query: { x: "1", y: "two" } });
    expect(first.body.headers.via).toContain("edgeworks-gateway");
    expect(first.body.headers["x-forwarded-for"]).toBeTruthy();
    // the gateway's own credentials never travel upstream
    expect(first.body.headers.authorization).toBeUndefined();

    const file = await get("/v1/files/reports/2026/q4.csv");
    filesSent++;
    expect(file.status).toBe(200);
    expect(file.body.path).toBe("/v1/files/reports/2026/q4.csv");

    const hitsBefore = up("a").hits + up("b").hits + up("c").hits;
    const wrongMethod = await get("/v1/users/7", { method: "DELETE" });
    expectProblem(wrongMethod, 405, "method_not_allowed");
    expect(wrongMethod.headers.get("allow")).toContain("GET");
    expectProblem(await get("/v1/nothing/here"), 404, "not_found");
    // one more segment than `:id` takes is not that route
    expectProblem(await get("/v1/users/7/extra"), 404, "not_found");
    expectProblem(await gwJson(`no-such-${slug}`, "/v1/users/7"), 404, "not_found");
    expect(up("a").hits + up("b").hits + up("c").hits).toBe(hitsBefore);
  });

  it("round-robin spreads 30 sequential requests 10 / 10 / 10", async () => {
    const rs = await spread("/v1/files/rr", 30);
    filesSent += 30;
    expect(tally(rs)).toEqual({ a: 10, b: 10, c: 10 });
  });

  it("weighted 300 / 100 / 0 sends exactly 3 : 1 and nothing to the drained target", async () => {
    const svc = await admin.ok<{ targets: { id: string; url: string }[] }>("GET", `/workspaces/${slug}/services/pool`);
    const [ta, tb, tc] = svc.targets;
    await admin.ok("PATCH", `/workspaces/${slug}/services/pool`, {
      algorithm: "weighted",
      targets: [
        { id: ta?.id, url: up("a").url, weight: 300 },
        { id: tb?.id, url: up("b").url, weight: 100 },
        { id: tc?.id, url: up("c").url, weight: 0 },
      ],
    });
    // the new version is in effect once 8 answers in a row skip c (round-robin sent every third to it)
    let streak = 0;
    await eventually(
      "weighted config in effect",
      async () => {
        const r = await get("/v1/files/warm");
        filesSent++;
        streak = r.status === 200 && r.body.upstream !== "c" ? streak + 1 : 0;
        return streak;
      },
      (s) => s >= 8,
    );
    // smooth weighted round-robin repeats a, a, b, a: any 40 in a row are exactly 30 / 10
    const rs = await spread("/v1/files/weighted", 40);
    filesSent += 40;
    expect(tally(rs)).toEqual({ a: 30, b: 10 });
  });
});

describe("failures", () => {
  it("a dead target: GETs fail over to the live one, a POST that met the dead one is not retried (502)", async () => {
    await admin.ok(
      "POST",
      `/workspaces/${slug}/services`,
      { name: "failover", algorithm: "round-robin", retries: 1, targets: [target("d"), target("e")] },
      201,
    );
    await admin.ok("POST", `/workspaces/${slug}/routes`, { name: "failover", paths: ["/v1/failover/*"], service: "failover" }, 201);
    await firstOk("/v1/failover/warm");
    await up("d").stop();

    const dBefore = up("d").hits;
    const posts = [
      await get("/v1/failover/order", { method: "POST", body: "{}" }),
      await get("/v1/failover/order", { method: "POST", body: "{}" }),
    ];
    // round-robin gives each target one of the two: the one sent to the dead target is a 502, not replayed
    expect(posts.map((r) => r.status).sort()).toEqual([200, 502]);
    expectProblem(posts.find((r) => r.status === 502) as Reply<unknown>, 502, "bad_gateway");
    expect(up("e").seen.filter((s) => s.method === "POST")).toHaveLength(1);

    const gets = await spread("/v1/failover/item", 20);
    expect(tally(gets)).toEqual({ e: 20 });
    expect(up("d").hits).toBe(dBefore);
  });

  it("active health checks take a failing target out of rotation and bring it back after the healthy threshold", async () => {
    await admin.ok(
      "POST",
      `/workspaces/${slug}/services`,
      {
        name: "checked",
        algorithm: "round-robin",
        retries: 0,
        targets: [target("h1"), target("h2")],
        healthCheck: { path: "/health", intervalSeconds: 5, timeoutMs: 1000, healthyThreshold: 2, unhealthyThreshold: 2 },
      },
      201,
    );
    await admin.ok("POST", `/workspaces/${slug}/routes`, { name: "checked", paths: ["/v1/checked/*"], service: "checked" }, 201);
    await firstOk("/v1/checked/warm");
    await eventually(
      "h1 is probed",
      async () => up("h1").healthChecks,
      (n) => n > 0,
      60_000,
    );

    up("h1").healthFailing = true; // live traffic still succeeds on h1: only the checks remove it
    let streak = 0;
    await eventually(
      "h1 out of rotation",
      async () => {
        const r = await get("/v1/checked/x");
        streak = r.status === 200 && r.body.upstream === "h2" ? streak + 1 : 0;
        return streak;
      },
      (s) => s >= 6,
      60_000,
    );
    expect(tally(await spread("/v1/checked/out", 10))).toEqual({ h2: 10 });
    expect((await statusOf("checked"))?.targets.map((t) => t.healthy)).toEqual([false, true]);

    up("h1").healthFailing = false;
    await eventually(
      "h1 back in rotation",
      async () => (await get("/v1/checked/back")).body.upstream,
      (u) => u === "h1",
      60_000,
    );
    expect(tally(await spread("/v1/checked/again", 10))).toEqual({ h1: 5, h2: 5 });
  });

  it("the breaker opens on the error rate: 503 problem while every target is open, no upstream called; closes after a good probe", async () => {
    await admin.ok(
      "POST",
      `/workspaces/${slug}/services`,
      {
        name: "fragile",
        algorithm: "round-robin",
        retries: 0,
        targets: [target("f1"), target("f2")],
        circuitBreaker: { windowSeconds: 30, minRequests: 4, errorRatePercent: 50, openSeconds: 5, halfOpenProbes: 1 },
      },
      201,
    );
    await admin.ok("POST", `/workspaces/${slug}/routes`, { name: "fragile", paths: ["/v1/fragile/*"], service: "fragile" }, 201);
    await firstOk("/v1/fragile/warm");

    up("f1").failing = true;
    up("f2").failing = true;
    // upstream 503s are the upstream's JSON; the gateway's own refusal is a problem
    await eventually(
      "breakers open",
      () => get("/v1/fragile/x"),
      (r) => r.status === 503 && String(r.headers.get("content-type")).includes("problem+json"),
    ).then((r) => expectProblem(r, 503, "service_unavailable"));
    const hits = up("f1").hits + up("f2").hits;
    for (let i = 0; i < 5; i++) expectProblem(await get("/v1/fragile/y"), 503, "service_unavailable");
    expect(up("f1").hits + up("f2").hits).toBe(hits);

    expect(await breakers("fragile")).toEqual(["open", "open"]);

    up("f1").failing = false;
    up("f2").failing = false;
    await eventually(
      "breakers closed again",
      () => get("/v1/fragile/z"),
      (r) => r.status === 200,
      60_000,
    );
    await eventually(
      "both targets closed",
      async () => tally(await spread("/v1/fragile/after", 4)),
      (t) => t.f1 === 2 && t.f2 === 2,
      60_000,
    );
    expect(await breakers("fragile")).toEqual(["closed", "closed"]);
  });
});

describe("analytics and metrics", () => {
  it("count the files route's traffic exactly once it has come through the logs queue", async () => {
    const from = new Date(startedAt - 60_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const routes = await admin.ok<{ items: { id: string; name: string }[] }>("GET", `/workspaces/${slug}/routes`);
    const files = routes.items.find((r) => r.name === "files");
    expect(files).toBeDefined();
    type Row = { key: string; count: number; errors: number; errorRate: number; p50: number; p95: number; p99: number };
    const query = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&groupBy=route`;
    const rowOf = (body: { rows: Row[] }) => body.rows.find((r) => r.key === files?.id || r.key === "files");
    const body = await eventually(
      "files route counted",
      () => admin.ok<{ rows: Row[] }>("GET", `/workspaces/${slug}/analytics?${query}`),
      (b) => (rowOf(b)?.count ?? 0) >= filesSent,
      60_000,
    );
    const row = rowOf(body) as Row;
    expect(row).toMatchObject({ count: filesSent, errors: 0, errorRate: 0 });
    expect(row.p50).toBeLessThanOrEqual(row.p95);
    expect(row.p95).toBeLessThanOrEqual(row.p99);

    const byStatus = await admin.ok<{ rows: Row[] }>(
      "GET",
      `/workspaces/${slug}/analytics?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&groupBy=status`,
    );
    expect(byStatus.rows.find((r) => r.key === "502")?.count).toBe(1);

    const metrics = await admin.raw(`/workspaces/${slug}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get("content-type")).toContain("text/plain");
    const text = await metrics.text();
    expect(text).toMatch(/^gateway_requests_total\{/m);
    expect(text).toContain("gateway_circuit_breaker_state");
  });
});
