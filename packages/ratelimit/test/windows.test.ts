import { describe, expect, it } from "vitest";
import { fixedWindow, slidingWindow, type WindowState, windowAt } from "../src";

const policy = { limit: 3, windowMs: 1000 };

/** Runs `times` hits at `now` through `step`, threading the state like the Durable Object does. */
function hits(step: typeof fixedWindow, state: WindowState | undefined, now: number, times: number) {
  const allowed: boolean[] = [];
  let s = state;
  for (let i = 0; i < times; i++) {
    const r = step(s, now, policy);
    allowed.push(r.decision.allowed);
    s = r.state;
  }
  return { allowed, state: s };
}

describe("windowAt", () => {
  it("aligns windows to the epoch and months to the UTC calendar", () => {
    expect(windowAt(12_345, policy)).toEqual({ start: 12_000, end: 13_000 });
    expect(windowAt(Date.UTC(2026, 1, 28, 23, 59), { limit: 1, period: "month" })).toEqual({
      start: Date.UTC(2026, 1, 1),
      end: Date.UTC(2026, 2, 1),
    });
    expect(windowAt(Date.UTC(2026, 11, 31, 23, 59, 59, 999), { limit: 1, period: "month" }).end).toBe(Date.UTC(2027, 0, 1));
  });
});

describe("fixedWindow", () => {
  it("allows exactly limit per window and starts again at the boundary", () => {
    const first = hits(fixedWindow, undefined, 10_999, 4);
    expect(first.allowed).toEqual([true, true, true, false]);
    const refused = fixedWindow(first.state, 10_999, policy).decision;
    expect(refused).toMatchObject({ allowed: false, remaining: 0, resetMs: 1, retryAfterMs: 1 });
    expect(hits(fixedWindow, first.state, 11_000, 4).allowed).toEqual([true, true, true, false]);
  });

  it("counts a hit whose clock is behind the stored window in that window", () => {
    const { state } = hits(fixedWindow, undefined, 11_500, 3);
    expect(fixedWindow(state, 10_900, policy).decision.allowed).toBe(false);
  });

  it("refuses a monthly quota until the first of the next month (UTC)", () => {
    const month = { limit: 2, period: "month" } as const;
    let s: WindowState | undefined;
    const jan31 = Date.UTC(2026, 0, 31, 23, 0);
    for (const expected of [true, true, false]) {
      const r = fixedWindow(s, jan31, month);
      expect(r.decision.allowed).toBe(expected);
      s = r.state;
    }
    expect(fixedWindow(s, jan31, month).decision.retryAfterMs).toBe(3_600_000);
    expect(fixedWindow(s, Date.UTC(2026, 1, 1), month).decision.allowed).toBe(true);
  });
});

describe("slidingWindow", () => {
  it("weighs the previous window by its remaining overlap", () => {
    const full = hits(slidingWindow, undefined, 10_000, 3).state; // 3 in [10000, 11000)
    // at 11250 the previous window still weighs 0.75 × 3 = 2.25: nothing fits (2.25 + 1 > 3)
    const early = slidingWindow(full, 11_250, policy);
    expect(early.decision.allowed).toBe(false);
    // room appears once 3 × (1 - e) + 1 ≤ 3, i.e. e ≥ 1/3 of the window: 83 ms after 11250
    expect(early.decision.retryAfterMs).toBe(84);
    // at 11400 it weighs 1.8: one fits (2.8), the next does not
    expect(hits(slidingWindow, full, 11_400, 2).allowed).toEqual([true, false]);
  });

  it("forgets a window that is not the one just before", () => {
    const full = hits(slidingWindow, undefined, 10_000, 3).state;
    expect(hits(slidingWindow, full, 12_000, 4).allowed).toEqual([true, true, true, false]);
  });

  it("never allows more than limit in any window-long span at the boundary", () => {
    // 3 at the very end of a window, then the start of the next: the old fixed-window burst of 2× is gone
    const late = hits(slidingWindow, undefined, 10_999, 3).state;
    expect(hits(slidingWindow, late, 11_000, 3).allowed).toEqual([false, false, false]);
  });

  it("says how long until the next window leaves room when this one is full", () => {
    const { state } = hits(slidingWindow, undefined, 10_500, 3);
    // this window is full (3); from 11000 on the 3 fade: one fits once 3 × (1 - s) + 1 ≤ 3 → s ≥ 1/3
    expect(slidingWindow(state, 10_500, policy).decision.retryAfterMs).toBe(500 + 334);
  });
});
