import { accountsDirectory } from "@edgeworks/auth";
import { type ServiceLogger, serviceLogger } from "@edgeworks/commerce-contracts";
import { defineProduct, type GuardedEnv } from "@edgeworks/product";
import { drizzle } from "drizzle-orm/d1";
import type { Context } from "hono";
import type { ServiceDeps } from "./deps";

/** The Hono environment of the guarded API: generated bindings plus the authenticated principal. */
export type CommerceUsersEnv = GuardedEnv<Env>;

/** One logger per request (shared by the deps of that request), flushed to the log sink after the response. */
const loggers = new WeakMap<Request, ServiceLogger>();

/** The request's logger (created on first use; `flushLogs` ships it). */
export function loggerOf(c: Context): ServiceLogger {
  let logger = loggers.get(c.req.raw);
  if (!logger) {
    logger = serviceLogger(c.env as Env, "users", { requestId: c.get("requestId") ?? null, correlationId: null });
    loggers.set(c.req.raw, logger);
  }
  return logger;
}

/**
 * The commerce users service: health at `/commerce/health`, its OpenAPI document at `/commerce/openapi.json`
 * (the gateway merges it), and `/commerce/v1/me…` behind the guard (`commerce:read` / `commerce:write`).
 * Reached only through the commerce gateway's service binding (and other services' RPC).
 */
export const commerceUsers = defineProduct<Env, ServiceDeps>({
  prefix: "/commerce",
  title: "Commerce users service",
  version: "1.0.0",
  description:
    "Profiles and shipping addresses on top of the platform identity (no second password store; the e-mail comes from the " +
    "accounts directory). Every route under `/commerce/v1` needs a Bearer access token (or an `ewk_` API key) with " +
    "`commerce:read` for reads and `commerce:write` for writes; writes are rate limited per user (600/min, `RateLimit-*` " +
    "headers). Errors are `application/problem+json` (RFC 9457).",
  guard: { scope: "commerce" },
  deps: (c) => ({
    db: drizzle(c.env.DB),
    userId: c.var.auth.userId,
    now: Date.now,
    directory: accountsDirectory(c.env),
    logger: loggerOf(c),
  }),
});

// every request's log entries go to the sink after the response
commerceUsers.app.use("/commerce/v1/*", async (c, next) => {
  try {
    await next();
  } finally {
    const logger = loggers.get(c.req.raw);
    if (logger) c.executionCtx.waitUntil(logger.flush());
  }
});

/** The service dependencies of an authenticated request. */
export const depsOf = commerceUsers.deps;
