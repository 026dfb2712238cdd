import { defineProduct, type GuardedEnv } from "@edgeworks/product";
import { drizzle } from "drizzle-orm/d1";
import type { ServiceDeps } from "./deps";

/** The Hono environment of the guarded API: generated bindings plus the authenticated principal. */
export type MailEnv = GuardedEnv<Env>;

/**
 * The mail product: health at `/mail/health`, docs at `/mail/docs`, and `/mail/v1` behind one
 * guard (a Bearer token or `ewk_` API key, `mail:read`/`mail:write`, 600 writes per user per minute).
 */
export const mail = defineProduct<Env, ServiceDeps>({
  prefix: "/mail",
  title: "Mail service",
  version: "0.1.0",
  description:
    "Mail service. Every route under `/mail/v1` needs a Bearer access token (or an `ewk_` API key) with the " +
    "`mail:read` scope for reads and `mail:write` for writes; writes are rate limited per user (600/min, " +
    "`RateLimit-*` headers). Errors are `application/problem+json` (RFC 9457).",
  deps: (c) => ({ db: drizzle(c.env.DB), userId: c.var.auth.userId, now: Date.now }),
});

/** The service dependencies of an authenticated request: its database, its user and the clock. */
export const depsOf = mail.deps;
