// Active health checks: the alarm probes every target (through the proxy's SSRF-checked fetchTarget, against
// the fake upstream Workers), takes one out after unhealthyThreshold failed probes in a row and brings it back
// after healthyThreshold passes in a row; a stale config stops the checks.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ServiceHealth } from "../../src/do/service-health";
import { STALE_CONFIG_MS } from "../../src/do/service-health";
import { PROBE_USER_AGENT } from "../../src/health/probe";
import { TargetFetchError } from "../../src/proxy/target-fetch";
import { CHECK, controlUpstream, healthObject, service, T0 } from "./support";

/** A check whose path carries the fake upstream's scope, so this test's failures stay its own. */
function scopedCheck() {
  const scope = crypto.randomUUID();
  return { scope, check: { ...CHECK, path: `/health?fake-scope=${scope}` } };
}

describe("active health checks", () => {
  it("take a target out after unhealthyThreshold failed probes and bring it back after healthyThreshold passes", async () => {
    const { stub, advance } = await healthObject();
    const { scope, check } = scopedCheck();
    await stub.configure(service({ healthCheck: check }), 1);
    await controlUpstream("UPSTREAM_A", { scope, failNext: 3, failStatus: 503 });
    for (const expected of [true, true, false]) {
      expect(await runDurableObjectAlarm(stub)).toBe(true);
      advance(10_000);
      expect((await stub.states()).targets.tgt_a?.healthy).toBe(expected);
    }
    const out = (await stub.states()).targets;
    expect(out.tgt_a).toMatchObject({ healthy: false, changedAt: T0 + 20_000, lastProbe: { ok: false, status: 503, error: "status 503" } });
    expect(out.tgt_b).toMatchObject({ healthy: true, lastProbe: { ok: true, status: 200, error: null } });
    expect(await runDurableObjectAlarm(stub)).toBe(true); // first pass: not yet
    expect((await stub.states()).targets.tgt_a).toMatchObject({ healthy: false, lastProbe: { ok: true, status: 200 } });
    advance(10_000);
    expect(await runDurableObjectAlarm(stub)).toBe(true); // second pass: back
    expect((await stub.states()).targets.tgt_a).toMatchObject({ healthy: true, changedAt: T0 + 40_000 });
  });

  it("counts a timeout and a status outside healthyStatuses as failed probes", async () => {
    const { stub } = await healthObject();
    const seen: string[] = [];
    await runInDurableObject(stub, (instance: ServiceHealth) => {
      instance.fetcher = async (_env, target, request) => {
        seen.push(`${target.id} ${request.method} ${new URL(request.url).pathname} ${request.headers.get("user-agent")}`);
        if (target.id === "tgt_a") throw new TargetFetchError("timeout", "No response headers within 1000 ms");
        return new Response(null, { status: 204 });
      };
    });
    await stub.configure(service({ healthCheck: { ...CHECK, unhealthyThreshold: 1 } }), 1);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const states = (await stub.states()).targets;
    expect(states.tgt_a).toMatchObject({
      healthy: false,
      lastProbe: { ok: false, status: null, error: "timeout: No response headers within 1000 ms" },
    });
    // 204 is not in healthyStatuses [200]
    expect(states.tgt_b).toMatchObject({ healthy: false, lastProbe: { ok: false, status: 204, error: "status 204" } });
    expect(seen.sort()).toEqual([`tgt_a GET /health ${PROBE_USER_AGENT}`, `tgt_b GET /health ${PROBE_USER_AGENT}`]);
  });

  it("refuses to probe a private address (the proxy's SSRF rules hold for health checks)", async () => {
    const { stub } = await healthObject();
    const svc = service({
      targets: [{ id: "tgt_private", url: "https://10.0.0.1", binding: null, weight: 100 }],
      healthCheck: { ...CHECK, unhealthyThreshold: 1 },
    });
    await stub.configure(svc, 1);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const target = (await stub.states()).targets.tgt_private;
    expect(target).toMatchObject({ healthy: false, lastProbe: { ok: false, status: null } });
    expect(target?.lastProbe?.error).toMatch(/^refused: /);
  });

  it("re-arms itself every interval, and stops once its config has not been refreshed for a while", async () => {
    const { stub, advance } = await healthObject();
    await stub.configure(service({ healthCheck: CHECK }), 1);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const next = await runInDurableObject(stub, (_i, state) => state.storage.getAlarm());
    expect(next).toBeGreaterThan(Date.now() + 9000);
    expect(next).toBeLessThanOrEqual(Date.now() + 10_000);
    advance(STALE_CONFIG_MS + 1);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await runInDurableObject(stub, (_i, state) => state.storage.getAlarm())).toBeNull();
    expect((await stub.states()).targets.tgt_a?.lastProbe?.at).toBe(T0); // the stale run probed nothing
  });
});
