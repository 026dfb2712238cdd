import { defineProduct, type GuardedEnv } from "@edgeworks/product";
import { drizzle } from "drizzle-orm/d1";
import type { ServiceDeps } from "./deps";

/** The Hono environment of the guarded API: generated bindings plus the authenticated principal. */
export type CommerceCartEnv = GuardedEnv<Env>;

/**
 * The commerce-cart product: health at `/commerce-cart/health`, docs at `/commerce-cart/docs`, and `/commerce-cart/v1` behind one
 * guard (a Bearer token or `ewk_` API key, `commerce-cart:read`/`commerce-cart:write`, 600 writes per user per minute).
 */
export const commerceCart = defineProduct<Env, ServiceDeps>({
  prefix: "/commerce-cart",
  title: "Commerce Cart API",
  version: "0.1.0",
  description:
    "Commerce Cart API. Every route under `/commerce-cart/v1` needs a Bearer access token (or an `ewk_` API key) with the " +
    "`commerce-cart:read` scope for reads and `commerce-cart:write` for writes; writes are rate limited per user (600/min, " +
    "`RateLimit-*` headers). Errors are `application/problem+json` (RFC 9457).",
  deps: (c) => ({ db: drizzle(c.env.DB), userId: c.var.auth.userId, now: Date.now }),
});

/** The service dependencies of an authenticated request: its database, its user and the clock. */
export const depsOf = commerceCart.deps;
