import { defineProduct, type GuardedEnv } from "@edgeworks/product";
import { drizzle } from "drizzle-orm/d1";
import type { ServiceDeps } from "./deps";

/** The Hono environment of the guarded API: generated bindings plus the authenticated principal. */
export type CommerceCatalogEnv = GuardedEnv<Env>;

/**
 * The commerce-catalog product: health at `/commerce-catalog/health`, docs at `/commerce-catalog/docs`, and `/commerce-catalog/v1` behind one
 * guard (a Bearer token or `ewk_` API key, `commerce-catalog:read`/`commerce-catalog:write`, 600 writes per user per minute).
 */
export const commerceCatalog = defineProduct<Env, ServiceDeps>({
  prefix: "/commerce-catalog",
  title: "Commerce Catalog API",
  version: "0.1.0",
  description:
    "Commerce Catalog API. Every route under `/commerce-catalog/v1` needs a Bearer access token (or an `ewk_` API key) with the " +
    "`commerce-catalog:read` scope for reads and `commerce-catalog:write` for writes; writes are rate limited per user (600/min, " +
    "`RateLimit-*` headers). Errors are `application/problem+json` (RFC 9457).",
  deps: (c) => ({ db: drizzle(c.env.DB), userId: c.var.auth.userId, now: Date.now }),
});

/** The service dependencies of an authenticated request: its database, its user and the clock. */
export const depsOf = commerceCatalog.deps;
