import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { nanoid } from "nanoid";
import { describe, expect, it } from "vitest";
import { cartOf, userCartKey } from "../src/cart/cart-client";
import { couponRedemptions, coupons } from "../src/cart/schema";
import { orders } from "../src/orders/schema";
import { BASE, newUser } from "./helpers";
import { addToCart, availableOf, checkoutAs, fetchWorker, type OrderBody, seedProduct } from "./orders-helpers";

// A checkout that fails after it took stock and a coupon gives both back and cancels its order: no dead
// order keeps anything.

const db = drizzle(env.DB);

describe("checkout compensation", () => {
  it("Stripe unreachable: 503, the order cancelled with the reason, the coupon released, the lines and their stock back in the cart", async () => {
    const product = await seedProduct({ stock: 4, price: 1000 });
    const now = Date.now();
    const couponId = nanoid();
    const code = `COMP${couponId.toUpperCase().replace(/[^A-Z0-9]/g, "X")}`;
    await db.insert(coupons).values({ id: couponId, code, kind: "percent", value: 10, usageCap: 1, createdAt: now, updatedAt: now });
    const user = await newUser();
    await addToCart(user, product.variantId, 2);
    expect(await availableOf(product.productId, product.variantId)).toBe(2);
    const res = await fetchWorker(
      `${BASE}/checkout`,
      {
        method: "POST",
        headers: { Authorization: `Bearer ${user.token}`, "Content-Type": "application/json", "Idempotency-Key": nanoid() },
        body: JSON.stringify({ country: "US", shippingMethod: "standard", couponCode: code }),
      },
      // a closed port: the PaymentIntent cannot be created
      { STRIPE_API_BASE: "http://127.0.0.1:9" },
    );
    expect(res.status).toBe(503);
    expect(res.headers.get("Retry-After")).toBe("5");
    const [order] = await db.select().from(orders).where(eq(orders.userId, user.id));
    expect(order?.state).toBe("cancelled");
    expect(order?.paymentIntentId).toBeNull();
    // the cart has its lines and holds back: still 2 of 4 available, and the cart can check out again
    expect(await availableOf(product.productId, product.variantId)).toBe(2);
    const cart = await cartOf(env, userCartKey(user.id)).view();
    expect(cart.ok && cart.value.lines.map((l) => l.quantity)).toEqual([2]);
    expect(await db.select().from(couponRedemptions).where(eq(couponRedemptions.couponId, couponId))).toEqual([]);
    const [coupon] = await db.select().from(coupons).where(eq(coupons.id, couponId));
    expect(coupon?.used).toBe(0);
    const view = await fetchWorker(`${BASE}/orders/${order?.id}`, { headers: { Authorization: `Bearer ${user.token}` } });
    const body = (await view.json()) as OrderBody;
    expect(body.timeline.at(-1)).toMatchObject({ to: "cancelled", actor: "system", reason: "The payment could not be started" });
  });

  it("stock gone between cart and checkout (another holder took it): 409 with variantId and available, nothing kept", async () => {
    const product = await seedProduct({ stock: 2, price: 1000 });
    const user = await newUser();
    await addToCart(user, product.variantId, 2);
    // the cart's hold is released (idle alarm), and another cart takes the units meanwhile
    const cart = cartOf(env, userCartKey(user.id));
    const view = await cart.view();
    if (!view.ok) throw new Error(view.detail);
    const { inventoryOf, cartHolder } = await import("../src/cart/inventory-client");
    await inventoryOf(env, product.productId).release(cartHolder(view.value.id));
    const other = await newUser();
    await addToCart(other, product.variantId, 1);
    const res = await fetchWorker(`${BASE}/checkout`, {
      method: "POST",
      headers: { Authorization: `Bearer ${user.token}`, "Content-Type": "application/json", "Idempotency-Key": nanoid() },
      body: JSON.stringify({ country: "US", shippingMethod: "standard" }),
    });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: "conflict", variantId: product.variantId, available: 1 });
    expect(await db.select().from(orders).where(eq(orders.userId, user.id))).toEqual([]);
    expect(await availableOf(product.productId, product.variantId)).toBe(1);
  });

  it("two concurrent checkouts of one cart (different keys): one order, the other refused, stock held once", async () => {
    const product = await seedProduct({ stock: 4, price: 1000 });
    const user = await newUser();
    await addToCart(user, product.variantId, 2);
    const results = await Promise.all([checkoutAs(user), checkoutAs(user), checkoutAs(user)]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409 || s === 422)).toHaveLength(2);
    const mine = await db.select().from(orders).where(eq(orders.userId, user.id));
    expect(mine.filter((o) => o.state === "pending_payment")).toHaveLength(1);
    expect(await availableOf(product.productId, product.variantId)).toBe(2);
  });
});
