import { env } from "cloudflare:test";
import { fakeStripe } from "@edgeworks/stripe-fake/control";
import Stripe from "stripe";
import { describe, expect, it } from "vitest";

// workerTestConfig({ stripe: true }) starts packages/stripe-fake for this project and binds its address and
// test secrets; here the real SDK (worker build) talks to it from inside workerd.

const bindings = env as unknown as { STRIPE_API_BASE: string; STRIPE_SECRET_KEY: string; STRIPE_WEBHOOK_SECRET: string };

function sdk(): Stripe {
  const base = new URL(bindings.STRIPE_API_BASE);
  return new Stripe(bindings.STRIPE_SECRET_KEY, {
    httpClient: Stripe.createFetchHttpClient(),
    host: base.hostname,
    port: Number(base.port),
    protocol: "http",
    maxNetworkRetries: 0,
  });
}

describe("Stripe stand-in wiring", () => {
  it("binds the stand-in's address and the test secrets", () => {
    expect(bindings.STRIPE_API_BASE).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(bindings.STRIPE_SECRET_KEY).toBe("sk_test_edgeworks");
    expect(bindings.STRIPE_WEBHOOK_SECRET).toBe("whsec_test_edgeworks");
  });

  it("creates and confirms a PaymentIntent through the SDK, and verifies the pulled, signed delivery", async () => {
    const stripe = sdk();
    const orderId = `wiring-${crypto.randomUUID()}`;
    const pi = await stripe.paymentIntents.create(
      { amount: 1234, currency: "usd", metadata: { order_id: orderId }, automatic_payment_methods: { enabled: true } },
      { idempotencyKey: `pi-${orderId}` },
    );
    expect(pi).toMatchObject({ status: "requires_payment_method", amount: 1234, currency: "usd", metadata: { order_id: orderId } });
    const confirmed = await stripe.paymentIntents.confirm(pi.id, { payment_method: "pm_card_visa" });
    expect(confirmed.status).toBe("succeeded");

    const deliveries = await fakeStripe(bindings.STRIPE_API_BASE).deliveries({ related: pi.id });
    expect(deliveries.map((d) => d.type)).toEqual(["payment_intent.created", "charge.succeeded", "payment_intent.succeeded"]);
    const crypto_ = Stripe.createSubtleCryptoProvider();
    const last = deliveries[2];
    if (!last) throw new Error("no payment_intent.succeeded delivery");
    const event = await stripe.webhooks.constructEventAsync(
      last.payload,
      last.signature,
      bindings.STRIPE_WEBHOOK_SECRET,
      undefined,
      crypto_,
    );
    expect(event).toMatchObject({ type: "payment_intent.succeeded", data: { object: { id: pi.id, status: "succeeded" } } });
    await expect(stripe.webhooks.constructEventAsync(last.payload, last.signature, "whsec_wrong", undefined, crypto_)).rejects.toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
  });

  it("surfaces a declined test card as StripeCardError and confirms through the control client", async () => {
    const stripe = sdk();
    const pi = await stripe.paymentIntents.create({ amount: 2000, currency: "usd" });
    await expect(stripe.paymentIntents.confirm(pi.id, { payment_method: "pm_card_chargeDeclined" })).rejects.toMatchObject({
      type: "StripeCardError",
      code: "card_declined",
      decline_code: "generic_declined",
    });
    const control = fakeStripe(bindings.STRIPE_API_BASE);
    expect(await control.confirm(pi.id, "pm_card_chargeDeclinedInsufficientFunds")).toMatchObject({
      status: "requires_payment_method",
      last_payment_error: { decline_code: "insufficient_funds" },
    });
    expect(await control.confirm(pi.id, "pm_card_authenticationRequired")).toMatchObject({ status: "requires_action" });
    expect(await control.authenticate(pi.id, "succeed")).toMatchObject({ status: "succeeded" });
  });
});
