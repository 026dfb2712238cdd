import { defineProduct, type GuardedEnv } from "@edgeworks/product";
import { drizzle } from "drizzle-orm/d1";
import type { ServiceDeps } from "./deps";

/** The Hono environment of the guarded API: generated bindings plus the authenticated principal. */
export type CommercePaymentsEnv = GuardedEnv<Env>;

/**
 * The payments service of commerce: `/commerce/health`, `/commerce/openapi.json`, the guarded
 * `/commerce/v1/payments…` (scope `commerce:read`), and the open Stripe webhook. Reached only through the
 * commerce gateway's service binding (and the other services' RPC).
 */
export const commercePayments = defineProduct<Env, ServiceDeps>({
  prefix: "/commerce",
  title: "Commerce payments service",
  version: "1.0.0",
  description:
    "Payments of the commerce orders through Stripe. `/commerce/v1/payments` lists the caller's payments (Bearer token or " +
    "`ewk_` API key with `commerce:read`); `/commerce/v1/payments/webhooks/stripe` takes Stripe's signed events. " +
    "Errors are `application/problem+json` (RFC 9457).",
  deps: (c) => ({ db: drizzle(c.env.DB), userId: c.var.auth.userId, now: Date.now }),
});

/** The service dependencies of an authenticated request: its database, its user and the clock. */
export const depsOf = commercePayments.deps;
