// Window counters beside gcra.ts, pure so the Durable Object only stores their small state and the tests
// can drive them with any clock. Counts are exact (one number per window), not sampled.
import type { RateDecision } from "./gcra";

/** `limit` requests per `windowMs`, windows aligned to the epoch; or per calendar month (UTC). */
export type WindowPolicy = { limit: number; windowMs: number } | { limit: number; period: "month" };

/** A window counter's state: the current window's start and count, and the previous window's count. */
export interface WindowState {
  start: number;
  count: number;
  prev: number;
}

/** The step of a decision: the outcome, and the state to store when it is allowed (unchanged when refused). */
export interface WindowStep {
  decision: RateDecision;
  state: WindowState;
  /** When the state can be forgotten (epoch ms): nothing in it matters after this. */
  expiresAt: number;
}

/**
 * The window `now` falls in: `[start, end)`, epoch-aligned for `windowMs`, or the UTC calendar month.
 *
 * @example windowAt(Date.UTC(2026, 1, 10), { limit: 1, period: "month" }) // Feb 1 → Mar 1 (UTC)
 */
export function windowAt(now: number, policy: WindowPolicy): { start: number; end: number } {
  if ("period" in policy) {
    const d = new Date(now);
    return { start: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), end: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) };
  }
  const start = Math.floor(now / policy.windowMs) * policy.windowMs;
  return { start, end: start + policy.windowMs };
}

/** Rolls the state forward to the window of `now` (a clock behind the stored window counts in the stored one). */
function roll(prev: WindowState | undefined, now: number, policy: WindowPolicy): { state: WindowState; start: number; end: number } {
  const { start, end } = windowAt(Math.max(now, prev?.start ?? 0), policy);
  if (!prev || prev.start === start) return { state: prev ?? { start, count: 0, prev: 0 }, start, end };
  // the stored window is the one just before this one only if it ends where this one starts
  const adjacent = windowAt(prev.start, policy).end === start;
  return { state: { start, count: 0, prev: adjacent ? prev.count : 0 }, start, end };
}

/**
 * A fixed window: at most `limit` per window; the count starts again at each window's start.
 *
 * @example const { decision, state } = fixedWindow(stored, Date.now(), { limit: 100, windowMs: 60_000 });
 */
export function fixedWindow(stored: WindowState | undefined, now: number, policy: WindowPolicy, cost = 1): WindowStep {
  const { state, end } = roll(stored, now, policy);
  const at = Math.max(now, state.start);
  const allowed = state.count + cost <= policy.limit;
  const count = allowed ? state.count + cost : state.count;
  return {
    decision: {
      allowed,
      limit: policy.limit,
      remaining: Math.max(0, policy.limit - count),
      resetMs: end - at,
      retryAfterMs: allowed ? 0 : end - at,
    },
    state: { ...state, count },
    expiresAt: end,
  };
}

/**
 * A sliding window: the previous window's count weighted by how much of it still overlaps the last
 * `windowMs`, plus this window's count, must stay within `limit` (Cloudflare's and nginx's estimate, with
 * exact counts per window). `resetMs` is the time to the current window's end; `retryAfterMs` the
 * time until the weighted estimate leaves room.
 *
 * @example const { decision } = slidingWindow(stored, Date.now(), { limit: 100, windowMs: 60_000 });
 */
export function slidingWindow(stored: WindowState | undefined, now: number, policy: WindowPolicy, cost = 1): WindowStep {
  const { state, start, end } = roll(stored, now, policy);
  const at = Math.max(now, start);
  const width = end - start;
  const elapsed = at - start;
  const weight = 1 - elapsed / width;
  const used = state.prev * weight + state.count;
  const allowed = used + cost <= policy.limit;
  const count = allowed ? state.count + cost : state.count;
  const after = state.prev * weight + count;
  return {
    decision: {
      allowed,
      limit: policy.limit,
      remaining: Math.max(0, Math.floor(policy.limit - after)),
      resetMs: end - at,
      retryAfterMs: allowed ? 0 : slidingRetryAfter(state, elapsed, width, policy.limit, cost),
    },
    state: { ...state, count },
    // the count still weighs in during the next window
    expiresAt: end + width,
  };
}

/** How long until `cost` more fits: later in this window as the previous one fades, else in the next one. */
function slidingRetryAfter(state: WindowState, elapsed: number, width: number, limit: number, cost: number): number {
  const room = limit - state.count - cost;
  if (room >= 0 && state.prev > 0) {
    const t = width * (1 - room / state.prev) - elapsed;
    if (t < width - elapsed) return Math.max(1, Math.ceil(t));
  }
  // next window: this window's count becomes the fading previous one
  if (cost > limit) return width - elapsed + width;
  const s = state.count > 0 ? Math.max(0, width * (1 - (limit - cost) / state.count)) : 0;
  return Math.max(1, Math.ceil(width - elapsed + s));
}
