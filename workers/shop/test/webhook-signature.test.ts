import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { nanoid } from "nanoid";
import { beforeAll, describe, expect, it } from "vitest";
import { orders, stripeEvents } from "../src/orders/schema";
import { newUser } from "./helpers";
import { paymentIntent, postWebhook, signPayload, stripeEvent } from "./orders-helpers";

// Every way a webhook can be unauthentic: 400 problem+json, and neither the inbox nor the order changes.
// The events are signed here with the endpoint secret (as Stripe signs: HMAC-SHA256 over `<t>.<body>`).

const db = drizzle(env.DB);
let orderId = "";

async function seedPendingOrder(): Promise<string> {
  const user = await newUser();
  const id = nanoid();
  const now = Date.now();
  await db.insert(orders).values({
    id,
    number: Math.floor(Math.random() * 1e9),
    userId: user.id,
    state: "pending_payment",
    currency: "USD",
    subtotal: 1000,
    total: 1500,
    shipping: 500,
    country: "US",
    shippingMethod: "standard",
    paymentIntentId: `pi_${id}`,
    holdExpiresAt: now + 60_000,
    createdAt: now,
    updatedAt: now,
  });
  return id;
}

const succeeded = (id: string, eventId?: string) =>
  stripeEvent("payment_intent.succeeded", paymentIntent({ id: `pi_${id}`, orderId: id, amount: 1500, status: "succeeded" }), eventId);

async function unchanged(eventId: string) {
  const [order] = await db.select().from(orders).where(eqId(orderId));
  expect(order?.state).toBe("pending_payment");
  expect(order?.amountPaid).toBe(0);
  expect(await db.select().from(stripeEvents).where(eqEvent(eventId))).toEqual([]);
}

const eqId = (id: string) => eq(orders.id, id);
const eqEvent = (id: string) => eq(stripeEvents.id, id);

async function expect400(res: Response) {
  expect(res.status).toBe(400);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  const body = (await res.json()) as { code: string; detail: string };
  expect(body.code).toBe("bad_request");
  return body;
}

describe("POST /stripe/webhook signature checks", () => {
  beforeAll(async () => {
    orderId = await seedPendingOrder();
  });

  it("refuses a delivery without Stripe-Signature", async () => {
    const payload = succeeded(orderId, "evt_nosig");
    await expect400(await postWebhook(payload, null));
    await unchanged("evt_nosig");
  });

  it("refuses a forged signature (random hex)", async () => {
    const payload = succeeded(orderId, "evt_forged");
    const t = Math.floor(Date.now() / 1000);
    await expect400(await postWebhook(payload, `t=${t},v1=${"ab".repeat(32)}`));
    await unchanged("evt_forged");
  });

  it("refuses a signature made with another secret", async () => {
    const payload = succeeded(orderId, "evt_wrongsecret");
    await expect400(await postWebhook(payload, await signPayload(payload, "whsec_someone_else")));
    await unchanged("evt_wrongsecret");
  });

  it("refuses a stale timestamp (more than 300 s old), even correctly signed", async () => {
    const payload = succeeded(orderId, "evt_stale");
    const old = Math.floor(Date.now() / 1000) - 301;
    const body = await expect400(await postWebhook(payload, await signPayload(payload, undefined, old)));
    expect(body.detail).toMatch(/tolerance|timestamp/i);
    await unchanged("evt_stale");
  });

  it("refuses a tampered body (signed, then the amount changed)", async () => {
    const payload = succeeded(orderId, "evt_tampered");
    const sig = await signPayload(payload);
    await expect400(await postWebhook(payload.replace('"amount":1500', '"amount":1'), sig));
    await unchanged("evt_tampered");
  });

  it("refuses a garbage header and an oversized one", async () => {
    const payload = succeeded(orderId, "evt_garbage");
    await expect400(await postWebhook(payload, "nonsense"));
    await expect400(await postWebhook(payload, `t=1,v1=${"a".repeat(5000)}`));
    await unchanged("evt_garbage");
  });

  it("accepts the same event correctly signed: paid once, a redelivery is a 200 no-op", async () => {
    const payload = succeeded(orderId, `evt_ok_${orderId}`);
    const first = await postWebhook(payload);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ received: true, duplicate: false, ignored: false });
    const again = await postWebhook(payload);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ received: true, duplicate: true, ignored: false });
    const [order] = await db.select().from(orders).where(eqId(orderId));
    expect(order?.state).toBe("paid");
    expect(order?.amountPaid).toBe(1500);
  });

  it("answers unknown event types 200 and ignores them", async () => {
    const payload = stripeEvent("customer.created", { id: "cus_x", object: "customer" });
    const res = await postWebhook(payload);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true, duplicate: false, ignored: true });
  });
});
