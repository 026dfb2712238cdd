import { describe, expect, it } from "vitest";
import { backoffCeiling, backoffDelay, MAX_QUEUE_DELAY_SECONDS } from "../src";

describe("backoffDelay", () => {
  it("doubles its ceiling with each attempt up to maxSeconds", () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((a) => backoffCeiling(a))).toEqual([2, 4, 8, 16, 32, 60, 60]);
    expect(backoffCeiling(3, { baseSeconds: 5, maxSeconds: 300 })).toBe(40);
    expect(backoffCeiling(1_000)).toBe(60);
    expect(backoffCeiling(1_000, { maxSeconds: 1e9 })).toBe(MAX_QUEUE_DELAY_SECONDS);
  });

  it("is full jitter: 0 at the bottom of the random range, the ceiling at the top", () => {
    expect(backoffDelay(4, {}, () => 0)).toBe(0);
    expect(backoffDelay(4, {}, () => 0.999_999)).toBe(16);
    expect(backoffDelay(4, {}, () => 0.5)).toBe(8);
  });

  it("stays within [0, ceiling] in whole seconds and spreads over the range", () => {
    for (const attempts of [1, 3, 6, 20]) {
      const ceiling = backoffCeiling(attempts);
      const seen = new Set<number>();
      for (let i = 0; i < 2_000; i++) {
        const d = backoffDelay(attempts);
        expect(Number.isInteger(d)).toBe(true);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(ceiling);
        seen.add(d);
      }
      // jitter, not a fixed delay: most of the possible values come up
      expect(seen.size).toBeGreaterThan(Math.min(ceiling, 30) * 0.8);
    }
  });
});
