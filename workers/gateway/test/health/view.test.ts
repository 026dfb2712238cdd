// The proxy's health view: no I/O for unmonitored services, ServiceHealth states cached ≤ 1 s per isolate,
// one report RPC per request in waitUntil, an object that missed a publish configured, and fail-open.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import type { AttemptOutcome } from "../../src/contract";
import { healthStub } from "../../src/health/stub";
import { clearHealthCache, healthView, VIEW_TTL_MS } from "../../src/health/view";
import { BREAKER, outcomes, recordingEnv, service, snapshotOf } from "./support";

const wsId = () => `ws_${crypto.randomUUID()}`;

beforeEach(() => clearHealthCache());

describe("healthView", () => {
  it("never touches the object for a service without health checks or breaker", async () => {
    const { env: recEnv, calls } = recordingEnv({ broken: true });
    const svc = service();
    const exec = createExecutionContext();
    const view = await healthView(recEnv, exec, snapshotOf(wsId(), [svc]), svc);
    expect(view.monitored).toBe(false);
    expect(view.state("tgt_a")).toEqual({ healthy: true, breaker: "closed" });
    view.report(outcomes("tgt_a", 1, { failed: 1 })[0] as AttemptOutcome);
    view.flush();
    expect(await view.acquireProbe("tgt_a")).toBe(true);
    await waitOnExecutionContext(exec);
    expect(calls).toEqual([]);
  });

  it("shows an open breaker and unhealthy target, and keeps its copy for VIEW_TTL_MS", async () => {
    const { env: recEnv, calls } = recordingEnv();
    const ws = wsId();
    const svc = service({ breaker: BREAKER, passiveUnhealthyThreshold: 2 });
    const stub = healthStub(env, ws, svc.id);
    await stub.configure(svc, 1);
    await stub.report(outcomes("tgt_a", 10, { failed: 10 }));
    let t = 5_000_000;
    const now = () => t;
    const exec = createExecutionContext();
    const view = await healthView(recEnv, exec, snapshotOf(ws, [svc]), svc, now);
    expect(view.monitored).toBe(true);
    expect(view.state("tgt_a")).toEqual({ healthy: false, breaker: "open" });
    expect(view.state("tgt_b")).toEqual({ healthy: true, breaker: "closed" });
    expect(view.state("tgt_unknown")).toEqual({ healthy: true, breaker: "closed" });
    // the object changes; within the TTL this isolate still sees its copy, without asking
    const v2 = { ...svc, breaker: { ...BREAKER, minRequests: 50 }, passiveUnhealthyThreshold: 0 };
    await stub.configure(v2, 2); // passive off: tgt_a is back; the breaker stays open
    t += VIEW_TTL_MS - 1;
    expect((await healthView(recEnv, exec, snapshotOf(ws, [v2], 2), v2, now)).state("tgt_a")).toEqual({ healthy: false, breaker: "open" });
    t += 1;
    expect((await healthView(recEnv, exec, snapshotOf(ws, [v2], 2), v2, now)).state("tgt_a")).toEqual({ healthy: true, breaker: "open" });
    await waitOnExecutionContext(exec);
    expect(calls).toEqual([`states ${ws}/${svc.id}`, `states ${ws}/${svc.id}`]);
  });

  it("shares one read between concurrent requests", async () => {
    const { env: recEnv, calls } = recordingEnv();
    const ws = wsId();
    const svc = service({ breaker: BREAKER });
    await healthStub(env, ws, svc.id).configure(svc, 1);
    const exec = createExecutionContext();
    const views = await Promise.all(Array.from({ length: 5 }, () => healthView(recEnv, exec, snapshotOf(ws, [svc]), svc)));
    expect(views.map((v) => v.state("tgt_a").breaker)).toEqual(Array(5).fill("closed"));
    expect(calls).toEqual([`states ${ws}/${svc.id}`]);
  });

  it("sends a request's outcomes in one report after the response, and keeps the states it answers", async () => {
    const { env: recEnv, calls } = recordingEnv();
    const ws = wsId();
    const svc = service({ breaker: { ...BREAKER, minRequests: 2 } });
    await healthStub(env, ws, svc.id).configure(svc, 1);
    const exec = createExecutionContext();
    const view = await healthView(recEnv, exec, snapshotOf(ws, [svc]), svc);
    for (const outcome of outcomes("tgt_a", 2, { failed: 2, at: Date.now() })) view.report(outcome);
    expect(view.state("tgt_a").breaker).toBe("closed"); // this request's view does not change under it
    view.flush();
    view.flush(); // nothing left to send
    await waitOnExecutionContext(exec);
    expect(calls).toEqual([`states ${ws}/${svc.id}`, `report ${ws}/${svc.id}`]);
    // the next request sees the breaker the report opened, from the copy the report returned
    const next = await healthView(recEnv, createExecutionContext(), snapshotOf(ws, [svc]), svc);
    expect(next.state("tgt_a").breaker).toBe("open");
    expect(calls).toHaveLength(2);
  });

  it("sends the outcomes of requests that finish together in one report", async () => {
    const { env: recEnv, calls } = recordingEnv();
    const ws = wsId();
    const svc = service({ breaker: BREAKER });
    await healthStub(env, ws, svc.id).configure(svc, 1);
    const execs = Array.from({ length: 4 }, () => createExecutionContext());
    const views = await Promise.all(execs.map((exec) => healthView(recEnv, exec, snapshotOf(ws, [svc]), svc)));
    for (const view of views) {
      for (const outcome of outcomes("tgt_b", 3, { failed: 1, at: Date.now() })) view.report(outcome);
      view.flush();
    }
    await Promise.all(execs.map((exec) => waitOnExecutionContext(exec)));
    expect(calls).toEqual([`states ${ws}/${svc.id}`, `report ${ws}/${svc.id}`]);
    expect((await healthStub(env, ws, svc.id).states()).targets.tgt_b?.window).toEqual({ requests: 12, errors: 4, slow: 0 });
  });

  it("does not wait on an object that does not answer: all healthy after READ_TIMEOUT_MS, no probe", async () => {
    const hung = new Promise<never>(() => {});
    const namespace = { idFromName: () => ({}), get: () => ({ states: () => hung, acquireProbe: () => hung }) };
    const svc = service({ breaker: BREAKER });
    const view = await healthView(
      { ...env, SERVICE_HEALTH: namespace } as unknown as Env,
      createExecutionContext(),
      snapshotOf(wsId(), [svc]),
      svc,
    );
    expect(view.state("tgt_a")).toEqual({ healthy: true, breaker: "closed" });
    expect(await view.acquireProbe("tgt_a")).toBe(false);
  });

  it("sees an open breaker turn half-open at its time, and asks the object for a probe", async () => {
    const ws = wsId();
    const svc = service({ breaker: { ...BREAKER, halfOpenProbes: 1, openSeconds: 5 } });
    const stub = healthStub(env, ws, svc.id);
    await stub.configure(svc, 1);
    const { targets } = await stub.report(outcomes("tgt_a", 10, { failed: 10, at: Date.now() }));
    const halfOpenAt = targets.tgt_a?.halfOpenAt as number;
    let t = halfOpenAt - 1;
    const view = await healthView(env, createExecutionContext(), snapshotOf(ws, [svc]), svc, () => t);
    expect(view.state("tgt_a").breaker).toBe("open");
    t = halfOpenAt;
    expect(view.state("tgt_a").breaker).toBe("half-open");
    // the object's own clock has not reached halfOpenAt yet: no probe
    expect(await view.acquireProbe("tgt_a")).toBe(false);
  });

  it("configures an object that missed the publish of the snapshot's version", async () => {
    const ws = wsId();
    const svc = service({ passiveUnhealthyThreshold: 3 });
    const stub = healthStub(env, ws, svc.id);
    await stub.configure(svc, 2);
    const exec = createExecutionContext();
    await healthView(env, exec, snapshotOf(ws, [{ ...svc, passiveUnhealthyThreshold: 1 }], 7), { ...svc, passiveUnhealthyThreshold: 1 });
    await waitOnExecutionContext(exec);
    expect((await stub.states()).version).toBe(7);
    await stub.report(outcomes("tgt_a", 1, { failed: 1 }));
    expect((await stub.states()).targets.tgt_a?.healthy).toBe(false); // threshold 1 is in force
  });

  it("fails open when the object is unreachable: all healthy, no probes", async () => {
    const { env: recEnv, calls } = recordingEnv({ broken: true });
    const ws = wsId();
    const svc = service({ breaker: BREAKER });
    const exec = createExecutionContext();
    const view = await healthView(recEnv, exec, snapshotOf(ws, [svc]), svc);
    expect(view.state("tgt_a")).toEqual({ healthy: true, breaker: "closed" });
    expect(await view.acquireProbe("tgt_a")).toBe(false);
    view.report(outcomes("tgt_a", 1)[0] as AttemptOutcome);
    view.flush();
    await waitOnExecutionContext(exec);
    expect(calls.map((c) => c.split(" ")[0])).toEqual(["states", "acquireProbe", "report"]);
  });
});
