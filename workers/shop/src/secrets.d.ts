// Secrets live outside wrangler.toml (`wrangler secret put`, or .dev.vars written by `pnpm dev`), so
// `wrangler types` cannot see them. Declared here instead.
declare namespace Cloudflare {
  interface Env {
    /** Stripe's secret key (`sk_live_…`/`sk_test_…`); under `pnpm dev` and in tests, any `sk_test_…` the stand-in accepts. */
    STRIPE_SECRET_KEY?: string;
    /** The signing secret (`whsec_…`) of the webhook endpoint at STRIPE_WEBHOOK_PATH. */
    STRIPE_WEBHOOK_SECRET?: string;
    /** Local only: the base URL of packages/stripe-fake (`http://127.0.0.1:12111`); unset in production. */
    STRIPE_API_BASE?: string;
  }
}
