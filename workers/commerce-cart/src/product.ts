import { type ServiceLogger, serviceLogger } from "@edgeworks/commerce-contracts";
import { defineProduct, type GuardedEnv } from "@edgeworks/product";
import { drizzle } from "drizzle-orm/d1";
import type { Context } from "hono";
import { catalogPrices } from "./catalog";
import type { ServiceDeps } from "./deps";

/** The Hono environment of the guarded API: generated bindings plus the authenticated principal. */
export type CommerceCartEnv = GuardedEnv<Env>;

/** One logger per request (shared by the deps of that request), flushed to the log sink after the response. */
const loggers = new WeakMap<Request, ServiceLogger>();

/** The request's logger (created on first use). */
export function loggerOf(c: Context): ServiceLogger {
  let logger = loggers.get(c.req.raw);
  if (!logger) {
    logger = serviceLogger(c.env as Env, "cart", { requestId: c.get("requestId") ?? null, correlationId: null });
    loggers.set(c.req.raw, logger);
  }
  return logger;
}

/** The user's Cart Durable Object. */
export const cartOf = (env: Env, userId: string) => env.CART.get(env.CART.idFromName(userId));

/**
 * The commerce cart service: health at `/commerce/health`, its OpenAPI document at `/commerce/openapi.json`
 * (the gateway merges it), and `/commerce/v1/cart…` behind the guard (`commerce:read` / `commerce:write`).
 * Reached only through the commerce gateway's service binding (and orders' RPC).
 */
export const commerceCart = defineProduct<Env, ServiceDeps>({
  prefix: "/commerce",
  title: "Commerce cart service",
  version: "1.0.0",
  description:
    "One cart per user (a Durable Object), priced by the catalog service over RPC on every read. Every route under " +
    "`/commerce/v1` needs a Bearer access token (or an `ewk_` API key) with `commerce:read` for reads and `commerce:write` " +
    "for writes; writes are rate limited per user (600/min, `RateLimit-*` headers). Errors are `application/problem+json` " +
    "(RFC 9457); catalog unreachable is a 503 with `Retry-After`.",
  guard: { scope: "commerce" },
  deps: (c) => {
    const logger = loggerOf(c);
    return {
      db: drizzle(c.env.DB),
      userId: c.var.auth.userId,
      now: Date.now,
      cart: cartOf(c.env, c.var.auth.userId),
      prices: catalogPrices(c.env, { requestId: c.get("requestId") }, logger),
      logger,
    };
  },
});

// every request's log entries go to the sink after the response
commerceCart.app.use("/commerce/v1/*", async (c, next) => {
  try {
    await next();
  } finally {
    const logger = loggers.get(c.req.raw);
    if (logger) c.executionCtx.waitUntil(logger.flush());
  }
});

/** The service dependencies of an authenticated request. */
export const depsOf = commerceCart.deps;
