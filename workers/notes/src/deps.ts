import type { DrizzleD1Database } from "drizzle-orm/d1";

/** The drizzle database of this Worker. */
export type Db = DrizzleD1Database;

/** What every service function needs: the database, who is asking, and the time. */
export interface ServiceDeps {
  db: Db;
  /** The authenticated user; every query is scoped to what this user may see. */
  userId: string;
  /** Epoch milliseconds; injected so tests can control time. */
  now: () => number;
}
