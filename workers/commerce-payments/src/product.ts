import { defineProduct, type GuardedEnv } from "@edgeworks/product";
import { drizzle } from "drizzle-orm/d1";
import type { ServiceDeps } from "./deps";

/** The Hono environment of the guarded API: generated bindings plus the authenticated principal. */
export type CommercePaymentsEnv = GuardedEnv<Env>;

/**
 * The commerce-payments product: health at `/commerce-payments/health`, docs at `/commerce-payments/docs`, and `/commerce-payments/v1` behind one
 * guard (a Bearer token or `ewk_` API key, `commerce-payments:read`/`commerce-payments:write`, 600 writes per user per minute).
 */
export const commercePayments = defineProduct<Env, ServiceDeps>({
  prefix: "/commerce-payments",
  title: "Commerce Payments API",
  version: "0.1.0",
  description:
    "Commerce Payments API. Every route under `/commerce-payments/v1` needs a Bearer access token (or an `ewk_` API key) with the " +
    "`commerce-payments:read` scope for reads and `commerce-payments:write` for writes; writes are rate limited per user (600/min, " +
    "`RateLimit-*` headers). Errors are `application/problem+json` (RFC 9457).",
  deps: (c) => ({ db: drizzle(c.env.DB), userId: c.var.auth.userId, now: Date.now }),
});

/** The service dependencies of an authenticated request: its database, its user and the clock. */
export const depsOf = commercePayments.deps;
