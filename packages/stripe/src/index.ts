// The Stripe client of every product that takes payments (workers/shop, workers/commerce-payments): the
// official SDK over fetch (workerd), pointed at the local stand-in (packages/stripe-fake) when
// STRIPE_API_BASE is set (dev, tests), at api.stripe.com otherwise; and the webhook verification.
// Each product keeps its own idempotency keys and routes.
import { ApiError } from "@edgeworks/http";
import Stripe from "stripe";

export type { Stripe };

/**
 * The Stripe bindings: secrets in production (`wrangler secret put`), `.dev.vars` under `pnpm dev`,
 * vitest bindings in tests. STRIPE_API_BASE is unset in production.
 */
export interface StripeBindings {
  STRIPE_SECRET_KEY?: string;
  STRIPE_WEBHOOK_SECRET?: string;
  STRIPE_API_BASE?: string;
}

/** A webhook older than this (seconds between its signed timestamp and now) is refused. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** A webhook body larger than this is refused before it is verified (Stripe's events are far smaller). */
export const MAX_WEBHOOK_BYTES = 512 * 1024;

/** A `Stripe-Signature` header longer than this is refused without being parsed. */
export const MAX_SIGNATURE_LENGTH = 2000;

/** The Stripe bindings of the Worker's env (they are secrets, so the generated Env does not name them); empty strings count as unset. */
export const stripeBindings = (env: object): StripeBindings => {
  const e = env as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" && v.length > 0 ? v : undefined);
  return {
    STRIPE_SECRET_KEY: str(e.STRIPE_SECRET_KEY),
    STRIPE_WEBHOOK_SECRET: str(e.STRIPE_WEBHOOK_SECRET),
    STRIPE_API_BASE: str(e.STRIPE_API_BASE),
  };
};

/** The 503 problem (Retry-After: 60) of a Worker whose Stripe secrets are not set. */
export const stripeUnconfigured = (): ApiError =>
  new ApiError("service_unavailable", "Payments are not configured", { headers: { "Retry-After": "60" } });

/** host/port/protocol of the SDK from STRIPE_API_BASE (`http://127.0.0.1:12111`). */
export function endpointOf(base: string): { host: string; port: number; protocol: "http" | "https" } {
  const url = new URL(base);
  const protocol = url.protocol === "http:" ? "http" : "https";
  return { host: url.hostname, port: url.port ? Number(url.port) : protocol === "http" ? 80 : 443, protocol };
}

/**
 * The Stripe SDK for this Worker: `createFetchHttpClient()`, 2 network retries, 20 s timeout, and
 * host/port/protocol from STRIPE_API_BASE when set. Throws the 503 problem when the secret key is
 * missing. Every mutating call should pass an `idempotencyKey` derived from what it is for (each
 * product keeps its own `stripeKeys`).
 *
 * @example const pi = await stripeOf(env).paymentIntents.create({...}, { idempotencyKey: stripeKeys.paymentIntent(order.id) });
 */
export function stripeOf(env: object): Stripe {
  const b = stripeBindings(env);
  if (!b.STRIPE_SECRET_KEY) throw stripeUnconfigured();
  return new Stripe(b.STRIPE_SECRET_KEY, {
    httpClient: Stripe.createFetchHttpClient(),
    maxNetworkRetries: 2,
    timeout: 20_000,
    ...(b.STRIPE_API_BASE ? endpointOf(b.STRIPE_API_BASE) : {}),
  });
}

/**
 * The raw body of a webhook request (the signature is over the bytes), read from a clone so a JSON
 * validator can still parse the request. 413 problem when Content-Length or the body exceeds
 * {@link MAX_WEBHOOK_BYTES}.
 */
export async function readWebhookBody(request: Request): Promise<string> {
  const tooLarge = () => new ApiError("payload_too_large", "The event is too large");
  if (Number(request.headers.get("content-length") ?? "0") > MAX_WEBHOOK_BYTES) throw tooLarge();
  const raw = await request.clone().text();
  if (raw.length > MAX_WEBHOOK_BYTES) throw tooLarge();
  return raw;
}

const cryptoProvider = Stripe.createSubtleCryptoProvider();

const EVENT_ID = /^evt_[A-Za-z0-9_-]{1,250}$/;

/** What is checked of a signed body before it is trusted further (a signed body can still be any JSON). */
function isEventShaped(event: unknown): event is Stripe.Event {
  if (typeof event !== "object" || event === null) return false;
  const e = event as Record<string, unknown>;
  const data = e.data as Record<string, unknown> | null | undefined;
  return (
    typeof e.id === "string" &&
    e.id.length <= 255 &&
    EVENT_ID.test(e.id) &&
    typeof e.type === "string" &&
    e.type.length >= 1 &&
    e.type.length <= 100 &&
    Number.isInteger(e.created) &&
    typeof data === "object" &&
    data !== null &&
    typeof data.object === "object" &&
    data.object !== null &&
    !Array.isArray(data.object)
  );
}

/**
 * Why a webhook was refused; the routes answer it with their 400 problem (`detail` is `message`).
 * `reason` is "signature" (missing, oversized, forged, stale or mismatched `Stripe-Signature`) or
 * "event" (correctly signed, but not a Stripe event).
 */
export class WebhookSignatureError extends Error {
  override readonly name = "WebhookSignatureError";
  constructor(
    readonly reason: "signature" | "event",
    message: string,
  ) {
    super(message);
  }
}

/**
 * Verifies a webhook: `Stripe-Signature` over the raw body, HMAC-SHA256 with STRIPE_WEBHOOK_SECRET
 * (SubtleCrypto), timestamp within {@link WEBHOOK_TOLERANCE_SECONDS}; then the event's shape (`evt_` id
 * of at most 255 characters, type of 1–100, integer `created`, `data.object` an object). Returns the
 * event; throws {@link WebhookSignatureError} when refused, the 503 problem when the webhook secret is
 * not set.
 */
export async function verifyWebhook(env: object, rawBody: string, signature: string | undefined | null): Promise<Stripe.Event> {
  const secret = stripeBindings(env).STRIPE_WEBHOOK_SECRET;
  if (!secret) throw stripeUnconfigured();
  if (!signature || signature.length > MAX_SIGNATURE_LENGTH) {
    throw new WebhookSignatureError("signature", "Webhook signature verification failed: Missing or oversized Stripe-Signature header");
  }
  let event: unknown;
  try {
    event = await Stripe.webhooks.constructEventAsync(rawBody, signature, secret, WEBHOOK_TOLERANCE_SECONDS, cryptoProvider);
  } catch (err) {
    throw new WebhookSignatureError(
      "signature",
      `Webhook signature verification failed: ${err instanceof Error ? err.message : "Invalid signature"}`,
    );
  }
  if (!isEventShaped(event)) throw new WebhookSignatureError("event", "The signed body is not a Stripe event");
  return event;
}
