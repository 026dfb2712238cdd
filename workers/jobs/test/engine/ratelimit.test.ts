import { describe, expect, it } from "vitest";
import { at, newQueue, ok, waitForCount } from "./helpers";

describe("the rate limit (sliding window of starts, exact)", () => {
  it("starts at most max jobs in any perSeconds window, and no fewer than it allows", async () => {
    const { stub } = await newQueue({ concurrency: 100, rateLimit: { max: 3, perSeconds: 1 } });
    const ids = ok(await stub.submit(Array.from({ length: 9 }, () => ({ name: "test.sleep", payload: { ms: 0 } })))).map((s) => s.job.id);
    await waitForCount(stub, "completed", 9);
    const starts: number[] = [];
    for (const id of ids) {
      const job = ok(await stub.get(id));
      starts.push(...job.timeline.filter((t) => t.to === "active").map((t) => at(t.at)));
    }
    starts.sort((a, b) => a - b);
    expect(starts).toHaveLength(9);
    // exact: no window of 1 s (t - 1000, t] holds more than 3 starts
    for (const t of starts) expect(starts.filter((s) => s > t - 1000 && s <= t).length).toBeLessThanOrEqual(3);
    // …so the 4th and 7th starts wait for the window (lower bounds only)
    expect(starts[3]! - starts[0]!).toBeGreaterThanOrEqual(1000);
    expect(starts[6]! - starts[3]!).toBeGreaterThanOrEqual(1000);
  });

  it("applies to external leases too: N per window, then none until it slides", async () => {
    const { stub } = await newQueue({ concurrency: 100, rateLimit: { max: 2, perSeconds: 60 } });
    ok(await stub.submit(Array.from({ length: 5 }, () => ({ name: "ext.rl" }))));
    expect(ok(await stub.lease({ max: 10, leaseSeconds: 30, worker: "w" }))).toHaveLength(2);
    expect(ok(await stub.lease({ max: 10, leaseSeconds: 30, worker: "w" }))).toHaveLength(0);
    expect(ok(await stub.counts())).toMatchObject({ active: 2, waiting: 3 });
  });
});
