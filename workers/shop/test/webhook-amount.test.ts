import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { stripeOf } from "../src/stripe/client";
import { newUser } from "./helpers";
import {
  addToCart,
  availableOf,
  checkoutAs,
  deliverFromFake,
  getOrder,
  type OrderBody,
  seedProduct,
  stockOf,
  stripeFake,
} from "./orders-helpers";

// A payment_intent.succeeded that does not pay the order's total in its currency (the PaymentIntent was
// edited after checkout: another amount or currency) does not make the order paid: it stays
// pending_payment with the reason on the timeline, no stock is sold, and what was received is refunded
// (once, with an idempotency key). Found by H.

async function checkedOut() {
  const product = await seedProduct({ stock: 5, price: 1000 });
  const user = await newUser();
  await addToCart(user, product.variantId, 2);
  const res = await checkoutAs(user, { country: "US", shippingMethod: "standard" });
  expect(res.status, await res.clone().text()).toBe(201);
  const { order } = (await res.json()) as { order: OrderBody };
  return { product, user, order, pi: order.payment.paymentIntentId ?? "" };
}

const refundedInStripe = async (pi: string) =>
  (await stripeOf(env).refunds.list({ payment_intent: pi })).data.filter((r) => r.status === "succeeded").reduce((n, r) => n + r.amount, 0);

describe("a succeeded payment that does not match the order", () => {
  it("less than the total: stays pending with the reason, no stock sold, the 0.50 refunded once", async () => {
    const { product, user, order, pi } = await checkedOut();
    expect(order.total).toBe(2500);
    await stripeOf(env).paymentIntents.update(pi, { amount: 50 });
    expect((await stripeFake().confirm(pi, "pm_card_visa")).status).toBe("succeeded");
    const delivered = await deliverFromFake(pi);
    expect(delivered.types).toContain("payment_intent.succeeded");
    expect(delivered.statuses.every((s) => s === 200)).toBe(true);

    const after = (await getOrder(user.token, order.id)).body;
    expect(after).toMatchObject({ state: "pending_payment", amountPaid: 0, amountRefunded: 0 });
    expect(after.payment.error).toMatch(/50 USD.*2500 USD/);
    expect(after.timeline.filter((e) => e.to === "paid")).toEqual([]);
    expect(after.timeline.filter((e) => e.type === "note")).toEqual([
      expect.objectContaining({ actor: "stripe", reason: expect.stringMatching(/refunded/) }),
    ]);
    // nothing sold: 5 on hand, 2 still held by the order
    expect(await stockOf(product.productId, product.variantId)).toBe(5);
    expect(await availableOf(product.productId, product.variantId)).toBe(3);
    expect(await refundedInStripe(pi)).toBe(50);

    // the refund's own charge.refunded and a duplicate delivery change nothing
    const again = await deliverFromFake(pi, { duplicate: true });
    expect(again.statuses.every((s) => s === 200)).toBe(true);
    const later = (await getOrder(user.token, order.id)).body;
    expect(later).toMatchObject({ state: "pending_payment", amountPaid: 0 });
    expect(later.timeline.filter((e) => e.type === "note")).toHaveLength(1);
    expect(await refundedInStripe(pi)).toBe(50);
    expect(await stockOf(product.productId, product.variantId)).toBe(5);
  });

  it("another currency: stays pending, refunded", async () => {
    const { product, user, order, pi } = await checkedOut();
    await stripeOf(env).paymentIntents.update(pi, { currency: "eur" });
    expect((await stripeFake().confirm(pi, "pm_card_visa")).status).toBe("succeeded");
    await deliverFromFake(pi);
    const after = (await getOrder(user.token, order.id)).body;
    expect(after).toMatchObject({ state: "pending_payment", amountPaid: 0 });
    expect(after.payment.error).toMatch(/EUR/);
    expect(await refundedInStripe(pi)).toBe(2500);
    expect(await stockOf(product.productId, product.variantId)).toBe(5);
  });
});
