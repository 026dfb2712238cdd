import { defineProduct, type GuardedEnv } from "@edgeworks/product";
import { drizzle } from "drizzle-orm/d1";
import type { ServiceDeps } from "./deps";
import type { SchedulerApi } from "./engine/types";

/** The Hono environment of the guarded API: generated bindings plus the authenticated principal. */
export type JobsEnv = GuardedEnv<Env>;

/** Bulk submissions carry up to 1000 jobs (each payload ≤ 128 KiB): their own, larger body limit. */
export const BULK_BODY_BYTES = 16 * 1024 * 1024;

/**
 * The QueueScheduler Durable Object of a queue (`idFromName(<ownerId>/<queueId>)`), seen through the
 * engine contract: the routes code against `SchedulerApi`, whatever else the class has.
 */
export function schedulerOf(env: Env, queueKey: string): SchedulerApi {
  // the stub's RPC methods are the class's, which implements SchedulerApi (src/engine/types.ts)
  return env.QUEUE_SCHEDULER.get(env.QUEUE_SCHEDULER.idFromName(queueKey)) as unknown as SchedulerApi;
}

/**
 * The jobs product: health at `/jobs/health`, docs at `/jobs/docs`, and `/jobs/v1` behind one
 * guard (a Bearer token or `ewk_` API key, `jobs:read`/`jobs:write`, 600 writes per user per minute).
 */
export const jobs = defineProduct<Env, ServiceDeps>({
  prefix: "/jobs",
  title: "Job queue",
  version: "0.1.0",
  description:
    "Job queues with priorities, delays, retries with backoff, dependencies, rate limits, cron schedules, a DLQ " +
    "and external workers (lease + heartbeat). Every route under `/jobs/v1` needs a Bearer access token (or an " +
    "`ewk_` API key) with the `jobs:read` scope for reads and `jobs:write` for writes; writes are rate limited per " +
    "user (600/min, `RateLimit-*` headers). Errors are `application/problem+json` (RFC 9457).",
  app: { uploads: { maxBytes: BULK_BODY_BYTES, when: (c) => c.req.method === "POST" && c.req.path.endsWith("/jobs/bulk") } },
  deps: (c) => ({ db: drizzle(c.env.DB), userId: c.var.auth.userId, now: Date.now, scheduler: (key) => schedulerOf(c.env, key) }),
});

/** The service dependencies of an authenticated request: its database, its user, the clock and the schedulers. */
export const depsOf = jobs.deps;
