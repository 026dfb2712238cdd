import { DEFAULT_BODY_LIMIT } from "@edgeworks/http";
import { defineProduct, type GuardedEnv } from "@edgeworks/product";
import { drizzle } from "drizzle-orm/d1";
import type { ServiceDeps } from "./deps";
import { MAX_IMAGE_BYTES } from "./limits";

/** The Hono environment of the guarded API: generated bindings plus the authenticated principal. */
export type ShopEnv = GuardedEnv<Env>;

/**
 * The shop product: health at `/shop/health`, docs at `/shop/docs`, and `/shop/v1` behind one
 * guard (a Bearer token or `ewk_` API key, `shop:read`/`shop:write`, 600 writes per user per minute).
 */
export const shop = defineProduct<Env, ServiceDeps>({
  prefix: "/shop",
  title: "Shop API",
  version: "0.1.0",
  description:
    "Shop API. Every route under `/shop/v1` needs a Bearer access token (or an `ewk_` API key) with the " +
    "`shop:read` scope for reads and `shop:write` for writes; writes are rate limited per user (600/min, " +
    "`RateLimit-*` headers). Errors are `application/problem+json` (RFC 9457).",
  // JSON bodies stay at the platform's 1 MiB; only product image uploads may be larger (up to 5 MiB).
  app: {
    maxBodyBytes: DEFAULT_BODY_LIMIT,
    uploads: { maxBytes: MAX_IMAGE_BYTES + 1024, when: (c) => c.req.method === "POST" && c.req.path.endsWith("/images") },
  },
  deps: (c) => ({ db: drizzle(c.env.DB), userId: c.var.auth.userId, now: Date.now }),
});

/** The service dependencies of an authenticated request: its database, its user and the clock. */
export const depsOf = shop.deps;
