import { defineProduct, type GuardedEnv } from "@edgeworks/product";
import { drizzle } from "drizzle-orm/d1";
import type { ServiceDeps } from "./deps";

/** The Hono environment of the guarded API: generated bindings plus the authenticated principal. */
export type JobsEnv = GuardedEnv<Env>;

/**
 * The jobs product: health at `/jobs/health`, docs at `/jobs/docs`, and `/jobs/v1` behind one
 * guard (a Bearer token or `ewk_` API key, `jobs:read`/`jobs:write`, 600 writes per user per minute).
 */
export const jobs = defineProduct<Env, ServiceDeps>({
  prefix: "/jobs",
  title: "Job queue",
  version: "0.1.0",
  description:
    "Job queue. Every route under `/jobs/v1` needs a Bearer access token (or an `ewk_` API key) with the " +
    "`jobs:read` scope for reads and `jobs:write` for writes; writes are rate limited per user (600/min, " +
    "`RateLimit-*` headers). Errors are `application/problem+json` (RFC 9457).",
  deps: (c) => ({ db: drizzle(c.env.DB), userId: c.var.auth.userId, now: Date.now }),
});

/** The service dependencies of an authenticated request: its database, its user and the clock. */
export const depsOf = jobs.deps;
