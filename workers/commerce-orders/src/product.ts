import { hasRole } from "@edgeworks/auth";
import { serviceLogger } from "@edgeworks/commerce-contracts";
import { defineProduct, type GuardedEnv } from "@edgeworks/product";
import type { Context } from "hono";
import type { OrderDeps } from "./orders.service";

/** The Hono environment of the guarded API: generated bindings plus the authenticated principal. */
export type CommerceOrdersEnv = GuardedEnv<Env>;

/** Operators: read any order, replay a saga. */
export const COMMERCE_ADMIN = "commerce:admin";

/**
 * The commerce orders service (reached through the gateway's service binding): health at `/commerce/health`,
 * docs at `/commerce/openapi.json`, and `/commerce/v1` behind the guard (Bearer token or `ewk_` API key,
 * `commerce:read` / `commerce:write`, 600 writes per user per minute).
 */
export const commerceOrders = defineProduct<Env, OrderDeps>({
  prefix: "/commerce",
  title: "Commerce orders service",
  version: "1.0.0",
  description:
    "Orders and the order saga of the commerce services. Every route under `/commerce/v1` needs a Bearer access token (or an " +
    "`ewk_` API key) with `commerce:read` for reads and `commerce:write` for writes; operators hold the `commerce:admin` role. " +
    "Errors are `application/problem+json` (RFC 9457).",
  deps: (c) => {
    const requestId = c.get("requestId");
    const logger = serviceLogger(c.env, "orders", { requestId, correlationId: c.req.header("X-Correlation-Id") ?? null });
    const ctx = c.executionCtx;
    return {
      env: c.env,
      userId: c.var.auth.userId,
      admin: hasRole(c.var.auth, COMMERCE_ADMIN),
      requestId,
      now: Date.now,
      logger,
      defer: (work: Promise<unknown>) => ctx.waitUntil(work),
    };
  },
});

/** Runs a service with the request's dependencies; its logger is flushed (in waitUntil) when it is done. */
export async function withDeps<T>(c: Context<CommerceOrdersEnv>, run: (deps: OrderDeps) => Promise<T>): Promise<T> {
  const deps = commerceOrders.deps(c);
  try {
    return await run(deps);
  } finally {
    c.executionCtx.waitUntil(deps.logger.flush());
  }
}
