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
    "Catalog, carts with exact stock reservations, coupons, Stripe checkout, orders, refunds and an admin dashboard. " +
    "The catalog and the cart are open to anonymous callers (an anonymous cart lives behind the `shop_cart` cookie and " +
    "merges into the customer's cart at the first signed-in cart request); a credential that is sent must be valid and " +
    "hold `shop:read` (reads) or `shop:write` (writes). Catalog, coupon, order-management and dashboard routes need the " +
    "`shop:admin` platform role (403 otherwise). Money is integer minor units with an upper-case ISO 4217 currency. " +
    "Every mutating route accepts `Idempotency-Key` (24 h replay with `Idempotent-Replayed: true`); checkout requires it. " +
    "Stripe delivers signed events to `POST /shop/v1/stripe/webhook`. Errors are `application/problem+json` (RFC 9457).",
  // JSON bodies stay at the platform's 1 MiB; only product image uploads may be larger (up to 5 MiB).
  app: {
    maxBodyBytes: DEFAULT_BODY_LIMIT,
    uploads: { maxBytes: MAX_IMAGE_BYTES + 1024, when: (c) => c.req.method === "POST" && c.req.path.endsWith("/images") },
  },
  deps: (c) => ({ db: drizzle(c.env.DB), userId: c.var.auth.userId, now: Date.now }),
});

/** The service dependencies of an authenticated request: its database, its user and the clock. */
export const depsOf = shop.deps;
