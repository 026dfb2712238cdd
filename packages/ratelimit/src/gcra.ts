/** A rate: `limit` requests per `periodMs`, with bursts of up to `burst` (default `limit`). */
export interface RatePolicy {
  limit: number;
  periodMs: number;
  burst?: number;
}

/** The outcome of one decision. */
export interface RateDecision {
  allowed: boolean;
  /** The burst size: how many requests fit at once. */
  limit: number;
  /** Requests still allowed right now. */
  remaining: number;
  /** Milliseconds until the bucket is full again. */
  resetMs: number;
  /** Milliseconds until the refused request would be allowed (0 when allowed). */
  retryAfterMs: number;
}

/**
 * The Generic Cell Rate Algorithm: one number of state (the theoretical arrival time, TAT) gives an
 * exact token bucket. Pure, so the Durable Object only has to store TAT.
 *
 * @example const { decision, tat } = gcra(prevTat, Date.now(), { limit: 10, periodMs: 60_000 });
 */
export function gcra(prevTat: number, now: number, policy: RatePolicy, cost = 1): { decision: RateDecision; tat: number } {
  const burst = policy.burst ?? policy.limit;
  const interval = policy.periodMs / policy.limit;
  const tolerance = interval * burst;
  const tat = Math.max(prevTat, now);
  const newTat = tat + interval * cost;
  const over = newTat - now - tolerance;
  // slack of a thousandth of an interval (≤ 0.01 ms, far below the clock's 1 ms): `interval` is rarely exact in binary (3_600_000 / 7), and
  // N additions of it at epoch magnitudes must not come out a hair over N × interval and refuse the N-th request
  if (over > Math.min(interval / 1000, 0.01)) {
    return {
      tat: prevTat,
      decision: {
        allowed: false,
        limit: burst,
        remaining: Math.max(0, Math.floor((tolerance - (tat - now)) / interval)),
        resetMs: Math.ceil(tat - now),
        retryAfterMs: Math.ceil(over),
      },
    };
  }
  return {
    tat: newTat,
    decision: {
      allowed: true,
      limit: burst,
      remaining: Math.floor((tolerance - (newTat - now)) / interval),
      resetMs: Math.ceil(newTat - now),
      retryAfterMs: 0,
    },
  };
}
