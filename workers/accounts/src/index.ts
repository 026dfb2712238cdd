import { WorkerEntrypoint } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { verifyApiKey } from "./api-keys.service";
import { app } from "./app";

export { RateLimiter } from "@edgeworks/ratelimit";

/**
 * The accounts Worker: HTTP through the Hono app, plus an RPC method for the products that reach
 * it over a service binding.
 *
 * @example
 * // in another Worker, with `[[services]] binding = "ACCOUNTS"`:
 * const principal = await env.ACCOUNTS.verifyApiKey(key); // { userId, scopes } | null
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
}
