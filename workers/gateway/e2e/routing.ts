import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, expectProblem, gwJson } from "./harness";
import { startUpstream, type Upstream } from "./upstream";
import { newWorkspace, type TestWorkspace, tally } from "./workspace";

// Routing through the front door's /gw/<workspace>/… to local Node upstreams: path patterns and methods,
// round-robin, weighted and consistent-hash distribution, a config version rolled back (in effect within about a
// second), and the analytics and metrics that count this traffic exactly (logs arrive through the queue).

let ws: TestWorkspace;
const ups: Record<string, Upstream> = {};
const startedAt = Date.now();
/** Requests sent to the `files` route (all GETs answered 200): analytics must count exactly these. */
let filesSent = 0;

/** Registers this file's tests (gateway.e2e.test.ts runs them against its dev server). */
export function routingSuite(): void {
  describe("routing (e2e/routing.ts)", () => {
    beforeAll(async () => {
      ws = await newWorkspace("routing");
      for (const name of ["a", "b", "c", "d"]) ups[name] = await startUpstream(name);
    });
    afterAll(async () => {
      await Promise.all(Object.values(ups).map((u) => u.stop()));
    });

    const up = (name: string) => ups[name] as Upstream;
    const target = (name: string, weight = 100) => ({ url: up(name).url, weight });

    describe("routing (e2e/routing.ts)", () => {
      it("a service and routes made through the admin API route by path pattern and method", async () => {
        const svc = await ws.admin.ok<{ id: string; name: string; targets: { id: string; url: string }[] }>(
          "POST",
          `/workspaces/${ws.slug}/services`,
          { name: "pool", algorithm: "round-robin", targets: [target("a"), target("b"), target("c")] },
          201,
        );
        expect(svc).toMatchObject({ name: "pool", targets: [{ url: up("a").url }, { url: up("b").url }, { url: up("c").url }] });
        expect(svc.id).toMatch(/^svc_/);
        expect(svc.targets.every((t) => t.id.startsWith("tgt_"))).toBe(true);
        await ws.admin.ok(
          "POST",
          `/workspaces/${ws.slug}/routes`,
          { name: "users", paths: ["/v1/users/:id"], methods: ["GET"], service: "pool" },
          201,
        );
        await ws.admin.ok(
          "POST",
          `/workspaces/${ws.slug}/routes`,
          { name: "files", paths: ["/v1/files/*"], methods: ["GET"], service: "pool" },
          201,
        );

        const first = await ws.firstOk("/v1/users/7?x=1&y=two");
        expect(first.body).toMatchObject({ method: "GET", path: "/v1/users/7", query: { x: "1", y: "two" } });
        expect(first.body.headers.via).toContain("edgeworks-gateway");
        expect(first.body.headers["x-forwarded-for"]).toBeTruthy();
        // the gateway's own credentials never travel upstream
        expect(first.body.headers.authorization).toBeUndefined();

        const file = await ws.get("/v1/files/reports/2026/q4.csv");
        filesSent++;
        expect(file.status).toBe(200);
        expect(file.body.path).toBe("/v1/files/reports/2026/q4.csv");

        const hitsBefore = up("a").hits + up("b").hits + up("c").hits;
        const wrongMethod = await ws.get("/v1/users/7", { method: "DELETE" });
        expectProblem(wrongMethod, 405, "method_not_allowed");
        expect(wrongMethod.headers.get("allow")).toContain("GET");
        expectProblem(await ws.get("/v1/nothing/here"), 404, "not_found");
        // one more segment than `:id` takes is not that route
        expectProblem(await ws.get("/v1/users/7/extra"), 404, "not_found");
        expectProblem(await gwJson(`no-such-${ws.slug}`, "/v1/users/7"), 404, "not_found");
        expect(up("a").hits + up("b").hits + up("c").hits).toBe(hitsBefore);
      });

      it("round-robin spreads 30 sequential requests 10 / 10 / 10", async () => {
        const rs = await ws.spread("/v1/files/rr", 30);
        filesSent += 30;
        expect(tally(rs)).toEqual({ a: 10, b: 10, c: 10 });
      });

      it("weighted 300 / 100 / 0 sends exactly 3 : 1 and nothing to the drained target", async () => {
        const svc = await ws.admin.ok<{ targets: { id: string; url: string }[] }>("GET", `/workspaces/${ws.slug}/services/pool`);
        const [ta, tb, tc] = svc.targets;
        await ws.admin.ok("PATCH", `/workspaces/${ws.slug}/services/pool`, {
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
            const r = await ws.get("/v1/files/warm");
            filesSent++;
            streak = r.status === 200 && r.body.upstream !== "c" ? streak + 1 : 0;
            return streak;
          },
          (s) => s >= 8,
        );
        // smooth weighted round-robin repeats a, a, b, a: any 40 in a row are exactly 30 / 10
        const rs = await ws.spread("/v1/files/weighted", 40);
        filesSent += 40;
        expect(tally(rs)).toEqual({ a: 30, b: 10 });
      });
    });

    describe("consistent hashing and config versions", () => {
      it("consistent-hash on a header keeps each user on one target; a new target takes users only for itself", async () => {
        await ws.admin.ok(
          "POST",
          `/workspaces/${ws.slug}/services`,
          {
            name: "sticky",
            algorithm: "consistent-hash",
            hashOn: { source: "header", name: "X-User" },
            targets: [target("a"), target("b"), target("c")],
          },
          201,
        );
        await ws.admin.ok("POST", `/workspaces/${ws.slug}/routes`, { name: "sticky", paths: ["/v1/sticky/*"], service: "sticky" }, 201);
        await ws.firstOk("/v1/sticky/warm");
        const users = Array.from({ length: 30 }, (_, i) => `user-${i}`);
        const placeAll = async () => {
          const out: Record<string, string> = {};
          for (const user of users) {
            const r = await ws.get("/v1/sticky/me", { headers: { "X-User": user } });
            expect(r.status).toBe(200);
            out[user] = r.body.upstream;
          }
          return out;
        };
        const before = await placeAll();
        expect(await placeAll()).toEqual(before); // the same user, the same target, every time
        expect(new Set(Object.values(before)).size).toBeGreaterThan(1);

        const svc = await ws.admin.ok<{ targets: { id: string; url: string; weight: number }[] }>(
          "GET",
          `/workspaces/${ws.slug}/services/sticky`,
        );
        await ws.admin.ok("PATCH", `/workspaces/${ws.slug}/services/sticky`, { targets: [...svc.targets, target("d")] });
        const after = await eventually("d takes some users", placeAll, (m) => Object.values(m).includes("d"), 15_000);
        const moved = users.filter((u) => after[u] !== before[u]);
        // a ring: the users that move all move to the new target, none between the old ones
        expect(moved.map((u) => after[u])).toEqual(moved.map(() => "d"));
        expect(moved.length).toBeLessThan(users.length / 2);
      });

      it("a deleted route is gone within seconds; rolling back to the version before brings it back, as a new version", async () => {
        const created = await ws.admin.call("POST", `/workspaces/${ws.slug}/routes`, {
          name: "flag",
          paths: ["/v1/flag"],
          service: "pool",
        });
        expect(created.status).toBe(201);
        const withFlag = Number(String(created.headers.get("etag")).replaceAll('"', ""));
        expect(withFlag).toBeGreaterThan(1);
        await ws.firstOk("/v1/flag");
        expect((await ws.admin.call("DELETE", `/workspaces/${ws.slug}/routes/flag`)).status).toBe(204);
        await eventually(
          "flag route gone",
          async () => (await ws.get("/v1/flag")).status,
          (s) => s === 404,
          15_000,
        );
        const { version: without } = await ws.admin.ok<{ version: number }>("GET", `/workspaces/${ws.slug}/config`);
        const diff = await ws.admin.ok<{ changes: { op: string; path: string }[] }>(
          "GET",
          `/workspaces/${ws.slug}/config/versions/${without}/diff?against=${withFlag}`,
        );
        expect(diff.changes).toEqual([expect.objectContaining({ op: "remove", path: expect.stringContaining("flag") })]);

        const rolled = await ws.admin.ok<{ version: number }>(
          "POST",
          `/workspaces/${ws.slug}/config/versions/${withFlag}/rollback`,
          undefined,
          201,
        );
        expect(rolled.version).toBe(without + 1);
        await ws.firstOk("/v1/flag");
        const versions = await ws.admin.ok<{ items: { version: number }[] }>("GET", `/workspaces/${ws.slug}/config/versions`);
        expect(versions.items.slice(0, 3).map((v) => v.version)).toEqual([without + 1, without, withFlag]);
      });
    });

    describe("analytics and metrics", () => {
      it("count the files route's traffic exactly once it has come through the logs queue", async () => {
        const from = new Date(startedAt - 60_000).toISOString();
        const to = new Date(Date.now() + 60_000).toISOString();
        const routes = await ws.admin.ok<{ items: { id: string; name: string }[] }>("GET", `/workspaces/${ws.slug}/routes`);
        const files = routes.items.find((r) => r.name === "files");
        expect(files).toBeDefined();
        type Row = { key: string; count: number; errors: number; errorRate: number; p50: number; p95: number; p99: number };
        const query = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&groupBy=route`;
        const rowOf = (body: { rows: Row[] }) => body.rows.find((r) => r.key === files?.id || r.key === "files");
        const body = await eventually(
          "files route counted",
          () => ws.admin.ok<{ rows: Row[] }>("GET", `/workspaces/${ws.slug}/analytics?${query}`),
          (b) => (rowOf(b)?.count ?? 0) >= filesSent,
          60_000,
        );
        const row = rowOf(body) as Row;
        expect(row).toMatchObject({ count: filesSent, errors: 0, errorRate: 0 });
        expect(row.p50).toBeLessThanOrEqual(row.p95);
        expect(row.p95).toBeLessThanOrEqual(row.p99);

        const byStatus = await ws.admin.ok<{ rows: Row[] }>(
          "GET",
          `/workspaces/${ws.slug}/analytics?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&groupBy=status`,
        );
        // the one DELETE to the GET-only users route
        expect(byStatus.rows.find((r) => r.key === "405")?.count).toBe(1);

        const metrics = await ws.admin.raw(`/workspaces/${ws.slug}/metrics`);
        expect(metrics.status).toBe(200);
        expect(metrics.headers.get("content-type")).toContain("text/plain");
        const text = await metrics.text();
        const filesLine = text.split("\n").find((l) => l.startsWith('gateway_requests_total{route="files",') && l.includes('status="200"'));
        expect(Number(filesLine?.split(" ").at(-1))).toBe(filesSent);
        expect(text).toContain("gateway_circuit_breaker_state");
      });
    });
  });
}
