// The circuit breaker in the ServiceHealth object: opens on error rate and on p95 latency over its window,
// never under minRequests, then open → half-open after openSeconds → exactly halfOpenProbes probes at once →
// closed after that many successes, or open again on one failure. Time is the object's injected clock.
import { describe, expect, it } from "vitest";
import { BREAKER, healthObject, outcomes, service, T0 } from "./support";

const breakerOf = async (stub: Awaited<ReturnType<typeof healthObject>>["stub"], id = "tgt_a") => (await stub.states()).targets[id];

describe("circuit breaker", () => {
  it("opens on the error rate over the window, for that target only", async () => {
    const { stub } = await healthObject();
    await stub.configure(service({ breaker: BREAKER }), 1);
    // 9 attempts, 5 failed: under minRequests (10), still closed
    const before = await stub.report(outcomes("tgt_a", 9, { failed: 5 }));
    expect(before.targets.tgt_a).toMatchObject({ breaker: "closed", window: { requests: 9, errors: 5, slow: 0 } });
    const after = await stub.report(outcomes("tgt_a", 1, { failed: 0 })); // 10 attempts, 50 % failed
    expect(after.targets.tgt_a).toMatchObject({ breaker: "open", openedAt: T0, halfOpenAt: T0 + 30_000, healthy: true });
    expect(after.targets.tgt_b).toMatchObject({ breaker: "closed" });
    expect(await stub.acquireProbe("tgt_a")).toBe(false);
    expect(await stub.acquireProbe("tgt_b")).toBe(true);
  });

  it("stays closed under minRequests even when every attempt fails, and under the error rate", async () => {
    const { stub } = await healthObject();
    await stub.configure(service({ breaker: { ...BREAKER, minRequests: 20 } }), 1);
    await stub.report(outcomes("tgt_a", 19, { failed: 19 }));
    expect(await breakerOf(stub)).toMatchObject({ breaker: "closed", window: { requests: 19, errors: 19 } });
    const { stub: other } = await healthObject();
    await other.configure(service({ breaker: BREAKER }), 1);
    // the window is judged at every attempt: successes first, so it never reaches 50 % on the way
    await other.report([...outcomes("tgt_a", 51), ...outcomes("tgt_a", 49, { failed: 49 })]); // 49 % < 50 %
    expect(await breakerOf(other)).toMatchObject({ breaker: "closed", window: { requests: 100, errors: 49 } });
  });

  it("forgets attempts that left the window", async () => {
    const { stub, advance } = await healthObject();
    await stub.configure(service({ breaker: BREAKER }), 1);
    await stub.report(outcomes("tgt_a", 9, { failed: 9 }));
    advance(10_000); // the 10-s window has moved past them
    await stub.report(outcomes("tgt_a", 5, { failed: 5, at: T0 + 10_000 }));
    expect(await breakerOf(stub)).toMatchObject({ breaker: "closed", window: { requests: 5, errors: 5 } });
  });

  it("opens on p95 latency at the limit, not just under it", async () => {
    const { stub } = await healthObject();
    await stub.configure(service({ breaker: { ...BREAKER, p95LatencyMs: 500 } }), 1);
    // 20 attempts: p95 (nearest rank) is the 19th fastest, so one slow attempt leaves it fast
    await stub.report([...outcomes("tgt_a", 19, { latencyMs: 100 }), ...outcomes("tgt_a", 1, { latencyMs: 900 })]);
    expect(await breakerOf(stub)).toMatchObject({ breaker: "closed", window: { requests: 20, errors: 0, slow: 1 } });
    // 21 attempts: p95 is the ⌈19.95⌉ = 20th fastest, and only 19 are fast: p95 = 500 ms, at the limit
    const after = await stub.report(outcomes("tgt_a", 1, { latencyMs: 500 }));
    expect(after.targets.tgt_a).toMatchObject({ breaker: "open", openedAt: T0 });
  });

  it("turns half-open after openSeconds and grants exactly halfOpenProbes concurrent probes", async () => {
    const { stub, advance } = await healthObject();
    await stub.configure(service({ breaker: { ...BREAKER, halfOpenProbes: 3 } }), 1);
    await stub.report(outcomes("tgt_a", 10, { failed: 10 }));
    advance(29_999);
    expect(await breakerOf(stub)).toMatchObject({ breaker: "open" });
    expect(await stub.acquireProbe("tgt_a")).toBe(false);
    advance(1);
    expect(await breakerOf(stub)).toMatchObject({ breaker: "half-open", halfOpenAt: null });
    const grants = await Promise.all(Array.from({ length: 10 }, () => stub.acquireProbe("tgt_a")));
    expect(grants.filter(Boolean)).toHaveLength(3);
    expect(await breakerOf(stub)).toMatchObject({ breaker: "half-open", probesInFlight: 3 });
    // one probe reports success: its slot frees, one more may go
    await stub.report(outcomes("tgt_a", 1, { at: T0 + 30_000 }));
    expect(await stub.acquireProbe("tgt_a")).toBe(true);
    expect(await stub.acquireProbe("tgt_a")).toBe(false);
  });

  it("closes after halfOpenProbes successes with a fresh window", async () => {
    const { stub, advance } = await healthObject();
    await stub.configure(service({ breaker: BREAKER }), 1);
    await stub.report(outcomes("tgt_a", 10, { failed: 10 }));
    advance(30_000);
    expect(await stub.acquireProbe("tgt_a")).toBe(true);
    expect(await stub.acquireProbe("tgt_a")).toBe(true);
    const one = await stub.report(outcomes("tgt_a", 1, { at: T0 + 30_000 }));
    expect(one.targets.tgt_a).toMatchObject({ breaker: "half-open", probesInFlight: 1 });
    const two = await stub.report(outcomes("tgt_a", 1, { at: T0 + 30_000 }));
    expect(two.targets.tgt_a).toMatchObject({ breaker: "closed", openedAt: null, probesInFlight: 0, window: { requests: 0 } });
    expect(await stub.acquireProbe("tgt_a")).toBe(true);
  });

  it("reopens on one failed probe, for another openSeconds", async () => {
    const { stub, advance, clock } = await healthObject();
    await stub.configure(service({ breaker: BREAKER }), 1);
    await stub.report(outcomes("tgt_a", 10, { failed: 10 }));
    advance(30_000);
    expect(await stub.acquireProbe("tgt_a")).toBe(true);
    await stub.report(outcomes("tgt_a", 1, { at: clock.now }));
    const reopened = await stub.report(outcomes("tgt_a", 1, { failed: 1, at: clock.now }));
    expect(reopened.targets.tgt_a).toMatchObject({
      breaker: "open",
      openedAt: clock.now,
      halfOpenAt: clock.now + 30_000,
      probesInFlight: 0,
    });
    expect(await stub.acquireProbe("tgt_a")).toBe(false);
    advance(30_000);
    expect(await breakerOf(stub)).toMatchObject({ breaker: "half-open" });
  });

  it("a granted probe that never reports frees its slot after connect timeout + 10 s", async () => {
    const { stub, advance } = await healthObject();
    await stub.configure(service({ breaker: { ...BREAKER, halfOpenProbes: 1 }, connectTimeoutMs: 2000 }), 1);
    await stub.report(outcomes("tgt_a", 10, { failed: 10 }));
    advance(30_000);
    expect(await stub.acquireProbe("tgt_a")).toBe(true);
    advance(11_999);
    expect(await stub.acquireProbe("tgt_a")).toBe(false);
    advance(1);
    expect(await stub.acquireProbe("tgt_a")).toBe(true);
  });

  it("ignores outcomes that arrive while open, and of targets the config does not have", async () => {
    const { stub } = await healthObject();
    await stub.configure(service({ breaker: BREAKER }), 1);
    await stub.report(outcomes("tgt_a", 10, { failed: 10 }));
    const states = await stub.report([...outcomes("tgt_a", 50), ...outcomes("tgt_zz", 3, { failed: 3 })]);
    expect(states.targets.tgt_a).toMatchObject({ breaker: "open", window: { requests: 0 } });
    expect(Object.keys(states.targets)).toEqual(["tgt_a", "tgt_b"]);
  });
});
