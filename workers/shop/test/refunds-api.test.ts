import { env } from "cloudflare:test";
import type { TestUser } from "@edgeworks/testing";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { nanoid } from "nanoid";
import { beforeAll, describe, expect, it } from "vitest";
import { handleShopEvent } from "../src/events.queue";
import { queueOutbox, refunds } from "../src/orders/schema";
import { runScheduled } from "../src/scheduled";
import { stripeOf } from "../src/stripe/client";
import { BASE, call, newAdmin, newUser } from "./helpers";
import {
  addToCart,
  checkoutAs,
  deliverFromFake,
  fetchWorker,
  getOrder,
  type OrderBody,
  seedProduct,
  stockOf,
  stripeFake,
} from "./orders-helpers";

// Refunds through the API (admin), against the Stripe stand-in: full, partial by lines with restock, by
// amount, never above what was paid (also under concurrency), idempotent, mailed, and reconciled with
// Stripe's own charge.refunded.

const db = drizzle(env.DB);
let admin: TestUser;

/** A paid order of 3 units at 10.00 (US: no tax, 5.00 shipping → 35.00). */
async function paidOrder() {
  const product = await seedProduct({ stock: 10, price: 1000 });
  const user = await newUser();
  await addToCart(user, product.variantId, 3);
  const res = await checkoutAs(user, { country: "US", shippingMethod: "standard" });
  const { order } = (await res.json()) as { order: OrderBody };
  const pi = order.payment.paymentIntentId ?? "";
  await stripeFake().confirm(pi, "pm_card_visa");
  await deliverFromFake(pi);
  const paid = (await getOrder(user.token, order.id)).body;
  expect(paid.state).toBe("paid");
  return { product, user, order: paid, pi };
}

const refund = (orderId: string, body: Record<string, unknown>, key?: string) =>
  call("POST", `/orders/${orderId}/refunds`, admin.token, body, key ? { "Idempotency-Key": key } : {});

const stripeRefunded = async (pi: string) =>
  (await stripeOf(env).refunds.list({ payment_intent: pi })).data.reduce((n, r) => n + r.amount, 0);

describe("POST /orders/{id}/refunds", () => {
  beforeAll(async () => {
    admin = await newAdmin();
  });

  it("a full refund: refunded in Stripe and here, state refunded, the refund email written once", async () => {
    const { order, pi, user } = await paidOrder();
    const res = await refund(order.id, { reason: "damaged in transit" });
    expect(res.status, await res.clone().text()).toBe(201);
    const body = (await res.json()) as { id: string; amount: number; state: string; stripeRefundId: string };
    expect(body).toMatchObject({ amount: 3500, state: "succeeded", source: "api" });
    expect(body.stripeRefundId).toMatch(/^re_/);
    expect(await stripeRefunded(pi)).toBe(3500);
    const after = (await getOrder(user.token, order.id)).body;
    expect(after).toMatchObject({ state: "refunded", amountRefunded: 3500, payment: { refundable: 0 } });
    expect(after.timeline.at(-1)).toMatchObject({ type: "refund", from: "paid", to: "refunded", actor: `admin:${admin.id}` });
    // charge.refunded from Stripe afterwards adds nothing
    await deliverFromFake(pi);
    expect((await getOrder(user.token, order.id)).body).toMatchObject({ amountRefunded: 3500, refunds: [{ id: body.id }] });
    // the email, through the events consumer into the mail outbox
    expect(await handleShopEvent(env, { type: "order.refunded", orderId: order.id, refundId: body.id }, Date.now())).toBe("written");
    const mails = await db
      .select()
      .from(queueOutbox)
      .where(eq(queueOutbox.id, `mail:shop-refund/${body.id}`));
    expect(mails).toHaveLength(1);
    expect(JSON.parse(mails[0]?.body ?? "{}")).toMatchObject({ to: `${user.id}@users.test`, kind: "shop-refund" });
    // GET /orders/{id}/refunds for the customer
    const list = await call("GET", `/orders/${order.id}/refunds`, user.token);
    expect(((await list.json()) as { items: { id: string }[] }).items.map((r) => r.id)).toEqual([body.id]);
  });

  it("a partial refund by lines with restock: partially_refunded, the line counted, units back in stock", async () => {
    const { order, product, user } = await paidOrder();
    expect(await stockOf(product.productId, product.variantId)).toBe(7);
    const line = order.lines[0];
    const res = await refund(order.id, { lines: [{ lineId: line?.id, quantity: 2 }], reason: "two were broken", restock: true });
    expect(res.status, await res.clone().text()).toBe(201);
    expect(await res.json()).toMatchObject({ amount: 2000, restock: true });
    const after = (await getOrder(user.token, order.id)).body;
    expect(after).toMatchObject({ state: "partially_refunded", amountRefunded: 2000, payment: { refundable: 1500 } });
    expect(after.lines[0]?.refundedQuantity).toBe(2);
    expect(await stockOf(product.productId, product.variantId)).toBe(9);
    // two more units of a line with one left: 422; the rest by amount: refunded
    expect((await refund(order.id, { lines: [{ lineId: line?.id, quantity: 2 }], reason: "x" })).status).toBe(422);
    expect((await refund(order.id, { amount: 1500, reason: "the rest" })).status).toBe(201);
    expect((await getOrder(user.token, order.id)).body).toMatchObject({ state: "refunded", amountRefunded: 3500 });
  });

  it("never above paid − refunded: 409 with `refundable`, nothing sent to Stripe", async () => {
    const { order, pi } = await paidOrder();
    expect((await refund(order.id, { amount: 1000, reason: "part" })).status).toBe(201);
    const over = await refund(order.id, { amount: 2501, reason: "too much" });
    expect(over.status).toBe(409);
    expect(await over.json()).toMatchObject({ code: "conflict", refundable: 2500 });
    expect(await stripeRefunded(pi)).toBe(1000);
    expect((await refund(order.id, { lines: [{ lineId: "nope", quantity: 1 }], reason: "x" })).status).toBe(422);
    expect((await refund(order.id, { amount: 0, reason: "x" })).status).toBe(422);
    expect((await refund(order.id, { amount: 10 })).status).toBe(422);
  });

  it("concurrent refunds never add up to more than was paid", async () => {
    const { order, pi, user } = await paidOrder();
    const results = await Promise.all(Array.from({ length: 6 }, () => refund(order.id, { amount: 1200, reason: "concurrent" })));
    const ok = results.filter((r) => r.status === 201).length;
    expect(ok).toBe(2);
    expect(results.filter((r) => r.status === 409)).toHaveLength(4);
    expect(await stripeRefunded(pi)).toBe(2400);
    expect((await getOrder(user.token, order.id)).body.amountRefunded).toBe(2400);
  });

  it("idempotent: the same Idempotency-Key replays the refund (one refund in Stripe); another body with it is 422", async () => {
    const { order, pi } = await paidOrder();
    const key = nanoid();
    const first = await refund(order.id, { amount: 500, reason: "goodwill" }, key);
    const again = await refund(order.id, { amount: 500, reason: "goodwill" }, key);
    expect(again.status).toBe(201);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await again.json()).toEqual(await first.json());
    expect((await refund(order.id, { amount: 600, reason: "goodwill" }, key)).status).toBe(422);
    expect(await stripeRefunded(pi)).toBe(500);
    expect(await db.select().from(refunds).where(eq(refunds.orderId, order.id))).toHaveLength(1);
  });

  it("a pending order cannot be refunded (409)", async () => {
    const product = await seedProduct({ stock: 2 });
    const user = await newUser();
    await addToCart(user, product.variantId, 1);
    const { order } = (await (await checkoutAs(user)).json()) as { order: OrderBody };
    const res = await refund(order.id, { reason: "x" });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ state: "pending_payment" });
  });
});

describe("a refund Stripe could not be reached for", () => {
  it("stays pending (503) and the cron completes it with the same idempotency key", async () => {
    const admin2 = await newAdmin();
    const { order, pi, user } = await paidOrder();
    const res = await fetchWorker(
      `${BASE}/orders/${order.id}/refunds`,
      {
        method: "POST",
        headers: { Authorization: `Bearer ${admin2.token}`, "Content-Type": "application/json" },
        body: JSON.stringify({ amount: 700, reason: "late parcel" }),
      },
      { STRIPE_API_BASE: "http://127.0.0.1:9" },
    );
    expect(res.status).toBe(503);
    const [pending] = await db.select().from(refunds).where(eq(refunds.orderId, order.id));
    expect(pending?.state).toBe("pending");
    // a new refund cannot take the pending amount twice
    const over = await refund(order.id, { amount: 2801, reason: "x" });
    expect(over.status).toBe(409);
    await runScheduled(env, Date.now() + 3 * 60_000);
    const after = (await getOrder(user.token, order.id)).body;
    expect(after).toMatchObject({ state: "partially_refunded", amountRefunded: 700, refunds: [{ amount: 700, state: "succeeded" }] });
    expect(await stripeRefunded(pi)).toBe(700);
  });
});
