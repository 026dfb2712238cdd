// The IETF draft's header fields (draft-ietf-httpapi-ratelimit-headers-07): RateLimit-Limit, -Remaining and
// -Reset (delta seconds) for the limit closest to refusing, and RateLimit-Policy listing every limit
// (`100;w=60` and, with a monthly quota, `, 10000;w=2592000;comment="month"`).
import type { RateDecision } from "@edgeworks/ratelimit";

/**
 * The `RateLimit-*` fields of a decision (Retry-After is added by the 429 itself).
 *
 * @example rateHeaders({ allowed: true, limit: 10, remaining: 9, resetMs: 60_000, retryAfterMs: 0 })
 */
export function rateHeaders(d: RateDecision): Record<string, string> {
  return {
    "RateLimit-Limit": String(d.limit),
    "RateLimit-Remaining": String(d.remaining),
    "RateLimit-Reset": String(Math.max(0, Math.ceil(d.resetMs / 1000))),
  };
}

/** A month as the draft's window, in seconds (30 days; the quota itself follows the UTC calendar). */
const MONTH_SECONDS = 30 * 86_400;

/**
 * The `RateLimit-Policy` value of a route's limits.
 *
 * @example policyHeader({ limit: 100, windowSeconds: 60, quota: { limit: 5000, period: "month" } }) // '100;w=60, 5000;w=2592000;comment="month"'
 */
export function policyHeader(config: { limit: number; windowSeconds: number; quota?: { limit: number } }): string {
  const rate = `${config.limit};w=${config.windowSeconds}`;
  return config.quota ? `${rate}, ${config.quota.limit};w=${MONTH_SECONDS};comment="month"` : rate;
}
