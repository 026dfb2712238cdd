import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { and, eq, isNotNull } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { nanoid } from "nanoid";
import { describe, expect, it } from "vitest";
import { couponRedemptions, coupons } from "../src/cart/schema";
import worker from "../src/index";
import { orders, queueOutbox } from "../src/orders/schema";
import { runScheduled } from "../src/scheduled";
import { stripeOf } from "../src/stripe/client";
import { newUser } from "./helpers";
import { addToCart, availableOf, checkoutAs, deliverFromFake, type OrderBody, seedProduct, stripeFake } from "./orders-helpers";

// The cron: unpaid orders past their hold are cancelled (stock, coupon, PaymentIntent released), the
// outbox is drained; and the events consumer behind it.

const db = drizzle(env.DB);

describe("the cron", () => {
  it("cancels an order unpaid past its hold: stock and coupon released, PaymentIntent cancelled; another cart's hold is left alone", async () => {
    const product = await seedProduct({ stock: 3, price: 1000 });
    const now = Date.now();
    const couponId = nanoid();
    const code = `CRON${couponId.toUpperCase().replace(/[^A-Z0-9]/g, "X")}`;
    await db.insert(coupons).values({ id: couponId, code, kind: "fixed", value: 100, currency: "USD", createdAt: now, updatedAt: now });
    const late = await newUser();
    await addToCart(late, product.variantId, 2);
    const lateOrder = (
      (await (await checkoutAs(late, { country: "US", shippingMethod: "standard", couponCode: code })).json()) as { order: OrderBody }
    ).order;
    expect(lateOrder.discount).toBe(100);
    const fresh = await newUser();
    await addToCart(fresh, product.variantId, 1);
    expect(await availableOf(product.productId, product.variantId)).toBe(0);
    // the late order's hold ran out a minute ago
    await db
      .update(orders)
      .set({ holdExpiresAt: Date.now() - 60_000 })
      .where(eq(orders.id, lateOrder.id));

    const result = await runScheduled(env, Date.now());
    expect(result.expired).toBeGreaterThanOrEqual(1);
    const [row] = await db.select().from(orders).where(eq(orders.id, lateOrder.id));
    expect(row?.state).toBe("cancelled");
    expect(await availableOf(product.productId, product.variantId)).toBe(2);
    expect(await db.select().from(couponRedemptions).where(eq(couponRedemptions.orderId, lateOrder.id))).toEqual([]);
    const pi = await stripeOf(env).paymentIntents.retrieve(lateOrder.payment.paymentIntentId ?? "");
    expect(pi.status).toBe("canceled");
    // a second run changes nothing more
    await runScheduled(env, Date.now());
    expect(await availableOf(product.productId, product.variantId)).toBe(2);
  });

  it("drains the shop events of paid orders from the outbox", async () => {
    const product = await seedProduct({ stock: 2 });
    const user = await newUser();
    await addToCart(user, product.variantId, 1);
    const { order } = (await (await checkoutAs(user)).json()) as { order: OrderBody };
    await stripeFake().confirm(order.payment.paymentIntentId ?? "", "pm_card_visa");
    await deliverFromFake(order.payment.paymentIntentId ?? "");
    await runScheduled(env, Date.now());
    const rows = await db
      .select()
      .from(queueOutbox)
      .where(and(eq(queueOutbox.id, `shop-events:paid:${order.id}`), isNotNull(queueOutbox.sentAt)));
    expect(rows).toHaveLength(1);
  });
});

describe("the events consumer", () => {
  it("writes the receipt for order.paid and dead-letters bodies that are not shop events (never retried)", async () => {
    const product = await seedProduct({ stock: 2 });
    const user = await newUser();
    await addToCart(user, product.variantId, 1);
    const { order } = (await (await checkoutAs(user)).json()) as { order: OrderBody };
    await stripeFake().confirm(order.payment.paymentIntentId ?? "", "pm_card_visa");
    await deliverFromFake(order.payment.paymentIntentId ?? "");
    const batch = createMessageBatch("edgeworks-shop-events", [
      { id: "m0", timestamp: new Date(), attempts: 1, body: { type: "order.paid", orderId: order.id } },
      { id: "m1", timestamp: new Date(), attempts: 1, body: { type: "order.paid", orderId: "../etc" } },
      { id: "m2", timestamp: new Date(), attempts: 1, body: { itemId: "x" } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks.sort()).toEqual(["m0", "m1", "m2"]);
    expect(
      await db
        .select()
        .from(queueOutbox)
        .where(eq(queueOutbox.id, `mail:shop-receipt/${order.id}`)),
    ).toHaveLength(1);
  });

  it("skips a receipt for an order that was never paid", async () => {
    const product = await seedProduct({ stock: 2 });
    const user = await newUser();
    await addToCart(user, product.variantId, 1);
    const { order } = (await (await checkoutAs(user)).json()) as { order: OrderBody };
    const { handleShopEvent } = await import("../src/events.queue");
    expect(await handleShopEvent(env, { type: "order.paid", orderId: order.id }, Date.now())).toBe("skipped");
    expect(
      await db
        .select()
        .from(queueOutbox)
        .where(eq(queueOutbox.id, `mail:shop-receipt/${order.id}`)),
    ).toEqual([]);
  });

  it("sends the receipt to the address given at checkout instead of the account's", async () => {
    const product = await seedProduct({ stock: 2 });
    const user = await newUser();
    await addToCart(user, product.variantId, 1);
    const res = await checkoutAs(user, { country: "GB", shippingMethod: "express", email: "buyer@example.com" });
    const { order } = (await res.json()) as { order: OrderBody & { email: string | null } };
    expect(order.email).toBe("buyer@example.com");
    await stripeFake().confirm(order.payment.paymentIntentId ?? "", "pm_card_visa");
    await deliverFromFake(order.payment.paymentIntentId ?? "");
    const { handleShopEvent } = await import("../src/events.queue");
    expect(await handleShopEvent(env, { type: "order.paid", orderId: order.id }, Date.now())).toBe("written");
    const [mail] = await db
      .select()
      .from(queueOutbox)
      .where(eq(queueOutbox.id, `mail:shop-receipt/${order.id}`));
    expect(JSON.parse(mail?.body ?? "{}")).toMatchObject({
      to: "buyer@example.com",
      subject: expect.stringMatching(/^Your receipt for order #\d+$/),
    });
  });
});
