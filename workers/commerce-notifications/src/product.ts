import { defineProduct, type GuardedEnv } from "@edgeworks/product";
import { drizzle } from "drizzle-orm/d1";
import type { ServiceDeps } from "./deps";

/** The Hono environment of the guarded API: generated bindings plus the authenticated principal. */
export type CommerceNotificationsEnv = GuardedEnv<Env>;

/**
 * The commerce-notifications product: health at `/commerce-notifications/health`, docs at `/commerce-notifications/docs`, and `/commerce-notifications/v1` behind one
 * guard (a Bearer token or `ewk_` API key, `commerce-notifications:read`/`commerce-notifications:write`, 600 writes per user per minute).
 */
export const commerceNotifications = defineProduct<Env, ServiceDeps>({
  prefix: "/commerce-notifications",
  title: "Commerce Notifications API",
  version: "0.1.0",
  description:
    "Commerce Notifications API. Every route under `/commerce-notifications/v1` needs a Bearer access token (or an `ewk_` API key) with the " +
    "`commerce-notifications:read` scope for reads and `commerce-notifications:write` for writes; writes are rate limited per user (600/min, " +
    "`RateLimit-*` headers). Errors are `application/problem+json` (RFC 9457).",
  deps: (c) => ({ db: drizzle(c.env.DB), userId: c.var.auth.userId, now: Date.now }),
});

/** The service dependencies of an authenticated request: its database, its user and the clock. */
export const depsOf = commerceNotifications.deps;
