/** How long a failed message waits before its next delivery. */
export interface BackoffOptions {
  /** Seconds the ceiling starts from: attempt n may wait up to `baseSeconds * 2^n` (default 1). */
  baseSeconds?: number;
  /** The ceiling never grows past this (default 60). */
  maxSeconds?: number;
}

/** Queues refuse a delay over 12 hours. */
export const MAX_QUEUE_DELAY_SECONDS = 43_200;

/**
 * The retry delay of a message that failed on its `attempts`-th delivery (1 on the first): exponential
 * backoff with full jitter, a whole number of seconds drawn uniformly from 0 to
 * `min(maxSeconds, baseSeconds * 2^attempts)`. Full jitter (rather than a fixed doubling) spreads the
 * retries of a batch that failed together, so they do not hit a recovering database at the same
 * instant ("Exponential Backoff And Jitter", AWS Architecture Blog, 2015).
 *
 * @example backoffDelay(3) // 0…8
 * @example backoffDelay(10, { maxSeconds: 300 }) // 0…300
 */
export function backoffDelay(attempts: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const ceiling = backoffCeiling(attempts, options);
  return Math.min(ceiling, Math.floor(random() * (ceiling + 1)));
}

/** The largest delay `backoffDelay` can return for this attempt. */
export function backoffCeiling(attempts: number, options: BackoffOptions = {}): number {
  const base = options.baseSeconds ?? 1;
  const max = Math.min(options.maxSeconds ?? 60, MAX_QUEUE_DELAY_SECONDS);
  // attempts is 1-based and grows without bound; cap the exponent so 2^n stays finite
  const exponent = Math.min(Math.max(attempts, 0), 30);
  return Math.max(0, Math.min(max, Math.floor(base * 2 ** exponent)));
}
