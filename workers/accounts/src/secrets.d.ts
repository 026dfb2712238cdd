// Secrets live outside wrangler.toml (`wrangler secret put`, or .dev.vars locally), so `wrangler types`
// cannot see them; scripts/types.mjs keeps it from guessing from a local .dev.vars. Declared here instead.
declare namespace Cloudflare {
  interface Env {
    /** JSON array of ES256 private JWKs (EC P-256, each with a kid); the first signs. */
    JWT_PRIVATE_KEYS: string;
  }
}
