import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { HISTOGRAM_BUCKETS } from "../../src/engine/types";
import { newQueue, ok, waitForCount } from "./helpers";

describe("counts and metrics", () => {
  it("counts per state, completed/failed totals and wait/run histograms", async () => {
    const { stub } = await newQueue();
    ok(
      await stub.submit([
        { name: "test.sleep", payload: { ms: 0 } },
        { name: "test.sleep", payload: { ms: 0 } },
        { name: "test.fail" },
        { name: "ext.idle" },
        { name: "ext.later", delay: 600_000 },
      ]),
    );
    await waitForCount(stub, "completed", 2);
    await waitForCount(stub, "dead", 1);
    const m = ok(await stub.metrics());
    expect(m.counts).toEqual({ waiting: 1, delayed: 1, "waiting-children": 0, active: 0, completed: 2, failed: 0, dead: 1, cancelled: 0 });
    expect(m).toMatchObject({ completedTotal: 2, failedTotal: 1 });
    expect(m.waitSeconds.count).toBe(3);
    expect(m.runSeconds.count).toBe(3);
    expect(m.runSeconds.buckets).toHaveLength(HISTOGRAM_BUCKETS.length);
    // cumulative: never decreasing, and at most the count
    for (const h of [m.waitSeconds, m.runSeconds]) {
      for (const [i, b] of h.buckets.entries()) expect(b).toBeGreaterThanOrEqual(h.buckets[i - 1] ?? 0);
      expect(h.buckets.at(-1)).toBeLessThanOrEqual(h.count);
    }
  });

  it("an object never configured answers not_found", async () => {
    const stub = env.QUEUE_SCHEDULER.get(env.QUEUE_SCHEDULER.idFromName(`u_none/q_${crypto.randomUUID()}`));
    expect(await stub.counts()).toMatchObject({ ok: false, code: "not_found" });
    expect(await stub.submit([{ name: "x" }])).toMatchObject({ ok: false, code: "not_found" });
  });

  it("destroy empties the object", async () => {
    const { stub } = await newQueue({ paused: true });
    ok(await stub.submit([{ name: "test.sleep", payload: { ms: 0 } }]));
    ok(await stub.destroy());
    expect(await stub.counts()).toMatchObject({ ok: false, code: "not_found" });
  });
});
