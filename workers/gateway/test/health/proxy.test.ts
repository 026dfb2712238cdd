// Health and breakers as the proxy lives them (C1's proxy core, the fake upstream Workers, the real
// ServiceHealth object): an open breaker takes its target out, every target open is a 503 problem without an
// upstream call, a half-open probe closes it; passive and active checks take a target out of rotation.
// Nothing here calls syncHealth: the first request finds its object unconfigured and configures it.
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import type { CompiledService } from "../../src/contract";
import type { ServiceHealth } from "../../src/do/service-health";
import { healthStub } from "../../src/health/stub";
import { clearHealthCache } from "../../src/health/view";
import { control, seen, service, snapshot, through, upstream, whoAnswers } from "../proxy/support";
import { BREAKER, CHECK } from "./support";

beforeEach(() => clearHealthCache());

const objectOf = (snap: ReturnType<typeof snapshot>) => healthStub(env, snap.workspaceId, "svc_1");

describe("health and breakers through the proxy", () => {
  it("the breaker opens on the error rate: 503 problem while every target is open, no upstream called; a half-open probe closes it", async () => {
    const snap = snapshot({
      services: [
        service({ targets: [upstream("A"), upstream("B")], retries: 0, breaker: { ...BREAKER, minRequests: 4, halfOpenProbes: 1 } }),
      ],
    });
    const scope = crypto.randomUUID();
    const init = { headers: { "x-fake-scope": scope } };
    await control("A", { scope, failNext: 100 });
    await control("B", { scope, failNext: 100 });
    // round-robin: 4 failures each; A opens after the 7th request, so the 8th goes to B, which opens too
    expect(await whoAnswers(snap, 8, "/v1/x", init)).toEqual(["A", "B", "A", "B", "A", "B", "A", "B"]);
    const open = await objectOf(snap).states();
    expect([open.targets.tgt_A?.breaker, open.targets.tgt_B?.breaker]).toEqual(["open", "open"]);

    const refused = await through(snap, "/v1/x", init);
    expect(refused.status).toBe(503);
    expect(refused.headers.get("Content-Type")).toBe("application/problem+json");
    expect(await refused.json()).toMatchObject({ status: 503, code: "service_unavailable" });
    expect((await seen("A", scope)).length + (await seen("B", scope)).length).toBe(8);

    // openSeconds later (the object's clock) both are half-open; the upstreams have recovered
    await runInDurableObject(objectOf(snap), (instance: ServiceHealth) => {
      instance.now = () => Date.now() + 30_000;
    });
    await control("A", { scope, failNext: 0 });
    await control("B", { scope, failNext: 0 });
    clearHealthCache();
    const probe = await through(snap, "/v1/x", init);
    expect(probe.status).toBe(200);
    const prober = probe.headers.get("X-Upstream");
    await probe.body?.cancel();
    const after = await objectOf(snap).states();
    const [probed, other] = prober === "A" ? ["tgt_A", "tgt_B"] : ["tgt_B", "tgt_A"];
    expect(after.targets[probed]?.breaker).toBe("closed");
    expect(after.targets[other]?.breaker).toBe("half-open");
  });

  it("passive checks: a target failing live traffic leaves the rotation", async () => {
    const snap = snapshot({ services: [service({ targets: [upstream("A"), upstream("B")], retries: 0, passiveUnhealthyThreshold: 2 })] });
    const scope = crypto.randomUUID();
    await control("A", { scope, failNext: 100 });
    const init = { headers: { "x-fake-scope": scope } };
    expect(await whoAnswers(snap, 4, "/v1/x", init)).toEqual(["A", "B", "A", "B"]);
    expect((await objectOf(snap).states()).targets.tgt_A).toMatchObject({ healthy: false, consecutiveFailures: 2 });
    expect(await whoAnswers(snap, 4, "/v1/x", init)).toEqual(["B", "B", "B", "B"]);
    expect(await seen("A", scope)).toHaveLength(2);
  });

  it("active checks: a target failing its health checks gets no traffic", async () => {
    const scope = crypto.randomUUID();
    const check = { ...CHECK, path: `/health?fake-scope=${scope}`, unhealthyThreshold: 1 };
    const snap = snapshot({ services: [service({ targets: [upstream("A"), upstream("B")], healthCheck: check })] });
    await objectOf(snap).configure(snap.services.svc_1 as CompiledService, snap.version);
    await control("A", { scope, failNext: 1 });
    expect(await runDurableObjectAlarm(objectOf(snap))).toBe(true);
    expect(await whoAnswers(snap, 3)).toEqual(["B", "B", "B"]);
  });
});
