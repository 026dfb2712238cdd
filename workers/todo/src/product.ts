import { defineProduct, type GuardedEnv, sessionDatabase } from "@edgeworks/product";
import { drizzle } from "drizzle-orm/d1";
import type { ServiceDeps } from "./deps";

/** The Hono environment of the guarded API: generated bindings plus the authenticated principal. */
export type TodoEnv = GuardedEnv<Env>;

/**
 * The todo product: health at `/todo/health`, docs at `/todo/docs`, and `/todo/v1` behind one guard
 * (a Bearer token or `ewk_` API key, `todo:read`/`todo:write`, 600 writes per user per minute).
 */
export const todo = defineProduct<Env, ServiceDeps>({
  prefix: "/todo",
  title: "Todo API",
  version: "1.0.0",
  description:
    "Personal todos with tags, due dates, priorities and manual ordering. Every route under `/todo/v1` needs a Bearer " +
    "access token (or an `ewk_` API key) with the `todo:read` scope for reads and `todo:write` for writes; writes are " +
    "rate limited per user (600/min, `RateLimit-*` headers). Errors are `application/problem+json` (RFC 9457). " +
    "Responses that read or wrote carry `X-D1-Bookmark`; send the last one back (same header) to read your own writes from a " +
    "nearby read replica; a malformed bookmark is a 400.",
  // D1 read replication: each /v1 request's queries run in one D1 session (X-D1-Bookmark in and out)
  d1: (env) => env.DB,
  deps: (c) => ({ db: drizzle(sessionDatabase(c)), userId: c.var.auth.userId, now: Date.now }),
});

/** The service dependencies of an authenticated request: its database, its user and the clock. */
export const depsOf = todo.deps;
