import type { AuthVariables } from "@edgeworks/auth";
import { DOH_TIMEOUT_MS, dnsCheckEnabled } from "@edgeworks/egress";
import { defineProduct, type GuardedEnv, type OptionalAuthEnv, authenticateIfPresent as optionalAuth } from "@edgeworks/product";
import { clientNetwork, consumeRateLimit, rateLimit, rateLimitHeaders, throwIfLimited } from "@edgeworks/ratelimit";
import { drizzle } from "drizzle-orm/d1";
import type { Context, MiddlewareHandler } from "hono";
import { type LinkDeps, type OwnerDeps, shortOrigin, urlPolicyOf } from "./deps";

/** The Hono environment of the authenticated API: generated bindings plus the principal. */
export type LinksEnv = GuardedEnv<Env>;
/** The Hono environment of routes that also serve anonymous callers (create). */
export type MaybeAuthEnv = OptionalAuthEnv<Env>;

/** The service dependencies of a request; `userId` is null for anonymous callers. */
export const depsOf = (c: Context<MaybeAuthEnv> | Context<LinksEnv>): LinkDeps => ({
  db: drizzle(c.env.DB),
  cache: c.env.LINK_CACHE,
  userId: c.var.auth?.userId ?? null,
  now: Date.now,
  origin: shortOrigin(c.env, c.req.url),
  urlPolicy: urlPolicyOf(c.env, c.req.url),
  dns: dnsCheckEnabled(c.env)
    ? {
        cache: c.env.LINK_CACHE,
        fetch: (request) => fetch(request),
        defer: (work) => c.executionCtx.waitUntil(work),
        timeoutMs: DOH_TIMEOUT_MS,
      }
    : null,
  defer: (work) => c.executionCtx.waitUntil(work),
});

/**
 * The URL shortener: health at `/links/health`, docs at `/links/docs`, `/links/v1` behind one guard (a
 * Bearer token or `ewk_` API key, `links:read`/`links:write`) with links' own write limit (below), and
 * the anonymous create on the open router.
 */
export const links = defineProduct<Env, OwnerDeps>({
  prefix: "/links",
  title: "URL shortener",
  version: "1.0.0",
  description:
    "Short links at the edge: `GET /{slug}` redirects from a KV cache (no database round trip), with expiry, exact " +
    "click caps, passwords, device/country/language rules and UTM pass-through. Clicks are counted through a Queue " +
    "into per-hour aggregates (humans and bots apart) within seconds. The API under `/links/v1` needs a Bearer access " +
    "token (or an `ewk_` API key) with `links:read` / `links:write`, except creating a link, which anonymous callers " +
    "may do at a strict per-network rate (IPv6 by /64). Errors are `application/problem+json` (RFC 9457).",
  // bulk create spends the create budget instead, so the write limit is links' own (limitWrites)
  guard: { writeLimit: false },
  deps: (c) => ({ ...depsOf(c), userId: c.var.auth.userId }),
});

/** The service dependencies of an authenticated request. */
export const ownerDepsOf = links.deps;

/** Writes per user per minute on existing links (PATCH, DELETE). */
export const WRITE_POLICY = { limit: 600, periodMs: 60_000 };
/** Links an authenticated user may create per minute (a bulk call costs one per link). */
export const CREATE_POLICY = { limit: 120, periodMs: 60_000 };
/** Links one network (IPv6 /64, IPv4 address) may create per hour without an account. */
export const ANONYMOUS_CREATE_POLICY = { limit: 10, periodMs: 3_600_000 };

const isRead = (method: string) => method === "GET" || method === "HEAD";

/** The per-user rate limit on PATCH/DELETE (reads and bulk create are not limited here), with `RateLimit-*` headers. */
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
links.v1.use(limitWrites);

/**
 * Create is open to anonymous callers: with an Authorization header the caller must authenticate
 * (a bad token is 401, never a silent anonymous create) and hold `links:write`.
 */
export const authenticateIfPresent = optionalAuth<Env>({ scope: "links:write" });

/**
 * Takes `cost` creations from the caller's budget: per user when authenticated, per network (strict: IPv6 by /64)
 * when anonymous. Sets `RateLimit-*` headers on the response.
 */
export async function limitCreates(c: Context<MaybeAuthEnv> | Context<LinksEnv>, cost = 1): Promise<void> {
  const userId = c.var.auth?.userId;
  const decision = userId
    ? await consumeRateLimit(c.env.RATE_LIMITER, `links-create:user:${userId}`, CREATE_POLICY, cost)
    : await consumeRateLimit(c.env.RATE_LIMITER, `links-create:ip:${clientNetwork(c)}`, ANONYMOUS_CREATE_POLICY, cost);
  throwIfLimited(decision, userId ? "links created" : "anonymous links created from this address");
  for (const [k, v] of Object.entries(rateLimitHeaders(decision))) c.header(k, v);
}

/** The create route's limit: one link from the caller's budget, before the body is even read. */
export const limitCreate: MiddlewareHandler<MaybeAuthEnv> = async function limitCreate(c, next) {
  await limitCreates(c, 1);
  return next();
};
