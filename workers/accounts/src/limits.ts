import {
  consumeRateLimit,
  type RateDecision,
  type RateLimiterNamespace,
  type RatePolicy,
  rateLimitHeaders,
  throwIfLimited,
} from "@edgeworks/ratelimit";

const MINUTE = 60_000;

/**
 * Every limit of the accounts API, as GCRA token buckets (`limit` per `periodMs`, bursts of `limit`).
 * A client network is an IPv4 address or an IPv6 /64 (packages/ratelimit's `clientNetwork`).
 * - login: 30 attempts a minute per client network, and 10 per 15 minutes per (email, network) (one
 *   more every 90 s after a burst of 10). Failures from one network never refuse the owner's password
 *   from another. A successful login clears its (email, network) bucket. Across networks, an email has
 *   a slow failure ceiling (100 an hour); once it is spent, only networks that have already failed for
 *   that email are refused (429), so a distributed guesser gets one try per fresh network and the
 *   owner, on a network that has not failed, always gets an answer.
 * - registration: 100 an hour per client network (a burst of 100, then one every 36 s: room for a
 *   test suite or a classroom behind one address, not for a sign-up farm) and 600 per 10 minutes in
 *   all (a burst of 600, then one
 *   a second), checked before the password is hashed.
 * - forgot password: 10 per 15 minutes per network (429); 3 emails per hour per address (beyond that the
 *   answer is still 202 but nothing is sent, so the limit reveals nothing about the account).
 * - verification email requests: 5 per hour per user; password changes (and email changes proven with
 *   the current password): 10 per 15 minutes per user (a stolen access token cannot brute-force the
 *   current password quickly).
 */
export const LIMITS = {
  loginPerNetwork: { limit: 30, periodMs: MINUTE },
  loginPerEmailNetwork: { limit: 10, periodMs: 15 * MINUTE },
  loginFailuresPerEmail: { limit: 100, periodMs: 60 * MINUTE },
  registerPerNetwork: { limit: 100, periodMs: 60 * MINUTE },
  registerGlobal: { limit: 600, periodMs: 10 * MINUTE },
  forgotPerIp: { limit: 10, periodMs: 15 * MINUTE },
  forgotPerEmail: { limit: 3, periodMs: 60 * MINUTE },
  verifyRequestPerUser: { limit: 5, periodMs: 60 * MINUTE },
  passwordChangePerUser: { limit: 10, periodMs: 15 * MINUTE },
} as const satisfies Record<string, RatePolicy>;

export type LimitName = keyof typeof LIMITS;

/** Takes one token from the named limit for `key` (the bucket is `<name>:<key>`). */
export const consume = (ns: RateLimiterNamespace, name: LimitName, key: string): Promise<RateDecision> =>
  consumeRateLimit(ns, `${name}:${key}`, LIMITS[name]);

/** Forgets a key's bucket (after a successful login). */
export const forget = (ns: RateLimiterNamespace, name: LimitName, key: string): Promise<void> =>
  ns.get(ns.idFromName(`${name}:${key}`)).reset();

/**
 * Applies several limits at once: a 429 (with Retry-After and RateLimit-* headers) when any refuses;
 * otherwise the RateLimit-* headers of the tightest one, for the response.
 */
export async function enforce(checks: (Promise<RateDecision> | RateDecision)[], what: string): Promise<Record<string, string>> {
  const decisions = await Promise.all(checks);
  const refused = decisions.filter((d) => !d.allowed).sort((a, b) => b.retryAfterMs - a.retryAfterMs)[0];
  if (refused) throwIfLimited(refused, what);
  const tightest = decisions.sort((a, b) => a.remaining - b.remaining)[0];
  return tightest ? rateLimitHeaders(tightest) : {};
}
