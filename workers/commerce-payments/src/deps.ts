import type { EventCause } from "@edgeworks/commerce-contracts";
import { serviceLogger } from "@edgeworks/commerce-contracts";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { PayDeps } from "./payments.service";

/** The drizzle database of this Worker. */
export type Db = DrizzleD1Database;

/** What the HTTP services need: the database, whose data it is, and the time. No Hono here. */
export interface ServiceDeps {
  db: Db;
  /** The authenticated user; every query is scoped to this user's payments. */
  userId: string;
  /** Epoch milliseconds; injected so tests can control time. */
  now: () => number;
}

/** The state machine's dependencies for one request, RPC call or message. */
export function payDeps(
  env: Env,
  ids: { requestId: string | null; correlationId?: string | null },
  cause: EventCause,
  defer?: (work: Promise<unknown>) => void,
): PayDeps {
  return { env, now: Date.now, logger: serviceLogger(env, "payments", ids), cause, ...(defer ? { defer } : {}) };
}
