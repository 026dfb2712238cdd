import { defineProduct, type GuardedEnv } from "@edgeworks/product";
import { drizzle } from "drizzle-orm/d1";
import type { ConfigDeps } from "./deps";

/** The Hono environment of the guarded API: generated bindings plus the authenticated principal. */
export type GatewayEnv = GuardedEnv<Env>;

/**
 * The gateway product: health at `/gateway/health`, docs at `/gateway/docs`, and `/gateway/v1` behind one
 * guard (a Bearer token or `ewk_` API key, `gateway:read`/`gateway:write`, 600 writes per user per minute).
 */
export const gateway = defineProduct<Env, ConfigDeps>({
  prefix: "/gateway",
  title: "API gateway",
  version: "0.1.0",
  description:
    "API gateway. Every route under `/gateway/v1` needs a Bearer access token (or an `ewk_` API key) with the " +
    "`gateway:read` scope for reads and `gateway:write` for writes; writes are rate limited per user (600/min, " +
    "`RateLimit-*` headers). Errors are `application/problem+json` (RFC 9457).",
  deps: (c) => ({
    db: drizzle(c.env.DB),
    userId: c.var.auth.userId,
    now: Date.now,
    env: c.env,
    defer: (promise) => c.executionCtx.waitUntil(promise),
  }),
});

/** The service dependencies of an authenticated request: its database, its user, the clock, the bindings and `defer` (waitUntil). */
export const depsOf = gateway.deps;
