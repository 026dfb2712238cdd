import { describe, expect, it } from "vitest";
import { retryDelay } from "../../src/engine/backoff";
import type { Job } from "../../src/engine/types";
import { at, newQueue, ok, waitForState } from "./helpers";

/** For each retry: when the attempt failed and when the job became ready again. */
function retryGaps(job: Job): number[] {
  const gaps: number[] = [];
  job.timeline.forEach((entry, i) => {
    const next = job.timeline[i + 1];
    if (entry.to === "failed" && next?.to === "waiting") gaps.push(at(next.at) - at(entry.at));
  });
  return gaps;
}

describe("retries with backoff", () => {
  it("fixed: every retry waits at least the delay; after the last attempt the job is dead", async () => {
    const { stub } = await newQueue();
    const [s] = ok(
      await stub.submit([{ name: "test.fail", payload: { message: "boom" }, attempts: 3, backoff: { type: "fixed", delay: 300 } }]),
    );
    const job = await waitForState(stub, s!.job.id, "dead");
    expect(job.attempts).toEqual({ made: 3, max: 3 });
    expect(job.timeline.map((t) => t.to)).toEqual([
      "waiting",
      "active",
      "failed",
      "waiting",
      "active",
      "failed",
      "waiting",
      "active",
      "dead",
    ]);
    expect(job.timeline.map((t) => t.cause)).toContain("attempt 1 failed: boom; retry in 300 ms");
    const gaps = retryGaps(job);
    expect(gaps).toHaveLength(2);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(300);
    expect(job.attemptsLog.map((a) => a.error?.message)).toEqual(["boom", "boom", "boom"]);
    expect(job.attemptsLog[0]?.error?.stack).toContain("boom");
    expect(job.error).toMatchObject({ message: "boom" });
  });

  it("exponential: the waits double (200, 400, 800 ms at least)", async () => {
    const { stub } = await newQueue();
    const [s] = ok(
      await stub.submit([{ name: "test.fail", payload: { failTimes: 3 }, attempts: 4, backoff: { type: "exponential", delay: 200 } }]),
    );
    const job = await waitForState(stub, s!.job.id, "completed");
    expect(job.result).toEqual({ attempt: 4 });
    const gaps = retryGaps(job);
    expect(gaps).toHaveLength(3);
    for (const [i, min] of [200, 400, 800].entries()) expect(gaps[i]).toBeGreaterThanOrEqual(min);
  });

  it("a permanent error skips the remaining attempts", async () => {
    const { stub } = await newQueue();
    const [s] = ok(await stub.submit([{ name: "test.fail", payload: { permanent: true }, attempts: 5 }]));
    const job = await waitForState(stub, s!.job.id, "dead");
    expect(job.attempts.made).toBe(1);
    expect(job.timeline.at(-1)?.cause).toMatch(/\(permanent\)$/);
  });

  it("retryDelay: fixed, exponential, and jitter only shortens the wait", () => {
    expect(retryDelay(null, 1)).toBe(0);
    expect(retryDelay({ type: "fixed", delay: 500 }, 4)).toBe(500);
    expect([1, 2, 3, 4].map((n) => retryDelay({ type: "exponential", delay: 100 }, n))).toEqual([100, 200, 400, 800]);
    expect(retryDelay({ type: "exponential", delay: 1000, jitter: 0.5 }, 2, () => 1)).toBe(1000);
    expect(retryDelay({ type: "exponential", delay: 1000, jitter: 0.5 }, 2, () => 0)).toBe(2000);
    expect(retryDelay({ type: "fixed", delay: 10 ** 12 }, 1)).toBe(86_400_000);
  });
});
