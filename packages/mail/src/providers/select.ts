import { captureProvider } from "./capture";
import { cloudflareProvider, type SendEmailBinding } from "./cloudflare";
import { httpProvider } from "./http";
import type { MailProvider, MailSender } from "./provider";

/** The providers `MAIL_PROVIDER` can name. */
export const MAIL_PROVIDERS = ["cloudflare", "http", "capture"] as const;
export type MailProviderName = (typeof MAIL_PROVIDERS)[number];

/** The mail Worker's configuration (wrangler.toml vars, secrets and bindings). */
export interface MailServiceEnv {
  DB: D1Database;
  /** `cloudflare` | `http` | `capture`. */
  MAIL_PROVIDER?: string;
  /** The sender address (on a domain the provider lets you send from). */
  MAIL_FROM?: string;
  MAIL_FROM_NAME?: string;
  /** `http`: the API base URL, e.g. https://api.resend.com. */
  MAIL_HTTP_URL?: string;
  /** `http`: the API key (a secret: `wrangler secret put MAIL_HTTP_API_KEY`). */
  MAIL_HTTP_API_KEY?: string;
  /** `cloudflare`: the [[send_email]] binding. */
  EMAIL?: SendEmailBinding;
}

const missing = (what: string, provider: string) => new Error(`MAIL_PROVIDER=${provider} needs ${what}`);

/**
 * The provider `MAIL_PROVIDER` names, configured from `env`; throws on an unknown name or missing
 * configuration (the consumer then retries every message instead of losing it).
 *
 * @example const provider = mailProviderFromEnv(env); await provider.send(message, AbortSignal.timeout(10_000));
 */
export function mailProviderFromEnv(env: MailServiceEnv, options: { fetch?: typeof fetch; now?: () => number } = {}): MailProvider {
  const name = env.MAIL_PROVIDER ?? "";
  if (!(MAIL_PROVIDERS as readonly string[]).includes(name)) {
    throw new Error(`MAIL_PROVIDER must be one of ${MAIL_PROVIDERS.join(", ")}, not "${name.slice(0, 40)}"`);
  }
  const from: MailSender = { email: env.MAIL_FROM ?? "", ...(env.MAIL_FROM_NAME ? { name: env.MAIL_FROM_NAME } : {}) };
  if (name === "capture") return captureProvider(env.DB, { ...from, email: from.email || "no-reply@localhost" }, options.now);
  if (!from.email) throw missing("MAIL_FROM", name);
  if (name === "cloudflare") {
    if (!env.EMAIL) throw missing("a [[send_email]] binding named EMAIL", name);
    return cloudflareProvider(env.EMAIL, from);
  }
  if (!env.MAIL_HTTP_URL) throw missing("MAIL_HTTP_URL", name);
  if (!env.MAIL_HTTP_API_KEY) throw missing("the MAIL_HTTP_API_KEY secret", name);
  return httpProvider({ baseUrl: env.MAIL_HTTP_URL, apiKey: env.MAIL_HTTP_API_KEY, from, fetch: options.fetch });
}
