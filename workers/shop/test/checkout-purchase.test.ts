import { env } from "cloudflare:test";
import { eq, like } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { nanoid } from "nanoid";
import { describe, expect, it } from "vitest";
import { variants } from "../src/catalog/schema";
import { handleShopEvent } from "../src/events.queue";
import { orders, queueOutbox } from "../src/orders/schema";
import { call, newUser } from "./helpers";
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

// A whole purchase through the Stripe stand-in: checkout → confirm with a test card (the fake's API) →
// the signed webhook pulled from the fake and POSTed to /stripe/webhook → paid, stock committed, receipt.

const db = drizzle(env.DB);

interface CheckoutBody {
  order: OrderBody;
  clientSecret: string | null;
}

async function checkedOut(opts: { quantity?: number; price?: number; country?: string; stock?: number } = {}) {
  const product = await seedProduct({ stock: opts.stock ?? 5, price: opts.price ?? 2500 });
  const user = await newUser();
  await addToCart(user, product.variantId, opts.quantity ?? 2);
  const res = await checkoutAs(user, { country: opts.country ?? "DE", shippingMethod: "standard" });
  expect(res.status, await res.clone().text()).toBe(201);
  const body = (await res.json()) as CheckoutBody;
  return { product, user, body, pi: body.order.payment.paymentIntentId ?? "" };
}

describe("checkout → pay → webhook", () => {
  it("pm_card_visa: the order becomes paid once, stock is committed, the receipt is written to the mail outbox", async () => {
    const { product, user, body, pi } = await checkedOut();
    // 2 × 25.00, DE tax 19 % of 50.00 = 9.50, standard USD shipping 5.00
    expect(body.order).toMatchObject({
      state: "pending_payment",
      currency: "USD",
      subtotal: 5000,
      discount: 0,
      tax: 950,
      shipping: 500,
      total: 6450,
    });
    expect(body.clientSecret).toMatch(/^pi_.+_secret_/);
    expect(pi).toMatch(/^pi_/);
    expect(body.order.timeline).toMatchObject([{ type: "created", to: "pending_payment", actor: `user:${user.id}` }]);
    // held by the order now: 3 of 5 available, still 5 on hand
    expect(await availableOf(product.productId, product.variantId)).toBe(3);

    const confirmed = await stripeFake().confirm(pi, "pm_card_visa");
    expect(confirmed.status).toBe("succeeded");
    const delivered = await deliverFromFake(pi);
    expect(delivered.types).toContain("payment_intent.succeeded");
    expect(delivered.statuses.every((s) => s === 200)).toBe(true);

    const { status, body: paid } = await getOrder(user.token, body.order.id);
    expect(status).toBe(200);
    expect(paid).toMatchObject({ state: "paid", amountPaid: 6450, amountRefunded: 0 });
    expect(paid.timeline.filter((e) => e.to === "paid")).toEqual([
      expect.objectContaining({ type: "state_changed", from: "pending_payment", to: "paid", actor: "stripe" }),
    ]);
    expect(await stockOf(product.productId, product.variantId)).toBe(3);
    expect(await availableOf(product.productId, product.variantId)).toBe(3);

    // the order.paid event is in the outbox (same batch as the state change); its consumer writes the receipt
    const events = await db
      .select()
      .from(queueOutbox)
      .where(eq(queueOutbox.id, `shop-events:paid:${body.order.id}`));
    expect(events).toHaveLength(1);
    expect(await handleShopEvent(env, { type: "order.paid", orderId: body.order.id }, Date.now())).toBe("written");
    expect(await handleShopEvent(env, { type: "order.paid", orderId: body.order.id }, Date.now())).toBe("written");
    const mails = await db
      .select()
      .from(queueOutbox)
      .where(like(queueOutbox.id, `mail:shop-receipt/${body.order.id}`));
    expect(mails).toHaveLength(1);
    const mail = JSON.parse(mails[0]?.body ?? "{}") as { to: string; subject: string; text: string; kind: string };
    expect(mail).toMatchObject({ to: `${user.id}@users.test`, kind: "shop-receipt" });
    expect(mail.subject).toMatch(/^Your receipt for order #\d+$/);
    expect(mail.text).toContain("$64.50");
  });

  it("a declined card leaves the order pending with the reason; a second card pays it", async () => {
    const { user, body, pi } = await checkedOut({ quantity: 1 });
    const declined = await stripeFake().confirm(pi, "pm_card_chargeDeclined");
    expect(declined.status).toBe("requires_payment_method");
    const first = await deliverFromFake(pi);
    expect(first.types).toContain("payment_intent.payment_failed");
    const pending = (await getOrder(user.token, body.order.id)).body;
    expect(pending.state).toBe("pending_payment");
    expect(pending.payment.error).toMatch(/declined/i);
    expect(pending.timeline.map((e) => e.type)).toEqual(["created", "payment_failed"]);

    expect((await stripeFake().confirm(pi, "pm_card_visa")).status).toBe("succeeded");
    await deliverFromFake(pi);
    const paid = (await getOrder(user.token, body.order.id)).body;
    expect(paid.state).toBe("paid");
    expect(paid.payment.error).toBeNull();
  });

  it("3-D Secure: requires_action, then authenticated → paid", async () => {
    const { user, body, pi } = await checkedOut({ quantity: 1 });
    expect((await stripeFake().confirm(pi, "pm_card_authenticationRequired")).status).toBe("requires_action");
    await deliverFromFake(pi);
    expect((await getOrder(user.token, body.order.id)).body.state).toBe("pending_payment");
    expect((await stripeFake().authenticate(pi, "succeed")).status).toBe("succeeded");
    await deliverFromFake(pi);
    expect((await getOrder(user.token, body.order.id)).body.state).toBe("paid");
  });
});

describe("POST /checkout rules", () => {
  it("requires Idempotency-Key (422 naming the header) and creates nothing without it", async () => {
    const product = await seedProduct({ stock: 2 });
    const user = await newUser();
    await addToCart(user, product.variantId, 1);
    const res = await call("POST", "/checkout", user.token, { country: "US", shippingMethod: "standard" });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { errors: { path: string }[] }).errors[0]?.path).toBe("idempotency-key");
    expect(await db.select().from(orders).where(eq(orders.userId, user.id))).toEqual([]);
  });

  it("replays the same key + body (Idempotent-Replayed: true, one order); another body with that key is 422", async () => {
    const product = await seedProduct({ stock: 2 });
    const user = await newUser();
    await addToCart(user, product.variantId, 1);
    const key = nanoid();
    const first = await checkoutAs(user, { country: "US", shippingMethod: "express" }, key);
    expect(first.status).toBe(201);
    const again = await checkoutAs(user, { country: "US", shippingMethod: "express" }, key);
    expect(again.status).toBe(201);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(((await again.json()) as CheckoutBody).order.id).toBe(((await first.json()) as CheckoutBody).order.id);
    const other = await checkoutAs(user, { country: "GB", shippingMethod: "express" }, key);
    expect(other.status).toBe(422);
    expect(await db.select().from(orders).where(eq(orders.userId, user.id))).toHaveLength(1);
  });

  it("prices changed since the cart was filled: 409 with the new totals, the cart repriced, the next checkout pays the new price", async () => {
    const product = await seedProduct({ stock: 3, price: 1000 });
    const user = await newUser();
    await addToCart(user, product.variantId, 2);
    await db.update(variants).set({ price: 1200 }).where(eq(variants.id, product.variantId));
    const res = await checkoutAs(user, { country: "US", shippingMethod: "standard" });
    expect(res.status).toBe(409);
    const problem = (await res.json()) as { totals: { subtotal: number; total: number }; changed: { was: number; now: number }[] };
    expect(problem.totals).toMatchObject({ subtotal: 2400, total: 2900 });
    expect(problem.changed).toEqual([{ variantId: product.variantId, was: 1000, now: 1200 }]);
    expect(await db.select().from(orders).where(eq(orders.userId, user.id))).toEqual([]);
    const ok = await checkoutAs(user, { country: "US", shippingMethod: "standard" });
    expect(ok.status).toBe(201);
    expect(((await ok.json()) as CheckoutBody).order).toMatchObject({ subtotal: 2400, tax: 0, shipping: 500, total: 2900 });
  });

  it("an unknown country is 422; an empty cart is 409; a malformed body is 422, and nothing is created", async () => {
    const product = await seedProduct({ stock: 2 });
    const user = await newUser();
    expect((await checkoutAs(user, { country: "US", shippingMethod: "standard" })).status).toBe(409);
    await addToCart(user, product.variantId, 1);
    expect((await checkoutAs(user, { country: "XX", shippingMethod: "standard" })).status).toBe(422);
    expect((await checkoutAs(user, { country: "de", shippingMethod: "standard" })).status).toBe(422);
    expect((await checkoutAs(user, { country: "US", shippingMethod: "teleport" })).status).toBe(422);
    expect((await checkoutAs(user, { country: "US", extra: 1 })).status).toBe(422);
    expect(await db.select().from(orders).where(eq(orders.userId, user.id))).toEqual([]);
    // the cart still holds its unit
    expect(await availableOf(product.productId, product.variantId)).toBe(1);
  });

  it("401 without a token", async () => {
    expect((await call("POST", "/checkout", undefined, { country: "US" }, { "Idempotency-Key": "k" })).status).toBe(401);
  });
});
