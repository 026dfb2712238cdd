import type { ServiceLogger } from "@edgeworks/commerce-contracts";
import { defineProduct, type GuardedEnv } from "@edgeworks/product";
import type { LoadedRegistry } from "./registry";

/** What the front middleware (src/front.ts) puts on every `/commerce/v1` request. */
export interface GatewayState {
  registry: LoadedRegistry;
  /** The order (saga) this request is about: `X-Correlation-Id`, or the order id in the path; else null. */
  correlationId: string | null;
  logger: ServiceLogger;
}

declare module "hono" {
  interface ContextVariableMap {
    gateway: GatewayState;
  }
}

/** The Hono environment of the gateway's own `/commerce/v1` routes (`c.var.auth` is set by the front middleware, except on public routes). */
export type GatewayEnv = GuardedEnv<Env>;

/**
 * The commerce gateway: the single public entry of the commerce services. Its `/v1` has no defineProduct
 * guard: src/front.ts authenticates (except public routes), rate limits per consumer and loads the registry
 * for every `/commerce/v1` request, its own routes and the proxied ones alike.
 */
export const commerceGateway = defineProduct<Env>({
  prefix: "/commerce",
  title: "E-commerce microservices API",
  version: "1.0.0",
  description:
    "The single entry of the commerce services (users, catalog, cart, orders, payments, notifications). Every route under " +
    "`/commerce/v1` needs a Bearer access token (or an `ewk_` API key) except `GET /commerce/v1/health` and the public paths of " +
    "the registry (the Stripe webhook); each service checks `commerce:read` / `commerce:write` again. Requests are limited per " +
    "consumer (`COMMERCE_RATE_LIMIT_PER_MINUTE`, default 600/min: the user, the API key, or the client network when anonymous) " +
    "with `RateLimit-*` headers and 429 + `Retry-After`. `X-Request-Id` is kept or created and forwarded, `X-Correlation-Id` " +
    "forwarded. Operators (role `commerce:admin`) have `/commerce/v1/admin/*`. Errors are `application/problem+json` (RFC 9457); " +
    "an unreachable service is 503, a service answering garbage 502.",
  guard: false,
});
