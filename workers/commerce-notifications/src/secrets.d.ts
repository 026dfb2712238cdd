// Secrets live outside wrangler.toml (`wrangler secret put`, or .dev.vars), so `wrangler types` cannot see
// them. Declared here instead.
declare namespace Cloudflare {
  interface Env {
    /** Twilio's Account SID (`AC…`), used when SMS_PROVIDER is "twilio". */
    TWILIO_ACCOUNT_SID?: string;
    /** Twilio's Auth Token (or an API key secret, with TWILIO_API_KEY_SID as the user). */
    TWILIO_AUTH_TOKEN?: string;
    /** Optional: an API key SID (`SK…`) to authenticate with instead of the Account SID. */
    TWILIO_API_KEY_SID?: string;
  }
}
