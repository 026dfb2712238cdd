import { afterEach, describe, expect, it, vi } from "vitest";
import { BUILTIN_HANDLERS } from "../../src/handlers/registry";
import { newQueue, ok, waitForCount } from "./helpers";

afterEach(() => vi.restoreAllMocks());

/** Priorities 1..10 spread over n jobs in a scrambled order. */
const mixedPriorities = (n: number) => Array.from({ length: n }, (_, i) => ((i * 7919) % 10) + 1);

/** The ids in the order they must run: priority DESC, then submit order. */
const expectedOrder = (ids: string[], priorities: number[]) =>
  ids
    .map((id, i) => ({ id, priority: priorities[i] as number, i }))
    .sort((a, b) => b.priority - a.priority || a.i - b.i)
    .map((j) => j.id);

describe("ready order: priority DESC, then FIFO", () => {
  it("1000 jobs of mixed priorities with concurrency 1 run in priority order, FIFO within each priority", async () => {
    const { stub } = await newQueue({ concurrency: 1 });
    const priorities = mixedPriorities(1000);
    const ids = ok(await stub.submit(priorities.map((priority) => ({ name: "ext.order", priority })))).map((s) => s.job.id);
    const ran: string[] = [];
    for (;;) {
      const leased = ok(await stub.lease({ max: 100, leaseSeconds: 60, worker: "w1" }));
      if (leased.length === 0) break;
      // concurrency 1: one job per lease, however many are asked for
      expect(leased).toHaveLength(1);
      ran.push(leased[0]!.id);
      ok(await stub.complete(leased[0]!.id, leased[0]!.token, null));
    }
    expect(ran).toEqual(expectedOrder(ids, priorities));
    expect(ok(await stub.counts())).toMatchObject({ completed: 1000, waiting: 0, active: 0 });
  }, 120_000);

  it("built-in jobs go through the real queue in the same order (concurrency 1)", async () => {
    const { stub, reconfigure } = await newQueue({ concurrency: 1, paused: true });
    const runs: string[] = [];
    const original = BUILTIN_HANDLERS["test.sleep"]!.handler;
    vi.spyOn(BUILTIN_HANDLERS["test.sleep"]!, "handler").mockImplementation((payload, ctx) => {
      runs.push(ctx.job.id);
      return original(payload, ctx);
    });
    // paused while submitting, so the first job to run is chosen among all of them
    const priorities = mixedPriorities(60);
    const ids = ok(await stub.submit(priorities.map((priority) => ({ name: "test.sleep", payload: { ms: 0 }, priority })))).map(
      (s) => s.job.id,
    );
    await reconfigure({ paused: false });
    await waitForCount(stub, "completed", 60);
    expect(runs).toEqual(expectedOrder(ids, priorities));
  }, 120_000);

  it("external leases never exceed the concurrency", async () => {
    const { stub } = await newQueue({ concurrency: 2 });
    const ids = ok(await stub.submit([1, 5, 5, 9, 1].map((priority) => ({ name: "ext.order", priority })))).map((s) => s.job.id);
    const first = ok(await stub.lease({ max: 10, leaseSeconds: 60, worker: "w1" }));
    expect(first.map((j) => j.id)).toEqual([ids[3], ids[1]]);
    expect(ok(await stub.lease({ max: 10, leaseSeconds: 60, worker: "w1" }))).toEqual([]);
    ok(await stub.complete(first[0]!.id, first[0]!.token, null));
    expect(ok(await stub.lease({ max: 10, leaseSeconds: 60, worker: "w1" })).map((j) => j.id)).toEqual([ids[2]]);
  });
});
