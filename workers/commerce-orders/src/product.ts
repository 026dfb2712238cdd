import { defineProduct, type GuardedEnv } from "@edgeworks/product";
import { drizzle } from "drizzle-orm/d1";
import type { ServiceDeps } from "./deps";

/** The Hono environment of the guarded API: generated bindings plus the authenticated principal. */
export type CommerceOrdersEnv = GuardedEnv<Env>;

/**
 * The commerce-orders product: health at `/commerce-orders/health`, docs at `/commerce-orders/docs`, and `/commerce-orders/v1` behind one
 * guard (a Bearer token or `ewk_` API key, `commerce-orders:read`/`commerce-orders:write`, 600 writes per user per minute).
 */
export const commerceOrders = defineProduct<Env, ServiceDeps>({
  prefix: "/commerce-orders",
  title: "Commerce Orders API",
  version: "0.1.0",
  description:
    "Commerce Orders API. Every route under `/commerce-orders/v1` needs a Bearer access token (or an `ewk_` API key) with the " +
    "`commerce-orders:read` scope for reads and `commerce-orders:write` for writes; writes are rate limited per user (600/min, " +
    "`RateLimit-*` headers). Errors are `application/problem+json` (RFC 9457).",
  deps: (c) => ({ db: drizzle(c.env.DB), userId: c.var.auth.userId, now: Date.now }),
});

/** The service dependencies of an authenticated request: its database, its user and the clock. */
export const depsOf = commerceOrders.deps;
