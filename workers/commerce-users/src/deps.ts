import type { AccountsDirectory } from "@edgeworks/auth";
import type { ServiceLogger } from "@edgeworks/commerce-contracts";
import type { DrizzleD1Database } from "drizzle-orm/d1";

/** The drizzle database of this Worker. */
export type Db = DrizzleD1Database;

/** What every service function needs: the database, whose data it is, the time, the directory, the log. No Hono here. */
export interface ServiceDeps {
  db: Db;
  /** The authenticated user (the token's `sub`); every query is scoped to this user's live rows. */
  userId: string;
  /** Epoch milliseconds; injected so tests can control time. */
  now: () => number;
  /** The platform's accounts directory (the e-mail lives there). */
  directory: AccountsDirectory;
  logger: ServiceLogger;
}
