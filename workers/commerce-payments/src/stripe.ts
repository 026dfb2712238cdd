// Payments' Stripe client: the official SDK over fetch (workerd), pointed at the local stand-in
// (packages/stripe-fake) when STRIPE_API_BASE is set (dev, tests), at api.stripe.com otherwise.
// Same shape as workers/shop/src/stripe/client.ts.
import { ApiError } from "@edgeworks/http";
import Stripe from "stripe";

/** Secrets in production (`wrangler secret put`), `.dev.vars` under `pnpm dev`, vitest bindings in tests. */
export interface StripeBindings {
  STRIPE_SECRET_KEY?: string;
  STRIPE_WEBHOOK_SECRET?: string;
  STRIPE_API_BASE?: string;
}

/** A webhook older than this (seconds between its signed timestamp and now) is refused. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** The Stripe bindings of the Worker's env (secrets: the generated Env does not name them). */
export const stripeBindings = (env: object): StripeBindings => {
  const e = env as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" && v.length > 0 ? v : undefined);
  return {
    STRIPE_SECRET_KEY: str(e.STRIPE_SECRET_KEY),
    STRIPE_WEBHOOK_SECRET: str(e.STRIPE_WEBHOOK_SECRET),
    STRIPE_API_BASE: str(e.STRIPE_API_BASE),
  };
};

const unconfigured = () => new ApiError("service_unavailable", "Payments are not configured", { headers: { "Retry-After": "60" } });

function endpointOf(base: string): { host: string; port: number; protocol: "http" | "https" } {
  const url = new URL(base);
  const protocol = url.protocol === "http:" ? "http" : "https";
  return { host: url.hostname, port: url.port ? Number(url.port) : protocol === "http" ? 80 : 443, protocol };
}

/** The Stripe SDK for this Worker (fetch client; host/port from STRIPE_API_BASE when set). */
export function stripeOf(env: object): Stripe {
  const b = stripeBindings(env);
  if (!b.STRIPE_SECRET_KEY) throw unconfigured();
  return new Stripe(b.STRIPE_SECRET_KEY, {
    httpClient: Stripe.createFetchHttpClient(),
    maxNetworkRetries: 2,
    timeout: 20_000,
    ...(b.STRIPE_API_BASE ? endpointOf(b.STRIPE_API_BASE) : {}),
  });
}

/** Stripe idempotency keys: one per order, so a retry (RPC, webhook, cron) never charges, cancels or refunds twice. */
export const stripeKeys = {
  charge: (orderId: string) => `commerce-charge:${orderId}`,
  cancel: (orderId: string) => `commerce-cancel:${orderId}`,
  refund: (orderId: string) => `commerce-refund:${orderId}`,
};

const cryptoProvider = Stripe.createSubtleCryptoProvider();

/** Why a webhook was refused (400); nothing was read from its body. */
export class WebhookSignatureError extends Error {}

/** Verifies a webhook's `Stripe-Signature` over the raw body (SubtleCrypto) and returns the event. */
export async function verifyWebhook(env: object, rawBody: string, signature: string | undefined): Promise<Stripe.Event> {
  const secret = stripeBindings(env).STRIPE_WEBHOOK_SECRET;
  if (!secret) throw unconfigured();
  if (!signature || signature.length > 2000) throw new WebhookSignatureError("Missing or oversized Stripe-Signature header");
  try {
    return await Stripe.webhooks.constructEventAsync(rawBody, signature, secret, WEBHOOK_TOLERANCE_SECONDS, cryptoProvider);
  } catch (err) {
    throw new WebhookSignatureError(err instanceof Error ? err.message : "Invalid signature");
  }
}

export type { Stripe };
