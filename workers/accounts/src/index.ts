import { WorkerEntrypoint } from "cloudflare:workers";
import { passwordIterations, type VerifiedApiKey } from "@edgeworks/auth";
import { drainMail } from "@edgeworks/mail";
import { inArray } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { verifyApiKey } from "./api-keys.service";
import { app } from "./app";
import { EMAIL_MAX } from "./fields";
import { adminEmailsOf } from "./roles";
import { users } from "./schema";
import { type SetPasswordProof, type SetPasswordResult, setPassword } from "./set-password.service";
import { findUserByEmail } from "./user-row";
import { PASSWORD_MAX } from "./validation";

/** What other products may learn about an account over RPC: never the password hash or sessions. */
export interface UserSummary {
  id: string;
  email: string;
  name: string | null;
  /**
   * The owner proved the address (followed a verification link). Products email only verified
   * addresses: anyone can register someone else's address, and mail to it would be theirs to write.
   */
  emailVerified: boolean;
}

/** The columns of a {@link UserSummary}, as one drizzle selection. */
const SUMMARY = { id: users.id, email: users.email, name: users.name, emailVerifiedAt: users.emailVerifiedAt };

/** A summary row as the RPC answers it. */
const toSummary = (row: { id: string; email: string; name: string | null; emailVerifiedAt: number | null }): UserSummary => ({
  id: row.id,
  email: row.email,
  name: row.name,
  emailVerified: row.emailVerifiedAt !== null,
});

const MAX_IDS = 100;

export { RateLimiter } from "@edgeworks/ratelimit";
export type { SetPasswordProof, SetPasswordResult } from "./set-password.service";

/**
 * The accounts Worker: HTTP through the Hono app, plus an RPC method for the products that reach
 * it over a service binding.
 *
 * @example
 * // in another Worker, with `[[services]] binding = "ACCOUNTS"`:
 * const principal = await env.ACCOUNTS.verifyApiKey(key); // { userId, scopes, roles } | null
 * const bob = await env.ACCOUNTS.findUserByEmail("Bob@example.com"); // { id, email, name, emailVerified } | null
 * const set = await env.ACCOUNTS.setPassword(userId, "new passphrase", principal.sessionId, { authTime: principal.authTime }); // { ok: true } | { ok: false, reason, message }
 */
export default class AccountsWorker extends WorkerEntrypoint<Env> {
  override fetch(request: Request): Response | Promise<Response> {
    return app.fetch(request, this.env, this.ctx);
  }

  /** Every minute (wrangler.toml `[triggers]`): hands the mail service the emails that a drain after the response missed. */
  override async scheduled(): Promise<void> {
    await drainMail(this.env);
  }

  /** The services' dependencies for one RPC call (a true private method: not callable over RPC). */
  #deps() {
    return {
      db: drizzle(this.env.DB),
      now: Date.now,
      defer: (work: Promise<unknown>) => this.ctx.waitUntil(work),
      passwordIterations: passwordIterations(this.env.PASSWORD_PBKDF2_ITERATIONS),
      adminEmails: adminEmailsOf(this.env.ADMIN_EMAILS),
    };
  }

  /**
   * Checks an API key (`ewk_…`): the owner, the key's scopes and the owner's current platform roles
   * (so `requireRole` works for keys too), or null when unknown, revoked or expired.
   */
  async verifyApiKey(key: string): Promise<VerifiedApiKey | null> {
    if (typeof key !== "string" || key.length > 256) return null;
    return verifyApiKey(this.#deps(), key);
  }

  /** The account with this email (compared trimmed and lower-cased), or null: how products share with "a user by email". */
  async findUserByEmail(email: string): Promise<UserSummary | null> {
    if (typeof email !== "string" || email.length > EMAIL_MAX) return null;
    const row = await findUserByEmail(this.#deps().db, email.trim().toLowerCase());
    return row ? toSummary(row) : null;
  }

  /** The accounts with these ids (unknown ids are left out; at most 100 ids, extras ignored), in no particular order. */
  async getUsers(ids: string[]): Promise<UserSummary[]> {
    if (!Array.isArray(ids)) return [];
    const wanted = [...new Set(ids.filter((id) => typeof id === "string" && id.length <= 64))].slice(0, MAX_IDS);
    if (wanted.length === 0) return [];
    const rows = await this.#deps().db.select(SUMMARY).from(users).where(inArray(users.id, wanted)).all();
    return rows.map(toSummary);
  }

  /**
   * Sets a user's password, for trusted products only (this is RPC on the service binding; there is
   * no HTTP route). Same rule, hashing and session handling as `POST /auth/v1/password`, and the same
   * proof: `proof.currentPassword`, or a `keepSessionId` (the caller's `sid`) whose login was within
   * the last 5 minutes (`proof.authTime`, the caller's token's `auth_time`, can only make it stricter).
   * Every other session and every API key end; `keepSessionId` stays; without it every session ends.
   * Expected failures are results, never thrown, and the password is neither logged nor returned.
   */
  async setPassword(
    userId: string,
    newPassword: string,
    keepSessionId?: string | null,
    proof?: SetPasswordProof | null,
  ): Promise<SetPasswordResult> {
    if (typeof userId !== "string" || userId.length === 0 || userId.length > 64) {
      return { ok: false, reason: "not_found", message: "The account does not exist" };
    }
    if (typeof newPassword !== "string") return { ok: false, reason: "invalid_password", message: "Must be a string" };
    // null is "no session to keep" (every session ends); anything else that is not a session id changes nothing
    const keep = keepSessionId ?? undefined;
    if (keep !== undefined && (typeof keep !== "string" || keep.length > 64)) {
      return { ok: false, reason: "session_revoked", message: "The session has ended; log in again" };
    }
    return setPassword(this.#deps(), { userId, newPassword, keepSessionId: keep, proof: readProof(proof) });
  }
}

/** The proof argument as RPC delivers it (anything): only well-typed members count; odd ones are dropped, which can only refuse. */
function readProof(proof: unknown): SetPasswordProof {
  if (typeof proof !== "object" || proof === null) return {};
  const { currentPassword, authTime } = proof as Record<string, unknown>;
  return {
    ...(typeof currentPassword === "string" && currentPassword.length <= PASSWORD_MAX ? { currentPassword } : {}),
    ...(typeof authTime === "number" && Number.isInteger(authTime) ? { authTime } : {}),
  };
}
