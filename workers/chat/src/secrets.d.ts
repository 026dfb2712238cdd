// Secrets live outside wrangler.toml (`wrangler secret put`, or .dev.vars locally), so `wrangler types`
// cannot see them; declared here instead.
declare namespace Cloudflare {
  interface Env {
    /** The VAPID private key (base64url) for Web Push; without it notifications only reach the outbox. */
    VAPID_PRIVATE_KEY?: string;
  }
}
