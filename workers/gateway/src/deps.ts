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
