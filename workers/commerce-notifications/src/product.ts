import { defineProduct, type GuardedEnv } from "@edgeworks/product";
import { drizzle } from "drizzle-orm/d1";
import type { ServiceDeps } from "./deps";

/** The Hono environment of the guarded API: generated bindings plus the authenticated principal. */
export type CommerceNotificationsEnv = GuardedEnv<Env>;

/**
 * The notifications service of the commerce services: reached only through the gateway (and RPC), so its routes
 * are the public paths under `/commerce`. Health at `/commerce/health`, its own document at `/commerce/openapi.json`,
 * and `/commerce/v1` behind the guard (Bearer token or `ewk_` API key, `commerce:read` / `commerce:write`).
 */
export const commerceNotifications = defineProduct<Env, ServiceDeps>({
  prefix: "/commerce",
  title: "Commerce notifications service",
  version: "1.0.0",
  description:
    "The notices of the commerce services: a receipt when an order is confirmed, a notice when one is cancelled and when a " +
    "payment is refunded, by email (the platform mail service) and SMS (when the customer opted in). Driven only by events. " +
    "Every route under `/commerce/v1` needs a Bearer access token (or an `ewk_` API key) with the `commerce:read` scope. " +
    "Errors are `application/problem+json` (RFC 9457).",
  deps: (c) => ({ db: drizzle(c.env.DB), userId: c.var.auth.userId, now: Date.now }),
});

/** The service dependencies of an authenticated request: its database, its user and the clock. */
export const depsOf = commerceNotifications.deps;
