import { type AuthVariables, authenticateWithAccounts, hasScope, type Principal, requireMethodScope } from "@edgeworks/auth";
import { ApiError } from "@edgeworks/http";
import { clientIp, consumeRateLimit, rateLimit, rateLimitHeaders, throwIfLimited } from "@edgeworks/ratelimit";
import type { Context, MiddlewareHandler } from "hono";
import type { MaybeAuthEnv } from "./env";

const isRead = (method: string) => method === "GET" || method === "HEAD";

/** Authentication: a Bearer access token (verified locally) or an `ewk_` API key (verified by accounts). */
export const authenticateCaller = authenticateWithAccounts<Env>();

/** The scope for the method: reads need `links:read`, writes `links:write` (`*` passes both). */
export const requireLinksScope = requireMethodScope("links");

/** Writes per user per minute on existing links (PATCH, DELETE). */
export const WRITE_POLICY = { limit: 600, periodMs: 60_000 };
/** Links an authenticated user may create per minute (a bulk call costs one per link). */
export const CREATE_POLICY = { limit: 120, periodMs: 60_000 };
/** Links one IP may create per hour without an account. */
export const ANONYMOUS_CREATE_POLICY = { limit: 10, periodMs: 3_600_000 };

/** The per-user rate limit on PATCH/DELETE (reads are not limited), with `RateLimit-*` headers. */
export const limitWrites = rateLimit<Env>({
  name: "links-write",
  policy: WRITE_POLICY,
  binding: (env) => env.RATE_LIMITER,
  key: (c) => {
    const method = c.req.method;
    if (isRead(method) || (method === "POST" && c.req.path.endsWith("/bulk"))) return null;
    return (c.var as Partial<AuthVariables>).auth?.userId ?? null;
  },
});

/**
 * Create is open to anonymous callers: with an Authorization header the caller must authenticate
 * (a bad token is 401, never a silent anonymous create) and hold `links:write`.
 */
export const authenticateIfPresent: MiddlewareHandler<MaybeAuthEnv> = async function authenticateIfPresent(c, next) {
  if (c.req.header("Authorization") === undefined) return next();
  return authenticateCaller(c as unknown as Context<{ Bindings: Env; Variables: AuthVariables }>, async () => {
    if (!hasScope(c.var.auth as Principal, "links:write")) throw new ApiError("forbidden", 'This credential lacks the "links:write" scope');
    await next();
  });
};

/**
 * Takes `cost` creations from the caller's budget: per user when authenticated, per IP (strict) when
 * anonymous. Sets `RateLimit-*` headers on the response.
 */
export async function limitCreates(c: Context<MaybeAuthEnv>, cost = 1): Promise<void> {
  const userId = c.var.auth?.userId;
  const decision = userId
    ? await consumeRateLimit(c.env.RATE_LIMITER, `links-create:user:${userId}`, CREATE_POLICY, cost)
    : await consumeRateLimit(c.env.RATE_LIMITER, `links-create:ip:${clientIp(c)}`, ANONYMOUS_CREATE_POLICY, cost);
  throwIfLimited(decision, userId ? "links created" : "anonymous links created from this address");
  for (const [k, v] of Object.entries(rateLimitHeaders(decision))) c.header(k, v);
}

/** The create route's limit: one link from the caller's budget, before the body is even read. */
export const limitCreate: MiddlewareHandler<MaybeAuthEnv> = async function limitCreate(c, next) {
  await limitCreates(c, 1);
  return next();
};
