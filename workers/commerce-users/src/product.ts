import { defineProduct, type GuardedEnv } from "@edgeworks/product";
import { drizzle } from "drizzle-orm/d1";
import type { ServiceDeps } from "./deps";

/** The Hono environment of the guarded API: generated bindings plus the authenticated principal. */
export type CommerceUsersEnv = GuardedEnv<Env>;

/**
 * The commerce-users product: health at `/commerce-users/health`, docs at `/commerce-users/docs`, and `/commerce-users/v1` behind one
 * guard (a Bearer token or `ewk_` API key, `commerce-users:read`/`commerce-users:write`, 600 writes per user per minute).
 */
export const commerceUsers = defineProduct<Env, ServiceDeps>({
  prefix: "/commerce-users",
  title: "Commerce Users API",
  version: "0.1.0",
  description:
    "Commerce Users API. Every route under `/commerce-users/v1` needs a Bearer access token (or an `ewk_` API key) with the " +
    "`commerce-users:read` scope for reads and `commerce-users:write` for writes; writes are rate limited per user (600/min, " +
    "`RateLimit-*` headers). Errors are `application/problem+json` (RFC 9457).",
  deps: (c) => ({ db: drizzle(c.env.DB), userId: c.var.auth.userId, now: Date.now }),
});

/** The service dependencies of an authenticated request: its database, its user and the clock. */
export const depsOf = commerceUsers.deps;
