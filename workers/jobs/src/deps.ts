import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { SchedulerApi } from "./engine/types";

/** The drizzle database of this Worker. */
export type Db = DrizzleD1Database;

/** What every service function needs: the database, whose data it is, the time and the queues' objects. No Hono here. */
export interface ServiceDeps {
  db: Db;
  /** The authenticated user (an API key acts for its user); every query is scoped to this owner. */
  userId: string;
  /** Epoch milliseconds; injected so tests can control time. */
  now: () => number;
  /** The QueueScheduler of a queue, by its key `<ownerId>/<queueId>`. */
  scheduler: (queueKey: string) => SchedulerApi;
}
