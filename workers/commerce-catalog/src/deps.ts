import type { DrizzleD1Database } from "drizzle-orm/d1";

/** The drizzle database of this Worker. */
export type Db = DrizzleD1Database;

/** What every service function needs: the database, the Inventory objects, who asks, and the time. No Hono here. */
export interface ServiceDeps {
  db: Db;
  /** The product Inventory Durable Objects (the only place stock changes). */
  inventory: DurableObjectNamespace<import("./do/inventory").Inventory>;
  /** The authenticated user. */
  userId: string;
  /** The caller holds `commerce:admin` (sees inactive products, may write). */
  admin: boolean;
  /** Epoch milliseconds; injected so tests can control time. */
  now: () => number;
}
