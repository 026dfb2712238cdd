import { defineProduct, type GuardedEnv } from "@edgeworks/product";
import { drizzle } from "drizzle-orm/d1";
import type { ServiceDeps } from "./deps";

/** The Hono environment of the guarded API: generated bindings plus the authenticated principal. */
export type CommerceGatewayEnv = GuardedEnv<Env>;

/**
 * The commerce-gateway product: health at `/commerce-gateway/health`, docs at `/commerce-gateway/docs`, and `/commerce-gateway/v1` behind one
 * guard (a Bearer token or `ewk_` API key, `commerce-gateway:read`/`commerce-gateway:write`, 600 writes per user per minute).
 */
export const commerceGateway = defineProduct<Env, ServiceDeps>({
  prefix: "/commerce-gateway",
  title: "Commerce Gateway API",
  version: "0.1.0",
  description:
    "Commerce Gateway API. Every route under `/commerce-gateway/v1` needs a Bearer access token (or an `ewk_` API key) with the " +
    "`commerce-gateway:read` scope for reads and `commerce-gateway:write` for writes; writes are rate limited per user (600/min, " +
    "`RateLimit-*` headers). Errors are `application/problem+json` (RFC 9457).",
  deps: (c) => ({ db: drizzle(c.env.DB), userId: c.var.auth.userId, now: Date.now }),
});

/** The service dependencies of an authenticated request: its database, its user and the clock. */
export const depsOf = commerceGateway.deps;
