// The circuit breaker's judgement of a window, as pure functions (the object stores the counts).

import type { AttemptOutcome, CompiledBreaker } from "../contract";

/** Attempts in a breaker window: all of them, the failed ones, and those at or over the p95 limit. */
export interface WindowCounts {
  requests: number;
  errors: number;
  slow: number;
}

/**
 * Whether a closed breaker opens on this window: only with at least `minRequests` attempts, when the
 * error rate reaches `errorRatePercent`, or when the window's p95 latency reaches `p95LatencyMs`.
 * The p95 is exact without keeping the latencies: with nearest rank, p95 = the ⌈0.95·n⌉-th smallest, so
 * p95 ≥ limit exactly when more than n − ⌈0.95·n⌉ attempts took ≥ limit (`slow`).
 *
 * @example shouldOpen(breaker, { requests: 20, errors: 10, slow: 0 }) // true at errorRatePercent 50
 */
export function shouldOpen(breaker: CompiledBreaker, window: WindowCounts): boolean {
  const n = window.requests;
  if (n === 0 || n < breaker.minRequests) return false;
  if (window.errors * 100 >= breaker.errorRatePercent * n) return true;
  return breaker.p95LatencyMs !== null && window.slow > n - Math.ceil(0.95 * n);
}

/**
 * Whether an attempt counts as slow for the p95 rule (timeouts always do: they waited the longest).
 *
 * @example isSlow(breaker, outcome) // latencyMs ≥ p95LatencyMs
 */
export function isSlow(breaker: CompiledBreaker, outcome: AttemptOutcome): boolean {
  if (breaker.p95LatencyMs === null) return false;
  return outcome.timedOut || outcome.latencyMs >= breaker.p95LatencyMs;
}

/**
 * The 1-second bucket an attempt falls in: its own time, clamped into the object's window, so a skewed
 * isolate clock can neither land in the future nor fall out of the window it was reported in.
 *
 * @example bucketOf(outcome.at, now, breaker.windowSeconds)
 */
export function bucketOf(at: number, now: number, windowSeconds: number): number {
  const second = Math.floor(now / 1000);
  const at_ = Number.isFinite(at) ? Math.floor(at / 1000) : second;
  return Math.min(second, Math.max(second - windowSeconds + 1, at_));
}

/**
 * The first bucket still in the window at `now` (older ones are forgotten).
 *
 * @example sql.exec("DELETE FROM buckets WHERE second < ?", windowStart(now, 10));
 */
export function windowStart(now: number, windowSeconds: number): number {
  return Math.floor(now / 1000) - windowSeconds + 1;
}
