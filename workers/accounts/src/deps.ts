import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { TokenIssuer } from "./access-token";

/** The drizzle database of this Worker. */
export type Db = DrizzleD1Database;

/** What every service function needs: the database and the time. */
export interface ServiceDeps {
  db: Db;
  /** Epoch milliseconds; injected so tests can control time. */
  now: () => number;
  /** Runs work after the response (ctx.waitUntil), e.g. a last-used timestamp. */
  defer: (work: Promise<unknown>) => void;
}

/** Services that issue sessions also need the signing keys. */
export interface SessionDeps extends ServiceDeps {
  tokens: TokenIssuer;
}

/** Where links in emails point: the origin the client called. */
export interface MailDeps extends ServiceDeps {
  origin: string;
}
