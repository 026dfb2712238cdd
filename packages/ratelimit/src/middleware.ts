import { ApiError } from "@edgeworks/http";
import type { Context, Env as HonoEnv, MiddlewareHandler } from "hono";
import { clientNetwork } from "./client";
import type { RateDecision, RatePolicy } from "./gcra";
import type { LimitSpec, MultiDecision, RateLimiter } from "./rate-limiter";

/** The binding type a Worker declares for the RateLimiter class. */
export type RateLimiterNamespace = DurableObjectNamespace<RateLimiter>;

/**
 * Asks the RateLimiter for `key` to take `cost` tokens.
 *
 * @example const d = await consumeRateLimit(env.RATE_LIMITER, `login:ip:${ip}`, { limit: 20, periodMs: 60_000 });
 */
export async function consumeRateLimit(ns: RateLimiterNamespace, key: string, policy: RatePolicy, cost = 1): Promise<RateDecision> {
  return ns.get(ns.idFromName(key)).consume(policy, cost);
}

/**
 * Asks the RateLimiter for `key` to take `cost` from every one of `limits` at once (all or none), e.g. a
 * sliding window and a monthly quota; `at` is the caller's clock (tests inject one).
 *
 * @example const { allowed } = await decideRateLimit(env.RATE_LIMITER, "gw:ws:rte:ip:1.2.3.4", [{ name: "rate", algorithm: "fixed-window", policy: { limit: 5, windowMs: 1000 } }]);
 */
export async function decideRateLimit(
  ns: RateLimiterNamespace,
  key: string,
  limits: LimitSpec[],
  cost = 1,
  at?: number,
): Promise<MultiDecision> {
  return ns.get(ns.idFromName(key)).decide(limits, cost, at);
}

/** The IETF draft `RateLimit-*` headers (delta seconds) for a decision. */
export function rateLimitHeaders(d: RateDecision): Record<string, string> {
  const headers: Record<string, string> = {
    "RateLimit-Limit": String(d.limit),
    "RateLimit-Remaining": String(d.remaining),
    "RateLimit-Reset": String(Math.ceil(d.resetMs / 1000)),
  };
  if (!d.allowed) headers["Retry-After"] = String(Math.max(1, Math.ceil(d.retryAfterMs / 1000)));
  return headers;
}

/** Throws the 429 problem for a refused decision. */
export function throwIfLimited(d: RateDecision, what = "requests"): void {
  if (d.allowed) return;
  throw new ApiError("rate_limited", `Too many ${what}; retry after ${Math.max(1, Math.ceil(d.retryAfterMs / 1000))} s`, {
    headers: rateLimitHeaders(d),
  });
}

export interface RateLimitOptions<B extends object> {
  /** A name for this limit, part of the key (`login`, `create-link`, …). */
  name: string;
  policy: RatePolicy;
  binding: (env: B) => RateLimiterNamespace;
  /** The key to limit by; null skips limiting for this request. Default: the client's network ({@link clientNetwork}). */
  key?: (c: Context<{ Bindings: B }>) => string | null;
}

/**
 * Middleware: sets `RateLimit-Limit/-Remaining/-Reset` on every response and answers 429 with
 * `Retry-After` when the key is over its limit.
 *
 * @example app.use("/links/v1/links", rateLimit({ name: "create", policy: { limit: 10, periodMs: 60_000 }, binding: (e) => e.RATE_LIMITER }));
 */
export function rateLimit<B extends object>(options: RateLimitOptions<B>): MiddlewareHandler<{ Bindings: B }> {
  return async function rateLimit(c, next) {
    const key = options.key ? options.key(c) : clientNetwork(c);
    if (key === null) return next();
    const decision = await consumeRateLimit(options.binding(c.env), `${options.name}:${key}`, options.policy);
    throwIfLimited(decision);
    await next();
    for (const [k, v] of Object.entries(rateLimitHeaders(decision))) c.res.headers.set(k, v);
  };
}

/** Writes per user per minute when a product sets no `WRITE_RATE_LIMIT_PER_MINUTE`: generous for people and scripts, a ceiling for runaway clients. */
export const DEFAULT_WRITES_PER_MINUTE = 600;

interface WriteLimitBindings {
  RATE_LIMITER: RateLimiterNamespace;
  WRITE_RATE_LIMIT_PER_MINUTE?: string;
}

const isRead = (method: string) => method === "GET" || method === "HEAD";

/**
 * The per-user write limit of a product's API (GET and HEAD are not limited), keyed by the caller
 * that an authenticate middleware before it put in `c.var.auth`; `RateLimit-*` headers, 429 past it.
 * The budget is the `WRITE_RATE_LIMIT_PER_MINUTE` var when it is a positive integer, else
 * {@link DEFAULT_WRITES_PER_MINUTE}; the limiter is built on first use, as the limit comes from the environment.
 *
 * @example v1.use(authenticateCaller, requireTodoScope, limitUserWrites<TodoEnv>("todo-write"));
 */
export function limitUserWrites<E extends HonoEnv>(name: string): MiddlewareHandler<E> {
  let limiter: MiddlewareHandler<{ Bindings: WriteLimitBindings }> | undefined;
  return async function limitWrites(c, next) {
    const ctx = c as unknown as Context<{ Bindings: WriteLimitBindings }>;
    if (!limiter) {
      const n = Number(ctx.env.WRITE_RATE_LIMIT_PER_MINUTE);
      limiter = rateLimit<WriteLimitBindings>({
        name,
        policy: { limit: Number.isInteger(n) && n > 0 ? n : DEFAULT_WRITES_PER_MINUTE, periodMs: 60_000 },
        binding: (env) => env.RATE_LIMITER,
        key: (k) => (isRead(k.req.method) ? null : ((k.var as { auth?: { userId?: string } }).auth?.userId ?? null)),
      });
    }
    return limiter(ctx, next);
  };
}
