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
  /** PBKDF2 iterations for new password hashes (the `PASSWORD_PBKDF2_ITERATIONS` var). */
  passwordIterations: number;
  /**
   * The `ADMIN_EMAILS` var, parsed (lower case): a user whose verified address is listed gets
   * `platform:admin` at verification and login. Absent: nobody.
   */
  adminEmails?: ReadonlySet<string>;
}

/** Services that issue sessions also need the signing keys. */
export interface SessionDeps extends ServiceDeps {
  tokens: TokenIssuer;
}

/** Where links in emails point: `PUBLIC_ORIGIN`, or the origin the client called (see `emailOrigin`). */
export interface MailDeps extends ServiceDeps {
  origin: string;
  /** Hands the committed emails to the mail service soon (drains the mail outbox after the response; a cron catches the rest). */
  sendMail: () => void;
}
