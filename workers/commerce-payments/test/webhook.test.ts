import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, chargeInput, newOrderId, newUser, paymentRow, rpc, stripe, stripeFake, typesOf, WEBHOOK } from "./helpers";

const post = (body: string, headers: Record<string, string> = {}) =>
  SELF.fetch(WEBHOOK, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body });

/** A 3-D Secure payment authenticated at Stripe, its deliveries pulled (not yet posted). */
async function authenticatedPayment() {
  const user = await newUser();
  const orderId = newOrderId();
  await rpc("charge", chargeInput(orderId, user.id, "pm_card_threeDSecure2Required"));
  const piId = String((await paymentRow(orderId))?.payment_intent_id);
  await stripeFake.authenticate(piId, "succeed");
  const deliveries = await stripeFake.deliveries({ related: piId });
  const succeeded = deliveries.find((d) => d.type === "payment_intent.succeeded");
  if (!succeeded) throw new Error("no payment_intent.succeeded delivery");
  return { orderId, piId, succeeded };
}

const inboxHas = async (eventId: string) =>
  (await env.DB.prepare("SELECT id FROM stripe_events WHERE id = ?").bind(eventId).first()) !== null;

describe("POST /commerce/v1/payments/webhooks/stripe", () => {
  it("a forged (and stale), missing or tampered signature is 400 and changes nothing; the genuine one then settles the payment", async () => {
    const { orderId, succeeded } = await authenticatedPayment();
    const forged = await post(succeeded.payload, { "Stripe-Signature": "t=1700000000,v1=00" });
    await api.problem(forged, 400, "bad_request");
    await api.problem(post(succeeded.payload), 400, "bad_request");
    const tampered = succeeded.payload.replace(/"amount":\s*2500/, '"amount": 1');
    expect(tampered).not.toBe(succeeded.payload);
    await api.problem(post(tampered, { "Stripe-Signature": succeeded.signature }), 400, "bad_request");
    expect((await paymentRow(orderId))?.status).toBe("processing");
    expect(await inboxHas(succeeded.event)).toBe(false);
    expect(await typesOf(orderId)).toEqual([]);

    const ok = await post(succeeded.payload, { "Stripe-Signature": succeeded.signature });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ received: true, duplicate: false, ignored: false });
    expect((await paymentRow(orderId))?.status).toBe("succeeded");
  });

  it("the same event twice: one effect, the second answer says duplicate", async () => {
    const { orderId, succeeded } = await authenticatedPayment();
    const [a, b] = await stripeFake.deliverTo((r) => SELF.fetch(r), WEBHOOK, [succeeded, succeeded]);
    const answers = [await a?.json(), await b?.json()];
    expect(answers).toEqual([
      { received: true, duplicate: false, ignored: false },
      { received: true, duplicate: true, ignored: false },
    ]);
    expect(await inboxHas(succeeded.event)).toBe(true);
    expect(await typesOf(orderId)).toEqual(["payment.succeeded"]);
  });

  it("an event payments does not act on, or about an intent that is not one of its payments, is 200 ignored", async () => {
    const { piId } = await authenticatedPayment();
    const created = (await stripeFake.deliveries({ related: piId, peek: true })).find((d) => d.type === "payment_intent.created");
    if (created) {
      const res = await post(created.payload, { "Stripe-Signature": created.signature });
      expect(await res.json()).toMatchObject({ received: true, ignored: true });
    }
    const stranger = await stripeFake.confirm(
      (await stripe.paymentIntents.create({ amount: 900, currency: "usd", payment_method: "pm_card_visa" })).id,
      "pm_card_visa",
    );
    const [delivery] = (await stripeFake.deliveries({ related: stranger.id })).filter((d) => d.type === "payment_intent.succeeded");
    if (!delivery) throw new Error("no delivery");
    const res = await post(delivery.payload, { "Stripe-Signature": delivery.signature });
    expect(await res.json()).toEqual({ received: true, duplicate: false, ignored: true });
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM payments WHERE payment_intent_id = ?").bind(stranger.id).first("n")).toBe(0);
  });

  it("malformed JSON is 400, a 2 MiB body 413, a form body 415 — without a token, and nothing is stored", async () => {
    const before = await env.DB.prepare("SELECT COUNT(*) AS n FROM stripe_events").first("n");
    await api.problem(post('{"id": "evt_x",', { "Stripe-Signature": "t=1,v1=00" }), 400, "malformed_json");
    await api.problem(
      post(JSON.stringify({ id: "evt_x", pad: "x".repeat(2 * 1024 * 1024) }), { "Stripe-Signature": "t=1,v1=00" }),
      413,
      "payload_too_large",
    );
    await api.problem(
      SELF.fetch(WEBHOOK, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "id=evt_x" }),
      415,
      "unsupported_media_type",
    );
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM stripe_events").first("n")).toBe(before);
  });
});
