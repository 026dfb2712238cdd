import { env } from "cloudflare:workers";
import { ApiError } from "@edgeworks/http";
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import {
  endpointOf,
  MAX_WEBHOOK_BYTES,
  readWebhookBody,
  stripeBindings,
  stripeOf,
  verifyWebhook,
  WEBHOOK_TOLERANCE_SECONDS,
  WebhookSignatureError,
} from "../src/index";

const SECRET = "whsec_test_package";
const cryptoProvider = Stripe.createSubtleCryptoProvider();
const sign = (payload: string, opts: { secret?: string; timestamp?: number } = {}) =>
  Stripe.webhooks.generateTestHeaderStringAsync({ payload, secret: opts.secret ?? SECRET, timestamp: opts.timestamp, cryptoProvider });
const event = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    id: "evt_123",
    object: "event",
    type: "payment_intent.succeeded",
    created: 1_700_000_000,
    data: { object: { id: "pi_1" } },
    ...over,
  });

async function refusal(p: Promise<unknown>): Promise<WebhookSignatureError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WebhookSignatureError);
  return err as WebhookSignatureError;
}

describe("stripeBindings", () => {
  it("reads the three secrets; empty strings and non-strings count as unset", () => {
    expect(stripeBindings({ STRIPE_SECRET_KEY: "sk_x", STRIPE_WEBHOOK_SECRET: "", STRIPE_API_BASE: 42, OTHER: "y" })).toEqual({
      STRIPE_SECRET_KEY: "sk_x",
      STRIPE_WEBHOOK_SECRET: undefined,
      STRIPE_API_BASE: undefined,
    });
  });
});

describe("endpointOf", () => {
  it("takes host, port and protocol of STRIPE_API_BASE, with the scheme's default port", () => {
    expect(endpointOf("http://127.0.0.1:12111")).toEqual({ host: "127.0.0.1", port: 12111, protocol: "http" });
    expect(endpointOf("http://stripe.local")).toEqual({ host: "stripe.local", port: 80, protocol: "http" });
    expect(endpointOf("https://api.stripe.com")).toEqual({ host: "api.stripe.com", port: 443, protocol: "https" });
  });
});

describe("stripeOf", () => {
  it("is a 503 problem with Retry-After when the secret key is not set", () => {
    let err: unknown;
    try {
      stripeOf({ STRIPE_SECRET_KEY: "" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 503, code: "service_unavailable", headers: { "Retry-After": "60" } });
  });

  it("talks to STRIPE_API_BASE over fetch; an idempotency key makes a retry return the same object", async () => {
    const stripe = stripeOf(env);
    const key = `pkg-test-${crypto.randomUUID()}`;
    const a = await stripe.paymentIntents.create({ amount: 1234, currency: "eur" }, { idempotencyKey: key });
    const b = await stripe.paymentIntents.create({ amount: 1234, currency: "eur" }, { idempotencyKey: key });
    expect(a.id).toMatch(/^pi_/);
    expect(b.id).toBe(a.id);
    const read = await stripe.paymentIntents.retrieve(a.id);
    expect(read).toMatchObject({ id: a.id, amount: 1234, currency: "eur" });
  });
});

describe("verifyWebhook", () => {
  it("returns the event of a correctly signed body", async () => {
    const body = event();
    const got = await verifyWebhook(env, body, await sign(body));
    expect(got).toMatchObject({ id: "evt_123", type: "payment_intent.succeeded", data: { object: { id: "pi_1" } } });
  });

  it("refuses a missing, oversized, forged, wrongly keyed or tampered signature", async () => {
    const body = event();
    for (const sig of [undefined, null, "", "x".repeat(2001)]) {
      const err = await refusal(verifyWebhook(env, body, sig));
      expect(err.reason).toBe("signature");
      expect(err.message).toBe("Webhook signature verification failed: Missing or oversized Stripe-Signature header");
    }
    const forged = `t=${Math.floor(Date.now() / 1000)},v1=${"0".repeat(64)}`;
    const wrongKey = await sign(body, { secret: "whsec_other" });
    const tampered = await sign(event({ id: "evt_other" }));
    for (const sig of [forged, wrongKey, tampered, "garbage"]) {
      const err = await refusal(verifyWebhook(env, body, sig));
      expect(err.reason).toBe("signature");
      expect(err.message).toMatch(/^Webhook signature verification failed: /);
    }
  });

  it("refuses a signature older than the tolerance and accepts one just inside it", async () => {
    const body = event();
    const now = Math.floor(Date.now() / 1000);
    const stale = await refusal(verifyWebhook(env, body, await sign(body, { timestamp: now - WEBHOOK_TOLERANCE_SECONDS - 5 })));
    expect(stale.reason).toBe("signature");
    expect(stale.message).toMatch(/tolerance/i);
    await expect(verifyWebhook(env, body, await sign(body, { timestamp: now - WEBHOOK_TOLERANCE_SECONDS + 30 }))).resolves.toMatchObject({
      id: "evt_123",
    });
  });

  it("refuses a correctly signed body that is not a Stripe event", async () => {
    const bodies = [
      event({ id: "not-an-event" }),
      event({ id: `evt_${"a".repeat(252)}` }),
      event({ type: "" }),
      event({ type: "x".repeat(101) }),
      event({ created: 1.5 }),
      event({ data: { object: [] } }),
      event({ data: null }),
      JSON.stringify([1, 2]),
    ];
    for (const body of bodies) {
      const err = await refusal(verifyWebhook(env, body, await sign(body)));
      expect(err.reason).toBe("event");
      expect(err.message).toBe("The signed body is not a Stripe event");
    }
  });

  it("is a 503 problem when the webhook secret is not set (nothing is verified)", async () => {
    const body = event();
    const err = await verifyWebhook({ ...env, STRIPE_WEBHOOK_SECRET: undefined }, body, await sign(body)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 503, code: "service_unavailable" });
  });
});

describe("readWebhookBody", () => {
  const post = (body: string, headers: Record<string, string> = {}) => new Request("https://x/webhook", { method: "POST", body, headers });

  it("returns the raw text and leaves the request readable", async () => {
    const req = post('{"a": 1}');
    expect(await readWebhookBody(req)).toBe('{"a": 1}');
    expect(await req.json()).toEqual({ a: 1 });
  });

  it("is a 413 problem over the limit, by Content-Length or by the body itself", async () => {
    const big = "x".repeat(MAX_WEBHOOK_BYTES + 1);
    for (const req of [post("{}", { "content-length": String(MAX_WEBHOOK_BYTES + 1) }), post(big)]) {
      const err = await readWebhookBody(req).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect(err).toMatchObject({ status: 413, code: "payload_too_large", message: "The event is too large" });
    }
    expect(await readWebhookBody(post("y".repeat(MAX_WEBHOOK_BYTES)))).toHaveLength(MAX_WEBHOOK_BYTES);
  });
});
