import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { orders, stripeEvents } from "../src/orders/schema";
import { stripeOf } from "../src/stripe/client";
import { call, newUser } from "./helpers";
import {
  addToCart,
  availableOf,
  checkoutAs,
  deliverFromFake,
  getOrder,
  type OrderBody,
  paymentIntent,
  postWebhook,
  seedProduct,
  stockOf,
  stripeEvent,
  stripeFake,
} from "./orders-helpers";

// Stripe may deliver an event twice and in any order; each case ends in exactly one transition.

const db = drizzle(env.DB);

async function pendingOrder(quantity = 1, stock = 5) {
  const product = await seedProduct({ stock, price: 2000 });
  const user = await newUser();
  await addToCart(user, product.variantId, quantity);
  const res = await checkoutAs(user, { country: "US", shippingMethod: "standard" });
  expect(res.status).toBe(201);
  const { order } = (await res.json()) as { order: OrderBody };
  return { product, user, order, pi: order.payment.paymentIntentId ?? "" };
}

const transitionsTo = (o: OrderBody, state: string) => o.timeline.filter((e) => e.to === state && e.type === "state_changed");

describe("webhook deliveries twice and out of order", () => {
  it("every delivery twice: 200 each, the second a duplicate, one paid transition", async () => {
    const { user, order, pi, product } = await pendingOrder(2);
    await stripeFake().confirm(pi, "pm_card_visa");
    const { types, statuses } = await deliverFromFake(pi, { duplicate: true });
    expect(types.filter((t) => t === "payment_intent.succeeded")).toHaveLength(2);
    expect(statuses.every((s) => s === 200)).toBe(true);
    const paid = (await getOrder(user.token, order.id)).body;
    expect(paid.state).toBe("paid");
    expect(transitionsTo(paid, "paid")).toHaveLength(1);
    expect(await stockOf(product.productId, product.variantId)).toBe(3);
  });

  it("the same payment announced by two different events: one transition, stock committed once", async () => {
    const { user, order, pi, product } = await pendingOrder(1);
    await stripeFake().confirm(pi, "pm_card_visa");
    await deliverFromFake(pi);
    const again = await postWebhook(
      stripeEvent("payment_intent.succeeded", paymentIntent({ id: pi, orderId: order.id, amount: order.total, status: "succeeded" })),
    );
    expect(await again.json()).toMatchObject({ duplicate: false, ignored: false });
    const paid = (await getOrder(user.token, order.id)).body;
    expect(transitionsTo(paid, "paid")).toHaveLength(1);
    expect(await stockOf(product.productId, product.variantId)).toBe(4);
  });

  it("payment_failed delivered after payment_intent.succeeded (reverse order): paid stays paid, no error recorded", async () => {
    const { user, order, pi } = await pendingOrder(1);
    await stripeFake().confirm(pi, "pm_card_chargeDeclined");
    await stripeFake().confirm(pi, "pm_card_visa");
    const { types } = await deliverFromFake(pi, { order: "reverse" });
    expect(types.indexOf("payment_intent.succeeded")).toBeLessThan(types.indexOf("payment_intent.payment_failed"));
    const paid = (await getOrder(user.token, order.id)).body;
    expect(paid.state).toBe("paid");
    expect(paid.payment.error).toBeNull();
    expect(paid.timeline.map((e) => e.type)).not.toContain("payment_failed");
  });

  it("charge.refunded before payment_intent.succeeded: paid then refunded, never paid twice", async () => {
    const { user, order, pi } = await pendingOrder(1);
    await stripeFake().confirm(pi, "pm_card_visa");
    await stripeOf(env).refunds.create({ payment_intent: pi });
    const { types } = await deliverFromFake(pi, { order: "reverse" });
    expect(types.indexOf("charge.refunded")).toBeLessThan(types.indexOf("payment_intent.succeeded"));
    const done = (await getOrder(user.token, order.id)).body;
    expect(done).toMatchObject({ state: "refunded", amountPaid: order.total, amountRefunded: order.total });
    expect(transitionsTo(done, "paid")).toHaveLength(1);
    expect(done.refunds).toMatchObject([{ amount: order.total, state: "succeeded", source: "stripe" }]);
  });

  it("a payment that succeeds after the order was cancelled is refunded through Stripe; the order stays cancelled", async () => {
    const { user, order, pi, product } = await pendingOrder(2);
    // the customer pays, and cancels before the webhook arrives
    await stripeFake().confirm(pi, "pm_card_visa");
    const cancelled = await call("POST", `/orders/${order.id}/cancel`, user.token, { reason: "changed my mind" });
    expect(cancelled.status).toBe(200);
    expect(await availableOf(product.productId, product.variantId)).toBe(5);
    await deliverFromFake(pi);
    const after = (await getOrder(user.token, order.id)).body;
    expect(after).toMatchObject({ state: "cancelled", amountPaid: order.total, amountRefunded: order.total });
    expect(after.refunds).toMatchObject([{ amount: order.total, state: "succeeded", source: "system" }]);
    expect(transitionsTo(after, "paid")).toEqual([]);
    // the refund's own charge.refunded adds nothing
    await deliverFromFake(pi);
    expect((await getOrder(user.token, order.id)).body.refunds).toHaveLength(1);
    const remote = await stripeOf(env).paymentIntents.retrieve(pi);
    expect(remote.status).toBe("succeeded");
    expect(await stockOf(product.productId, product.variantId)).toBe(5);
  });

  it("an event for a PaymentIntent the shop does not know is acknowledged and changes nothing", async () => {
    const res = await postWebhook(
      stripeEvent(
        "payment_intent.succeeded",
        paymentIntent({ id: "pi_unknown", orderId: "nope", amount: 100, status: "succeeded" }),
        "evt_unknown_pi",
      ),
    );
    expect(res.status).toBe(200);
    expect(await db.select().from(stripeEvents).where(eq(stripeEvents.id, "evt_unknown_pi"))).toHaveLength(1);
    expect(await db.select().from(orders).where(eq(orders.id, "nope"))).toEqual([]);
  });
});
