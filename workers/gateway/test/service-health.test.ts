// The ServiceHealth object's RPC surface: configure() (versions, targets, alarms), states() shape, storage schema.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { schemaVersion } from "@edgeworks/realtime";
import { describe, expect, it } from "vitest";
import type { ServiceHealth } from "../src/do/service-health";
import { BREAKER, CHECK, healthObject, outcomes, service, T0 } from "./health/support";

const alarmOf = (stub: Awaited<ReturnType<typeof healthObject>>["stub"]) =>
  runInDurableObject(stub, (_instance, state) => state.storage.getAlarm());

describe("the ServiceHealth Durable Object (SERVICE_HEALTH)", () => {
  it("answers states() before it is configured, and acquireProbe() yes", async () => {
    const { stub } = await healthObject();
    expect(await stub.states()).toEqual({ version: null, at: T0, targets: {} });
    expect(await stub.acquireProbe("tgt_a")).toBe(true);
    // outcomes for an unconfigured object are dropped, not kept for a config that may never come
    expect((await stub.report(outcomes("tgt_a", 3, { failed: 3 }))).targets).toEqual({});
    await runInDurableObject(stub, (_instance, state) => expect(schemaVersion(state.storage.sql)).toBe(1));
  });

  it("states() gives every target in config order with its numbers", async () => {
    const { stub } = await healthObject();
    await stub.configure(service({ breaker: BREAKER, passiveUnhealthyThreshold: 5 }), 4);
    await stub.report(outcomes("tgt_b", 3, { failed: 1, latencyMs: 80 }));
    const fresh = {
      healthy: true,
      breaker: "closed",
      openedAt: null,
      halfOpenAt: null,
      probesInFlight: 0,
      changedAt: null,
      lastProbe: null,
    };
    expect(await stub.states()).toEqual({
      version: 4,
      at: T0,
      targets: {
        tgt_a: { targetId: "tgt_a", ...fresh, consecutiveFailures: 0, window: { requests: 0, errors: 0, slow: 0 } },
        // the failed attempt came first; the two successes after it ended the streak
        tgt_b: { targetId: "tgt_b", ...fresh, consecutiveFailures: 0, window: { requests: 3, errors: 1, slow: 0 } },
      },
    });
    expect(Object.keys((await stub.states()).targets)).toEqual(["tgt_a", "tgt_b"]);
  });

  it("ignores a configure() older than the version it has; a newer one adds and forgets targets", async () => {
    const { stub } = await healthObject();
    const svc = service({ breaker: BREAKER });
    expect(await stub.configure(svc, 5)).toBe(true);
    await stub.report(outcomes("tgt_a", 10, { failed: 10 }));
    const older = { ...svc, breaker: null, targets: [{ id: "tgt_c", url: null, binding: "UPSTREAM_C", weight: 1 }] };
    expect(await stub.configure(older, 4)).toBe(false);
    expect(await stub.states()).toMatchObject({ version: 5, targets: { tgt_a: { breaker: "open" }, tgt_b: {} } });
    // same version again (the cron's minute): applied, nothing lost
    expect(await stub.configure(svc, 5)).toBe(true);
    expect((await stub.states()).targets.tgt_a?.breaker).toBe("open");
    const newer = {
      ...svc,
      targets: [svc.targets[0] as (typeof svc.targets)[number], { id: "tgt_c", url: null, binding: "UPSTREAM_C", weight: 1 }],
    };
    expect(await stub.configure(newer, 6)).toBe(true);
    const states = await stub.states();
    expect(Object.keys(states.targets)).toEqual(["tgt_a", "tgt_c"]);
    expect(states.targets.tgt_a?.breaker).toBe("open");
    expect(states.targets.tgt_c).toMatchObject({ healthy: true, breaker: "closed" });
  });

  it("removing the breaker closes every open one", async () => {
    const { stub } = await healthObject();
    const svc = service({ breaker: BREAKER });
    await stub.configure(svc, 1);
    await stub.report(outcomes("tgt_a", 10, { failed: 10 }));
    expect((await stub.states()).targets.tgt_a?.breaker).toBe("open");
    await stub.configure({ ...svc, breaker: null, passiveUnhealthyThreshold: 2 }, 2);
    expect((await stub.states()).targets.tgt_a).toMatchObject({ breaker: "closed", openedAt: null });
    expect(await stub.acquireProbe("tgt_a")).toBe(true);
  });

  it("arms the active checks one interval ahead, re-arms on an interval change and clears them when removed", async () => {
    const { stub } = await healthObject();
    const svc = service({ healthCheck: CHECK });
    await stub.configure({ ...svc, healthCheck: null, passiveUnhealthyThreshold: 1 }, 1);
    expect(await alarmOf(stub)).toBeNull();
    let before = Date.now();
    await stub.configure(svc, 2);
    const first = await alarmOf(stub);
    expect(first).toBeGreaterThanOrEqual(before + 10_000);
    expect(first).toBeLessThanOrEqual(Date.now() + 10_000);
    await stub.configure(svc, 3); // same interval: the armed alarm stays
    expect(await alarmOf(stub)).toBe(first);
    before = Date.now();
    await stub.configure({ ...svc, healthCheck: { ...CHECK, intervalSeconds: 60 } }, 4);
    expect(await alarmOf(stub)).toBeGreaterThanOrEqual(before + 60_000);
    await stub.configure({ ...svc, healthCheck: { ...CHECK, intervalSeconds: 5 } }, 5);
    expect(await alarmOf(stub)).toBeLessThanOrEqual(Date.now() + 5000);
    await stub.configure({ ...svc, healthCheck: null, passiveUnhealthyThreshold: 1 }, 6);
    expect(await alarmOf(stub)).toBeNull();
  });

  it("removing the active checks brings targets they took out back", async () => {
    const { stub } = await healthObject();
    const svc = service({ healthCheck: { ...CHECK, unhealthyThreshold: 1 } });
    await runInDurableObject(stub, (instance: ServiceHealth) => {
      instance.fetcher = async () => new Response(null, { status: 500 });
    });
    await stub.configure(svc, 1);
    await runDurableObjectAlarm(stub);
    expect((await stub.states()).targets.tgt_a?.healthy).toBe(false);
    await stub.configure({ ...svc, healthCheck: null, breaker: BREAKER }, 2);
    expect((await stub.states()).targets.tgt_a).toMatchObject({ healthy: true, changedAt: T0 });
  });
});
