import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, expectProblem, type Reply } from "./harness";
import { startUpstream, type Upstream } from "./upstream";
import { newWorkspace, type TestWorkspace, tally } from "./workspace";

// Failures through the front door's /gw/<workspace>/… with local Node upstreams that die, hang, fail checks or
// answer 503: failover for idempotent methods only, the connect timeout (504), active health checks taking a
// target out and bringing it back, the circuit breaker opening (503 problem, no upstream called) and closing
// after a good half-open probe, and the statuses as analytics count them.

let ws: TestWorkspace;
const ups: Record<string, Upstream> = {};
const startedAt = Date.now();

/** Registers this file's tests (gateway.e2e.test.ts runs them against its dev server). */
export function resilienceSuite(): void {
  describe("resilience (e2e/resilience.ts)", () => {
    beforeAll(async () => {
      ws = await newWorkspace("resilience");
      for (const name of ["d", "e", "s", "h1", "h2", "f1", "f2"]) ups[name] = await startUpstream(name);
    });
    afterAll(async () => {
      await Promise.all(Object.values(ups).map((u) => u.stop()));
    });

    const up = (name: string) => ups[name] as Upstream;
    const target = (name: string, weight = 100) => ({ url: up(name).url, weight });
    const breakers = async (service: string) => (await ws.statusOf(service))?.targets.map((t) => t.breaker);

    describe("failures", () => {
      it("a dead target: GETs fail over to the live one, a POST that met the dead one is not retried (502)", async () => {
        await ws.admin.ok(
          "POST",
          `/workspaces/${ws.slug}/services`,
          { name: "failover", algorithm: "round-robin", retries: 1, targets: [target("d"), target("e")] },
          201,
        );
        await ws.admin.ok(
          "POST",
          `/workspaces/${ws.slug}/routes`,
          { name: "failover", paths: ["/v1/failover/*"], service: "failover" },
          201,
        );
        await ws.firstOk("/v1/failover/warm");
        await up("d").stop();

        const dBefore = up("d").hits;
        const posts = [
          await ws.get("/v1/failover/order", { method: "POST", body: "{}" }),
          await ws.get("/v1/failover/order", { method: "POST", body: "{}" }),
        ];
        // round-robin gives each target one of the two: the one sent to the dead target is a 502, not replayed
        expect(posts.map((r) => r.status).sort()).toEqual([200, 502]);
        expectProblem(posts.find((r) => r.status === 502) as Reply<unknown>, 502, "bad_gateway");
        expect(up("e").seen.filter((s) => s.method === "POST")).toHaveLength(1);

        const gets = await ws.spread("/v1/failover/item", 20);
        expect(tally(gets)).toEqual({ e: 20 });
        expect(up("d").hits).toBe(dBefore);
      });

      it("an upstream slower than the connect timeout is a 504 problem (not retried for a POST, retried then 504 for a GET)", async () => {
        await ws.admin.ok(
          "POST",
          `/workspaces/${ws.slug}/services`,
          { name: "slow", retries: 1, timeouts: { connectMs: 300, readMs: 5000 }, targets: [target("s")] },
          201,
        );
        await ws.admin.ok("POST", `/workspaces/${ws.slug}/routes`, { name: "slow", paths: ["/v1/slow/*"], service: "slow" }, 201);
        await ws.firstOk("/v1/slow/warm");
        const slow = { "x-fake-delay-ms": "1500" };
        expectProblem(await ws.get("/v1/slow/post", { method: "POST", headers: slow, body: "{}" }), 504, "gateway_timeout");
        expect(up("s").hitsOn("/v1/slow/post")).toBe(1);
        expectProblem(await ws.get("/v1/slow/get", { headers: slow }), 504, "gateway_timeout");
        expect(up("s").hitsOn("/v1/slow/get")).toBe(2);
      });

      it("active health checks take a failing target out of rotation and bring it back after the healthy threshold", async () => {
        await ws.admin.ok(
          "POST",
          `/workspaces/${ws.slug}/services`,
          {
            name: "checked",
            algorithm: "round-robin",
            retries: 0,
            targets: [target("h1"), target("h2")],
            healthCheck: { path: "/health", intervalSeconds: 5, timeoutMs: 1000, healthyThreshold: 2, unhealthyThreshold: 2 },
          },
          201,
        );
        await ws.admin.ok("POST", `/workspaces/${ws.slug}/routes`, { name: "checked", paths: ["/v1/checked/*"], service: "checked" }, 201);
        await ws.firstOk("/v1/checked/warm");
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
            const r = await ws.get("/v1/checked/x");
            streak = r.status === 200 && r.body.upstream === "h2" ? streak + 1 : 0;
            return streak;
          },
          (s) => s >= 6,
          60_000,
        );
        expect(tally(await ws.spread("/v1/checked/out", 10))).toEqual({ h2: 10 });
        expect((await ws.statusOf("checked"))?.targets.map((t) => t.healthy)).toEqual([false, true]);

        up("h1").healthFailing = false;
        await eventually(
          "h1 back in rotation",
          async () => (await ws.get("/v1/checked/back")).body.upstream,
          (u) => u === "h1",
          60_000,
        );
        expect(tally(await ws.spread("/v1/checked/again", 10))).toEqual({ h1: 5, h2: 5 });
      });

      it("the breaker opens on the error rate: 503 problem while every target is open, no upstream called; closes after a good probe", async () => {
        await ws.admin.ok(
          "POST",
          `/workspaces/${ws.slug}/services`,
          {
            name: "fragile",
            algorithm: "round-robin",
            retries: 0,
            targets: [target("f1"), target("f2")],
            circuitBreaker: { windowSeconds: 30, minRequests: 4, errorRatePercent: 50, openSeconds: 5, halfOpenProbes: 1 },
          },
          201,
        );
        await ws.admin.ok("POST", `/workspaces/${ws.slug}/routes`, { name: "fragile", paths: ["/v1/fragile/*"], service: "fragile" }, 201);
        await ws.firstOk("/v1/fragile/warm");

        up("f1").failing = true;
        up("f2").failing = true;
        // upstream 503s are the upstream's JSON; the gateway's own refusal is a problem
        await eventually(
          "breakers open",
          () => ws.get("/v1/fragile/x"),
          (r) => r.status === 503 && String(r.headers.get("content-type")).includes("problem+json"),
        ).then((r) => expectProblem(r, 503, "service_unavailable"));
        const hits = up("f1").hits + up("f2").hits;
        for (let i = 0; i < 5; i++) expectProblem(await ws.get("/v1/fragile/y"), 503, "service_unavailable");
        expect(up("f1").hits + up("f2").hits).toBe(hits);

        expect(await breakers("fragile")).toEqual(["open", "open"]);

        up("f1").failing = false;
        up("f2").failing = false;
        await eventually(
          "breakers closed again",
          () => ws.get("/v1/fragile/z"),
          (r) => r.status === 200,
          60_000,
        );
        await eventually(
          "both targets closed",
          async () => tally(await ws.spread("/v1/fragile/after", 4)),
          (t) => t.f1 === 2 && t.f2 === 2,
          60_000,
        );
        expect(await breakers("fragile")).toEqual(["closed", "closed"]);
      });
    });

    describe("analytics", () => {
      it("count the gateway's own 502, 504 and 503 answers by status", async () => {
        const range = `from=${encodeURIComponent(new Date(startedAt - 60_000).toISOString())}&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`;
        type Row = { key: string | null; count: number; errors: number };
        const byStatus = await eventually(
          "502 and 504 counted",
          () => ws.admin.ok<{ rows: Row[] }>("GET", `/workspaces/${ws.slug}/analytics?${range}&groupBy=status`),
          (b) => b.rows.some((r) => r.key === "502") && b.rows.some((r) => r.key === "504"),
          60_000,
        );
        const count = (status: string) => byStatus.rows.find((r) => r.key === status)?.count;
        expect({ 502: count("502"), 504: count("504") }).toEqual({ 502: 1, 504: 2 });
        expect(count("503")).toBeGreaterThanOrEqual(6);
        for (const r of byStatus.rows) expect(r.errors).toBe(Number(r.key) >= 500 ? r.count : 0);
      });
    });
  });
}
