import { WorkerEntrypoint } from "cloudflare:workers";
import { inArray } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { verifyApiKey } from "./api-keys.service";
import { app } from "./app";
import { users } from "./schema";
import { findUserByEmail } from "./user-row";

/** What other products may learn about an account over RPC: never the password hash or sessions. */
export interface UserSummary {
  id: string;
  email: string;
  name: string | null;
}

const EMAIL_MAX = 254;
const MAX_IDS = 100;

export { RateLimiter } from "@edgeworks/ratelimit";

/**
 * The accounts Worker: HTTP through the Hono app, plus an RPC method for the products that reach
 * it over a service binding.
 *
 * @example
 * // in another Worker, with `[[services]] binding = "ACCOUNTS"`:
 * const principal = await env.ACCOUNTS.verifyApiKey(key); // { userId, scopes } | null
 * const bob = await env.ACCOUNTS.findUserByEmail("Bob@example.com"); // { id, email, name } | null
 */
export default class AccountsWorker extends WorkerEntrypoint<Env> {
  override fetch(request: Request): Response | Promise<Response> {
    return app.fetch(request, this.env, this.ctx);
  }

  /** Checks an API key (`ewk_…`): the owner and scopes, or null when unknown, revoked or expired. */
  async verifyApiKey(key: string): Promise<{ userId: string; scopes: string[] } | null> {
    if (typeof key !== "string" || key.length > 256) return null;
    const deps = { db: drizzle(this.env.DB), now: Date.now, defer: (work: Promise<unknown>) => this.ctx.waitUntil(work) };
    return verifyApiKey(deps, key);
  }

  /** The account with this email (compared trimmed and lower-cased), or null: how products share with "a user by email". */
  async findUserByEmail(email: string): Promise<UserSummary | null> {
    if (typeof email !== "string" || email.length > EMAIL_MAX) return null;
    const row = await findUserByEmail(drizzle(this.env.DB), email.trim().toLowerCase());
    return row ? { id: row.id, email: row.email, name: row.name } : null;
  }

  /** The accounts with these ids (unknown ids are left out; at most 100 ids, extras ignored), in no particular order. */
  async getUsers(ids: string[]): Promise<UserSummary[]> {
    if (!Array.isArray(ids)) return [];
    const wanted = [...new Set(ids.filter((id) => typeof id === "string" && id.length <= 64))].slice(0, MAX_IDS);
    if (wanted.length === 0) return [];
    const rows = await drizzle(this.env.DB)
      .select({ id: users.id, email: users.email, name: users.name })
      .from(users)
      .where(inArray(users.id, wanted))
      .all();
    return rows;
  }
}
