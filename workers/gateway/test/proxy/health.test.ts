import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { CompiledService, Snapshot } from "../../src/contract";
import { healthStub } from "../../src/health/stub";
import { control, seen, service, snapshot, through, upstream, whoAnswers } from "./support";

/** A snapshot whose only service is configured in its ServiceHealth object (as a publish would). */
async function monitored(overrides: Partial<CompiledService>): Promise<Snapshot> {
  const snap = snapshot({ services: [service(overrides)] });
  await healthStub(env, snap.workspaceId, "svc_1").configure(snap.services.svc_1 as CompiledService, snap.version);
  return snap;
}

describe("the proxy follows the health view", () => {
  it("passive: a target that failed live traffic leaves the rotation (its request went to the other)", async () => {
    const scope = crypto.randomUUID();
    await control("A", { scope, failNext: 1 });
    const snap = await monitored({ targets: [upstream("A"), upstream("B")], passiveUnhealthyThreshold: 1 });
    const init = { headers: { "x-fake-scope": scope } };
    expect(await whoAnswers(snap, 1, "/v1/x", init)).toEqual(["B"]);
    expect(await whoAnswers(snap, 4, "/v1/x", init)).toEqual(["B", "B", "B", "B"]);
    expect(await seen("A", scope)).toEqual(["GET"]);
    const states = await healthStub(env, snap.workspaceId, "svc_1").states();
    expect(states.targets.tgt_A).toMatchObject({ healthy: false, consecutiveFailures: 1 });
  });

  it("breaker: errors over the window open it and traffic avoids the target", async () => {
    const scope = crypto.randomUUID();
    await control("A", { scope, failNext: 2 });
    const breaker = { windowSeconds: 30, minRequests: 2, errorRatePercent: 50, p95LatencyMs: null, openSeconds: 300, halfOpenProbes: 1 };
    const snap = await monitored({ targets: [upstream("A"), upstream("B")], breaker, retries: 0 });
    const init = { headers: { "x-fake-scope": scope } };
    // round-robin: A (503), B, A (503) → open
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await through(snap, "/v1/x", init);
      statuses.push(res.status);
      await res.body?.cancel();
    }
    expect(statuses).toEqual([503, 200, 503]);
    expect((await healthStub(env, snap.workspaceId, "svc_1").states()).targets.tgt_A?.breaker).toBe("open");
    expect(await whoAnswers(snap, 4, "/v1/x", init)).toEqual(["B", "B", "B", "B"]);
    expect(await seen("A", scope)).toEqual(["GET", "GET"]);
  });

  it("every target out → 503 problem service_unavailable, nothing sent", async () => {
    const scope = crypto.randomUUID();
    await control("C", { scope, failNext: 1 });
    const snap = await monitored({ targets: [upstream("C")], passiveUnhealthyThreshold: 1, retries: 0 });
    const init = { headers: { "x-fake-scope": scope } };
    const first = await through(snap, "/v1/x", init);
    expect(first.status).toBe(503);
    expect(first.headers.get("X-Upstream")).toBe("C");
    await first.body?.cancel();
    const res = await through(snap, "/v1/x", init);
    expect(res.status).toBe(503);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    expect(await res.json()).toMatchObject({ code: "service_unavailable", detail: "No healthy target in service svc" });
    expect(await seen("C", scope)).toEqual(["GET"]);
  });
});
