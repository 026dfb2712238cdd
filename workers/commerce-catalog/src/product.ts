import { hasRole } from "@edgeworks/auth";
import { defineProduct, type GuardedEnv } from "@edgeworks/product";
import { drizzle } from "drizzle-orm/d1";
import type { ServiceDeps } from "./deps";

/** The Hono environment of the guarded API: generated bindings plus the authenticated principal. */
export type CommerceCatalogEnv = GuardedEnv<Env>;

/** The operators' platform role: every catalog write and the inventory need it (403 otherwise). */
export const COMMERCE_ADMIN = "commerce:admin";

/**
 * The catalog service of the commerce microservices. Reached only through the gateway (which forwards
 * `/commerce/v1/products…` and `/commerce/v1/categories…` unchanged) and other services' RPC; the guard
 * verifies the Bearer token or API key again (defence in depth).
 */
export const commerceCatalog = defineProduct<Env, ServiceDeps>({
  prefix: "/commerce",
  title: "Commerce catalog service",
  version: "1.0.0",
  description:
    "Products, categories and stock of the commerce services. Every route needs a Bearer access token (or an `ewk_` API key) " +
    "with `commerce:read` for reads and `commerce:write` for writes; creating, changing and deleting products and categories, " +
    "and the inventory, need the `commerce:admin` role (403 otherwise). Stock lives in one Inventory Durable Object per " +
    "product; orders reserve it through events (order.created → inventory.reserved | inventory.rejected). Errors are " +
    "`application/problem+json` (RFC 9457).",
  deps: (c) => ({
    db: drizzle(c.env.DB),
    inventory: c.env.INVENTORY,
    userId: c.var.auth.userId,
    admin: hasRole(c.var.auth, COMMERCE_ADMIN),
    now: Date.now,
  }),
});

/** The service dependencies of an authenticated request. */
export const depsOf = commerceCatalog.deps;
