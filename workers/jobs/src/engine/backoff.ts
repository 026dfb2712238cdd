import type { Backoff } from "./types";

/** The longest wait a retry may get (a day), whatever the backoff asks for. */
export const MAX_RETRY_DELAY_MS = 86_400_000;

/**
 * Milliseconds before the retry after the `failedAttempt`-th failure (1 for the first): `delay` for
 * `fixed`, `delay * 2^(n-1)` for `exponential`, then multiplied by a random factor in `[1 - jitter, 1]`
 * (so jitter only shortens a wait, and the unjittered value is the ceiling). No backoff retries at once.
 *
 * @example retryDelay({ type: "exponential", delay: 1000 }, 3) // 4000
 */
export function retryDelay(backoff: Backoff | null, failedAttempt: number, random: () => number = Math.random): number {
  if (!backoff) return 0;
  const exponent = Math.min(Math.max(failedAttempt - 1, 0), 40);
  const base = backoff.type === "fixed" ? backoff.delay : backoff.delay * 2 ** exponent;
  const jitter = Math.min(Math.max(backoff.jitter ?? 0, 0), 1);
  const factor = 1 - jitter * random();
  return Math.min(MAX_RETRY_DELAY_MS, Math.max(0, Math.round(base * factor)));
}
