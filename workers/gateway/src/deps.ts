import type { DrizzleD1Database } from "drizzle-orm/d1";

/** The drizzle database of this Worker. */
export type Db = DrizzleD1Database;

/** What every service function needs: the database, whose data it is, and the time. No Hono here. */
export interface ServiceDeps {
  db: Db;
  /** The authenticated user; every query is scoped to this user's live rows. */
  userId: string;
  /** Epoch milliseconds; injected so tests can control time. */
  now: () => number;
}

/**
 * What config writes need besides ServiceDeps: the bindings (validation reads DEV_MODE and
 * UPSTREAM_BINDINGS; publishing writes KV and configures ServiceHealth objects) and `defer`, which keeps
 * background work alive after the response (`c.executionCtx.waitUntil` in a handler).
 *
 * @example const deps: ConfigDeps = { db: drizzle(env.DB), env, userId, now: Date.now, defer: (p) => ctx.waitUntil(p) };
 */
export interface ConfigDeps extends ServiceDeps {
  env: Env;
  defer: (promise: Promise<unknown>) => void;
}
