import { env } from "cloudflare:test";
import type { TestUser } from "@edgeworks/testing";
import { eq, isNotNull } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { nanoid } from "nanoid";
import { describe, expect, it } from "vitest";
import { couponRedemptions, coupons } from "../src/cart/schema";
import { variants } from "../src/catalog/schema";
import { orders } from "../src/orders/schema";
import { call, newUser } from "./helpers";
import { availableOf, checkoutAs, deliverFromFake, type OrderBody, seedProduct, stockOf, stripeFake } from "./orders-helpers";

// The two races the issue names: no oversell (200 buyers, 10 units) and an exact coupon cap (5 of 50).

const db = drizzle(env.DB);

/** One buyer: add one unit to the cart over HTTP, then check out. Answers the first non-2xx status, or the order. */
async function buy(user: TestUser, variantId: string, couponCode?: string): Promise<{ status: number; order?: OrderBody }> {
  const added = await call("POST", "/cart/items", user.token, { variantId, quantity: 1 });
  if (added.status >= 300) return { status: added.status };
  const res = await checkoutAs(user, { country: "US", shippingMethod: "standard", ...(couponCode ? { couponCode } : {}) });
  if (res.status !== 201) return { status: res.status };
  return { status: 201, order: ((await res.json()) as { order: OrderBody }).order };
}

describe("no oversell", () => {
  it("200 concurrent buyers of a variant with 10 in stock: exactly 10 orders, all paid through the stand-in; everyone else 409; available never negative", async () => {
    const product = await seedProduct({ stock: 10, price: 1500 });
    const users = await Promise.all(Array.from({ length: 200 }, () => newUser()));
    let sampling = true;
    const seen: number[] = [];
    const sampler = (async () => {
      while (sampling) {
        seen.push(await availableOf(product.productId, product.variantId));
        const [mirror] = await db.select({ available: variants.available }).from(variants).where(eq(variants.id, product.variantId));
        seen.push(mirror?.available ?? 0);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const outcomes = await Promise.all(users.map((u) => buy(u, product.variantId)));
    sampling = false;
    await sampler;

    const bought = outcomes.filter((o) => o.status === 201);
    expect(bought).toHaveLength(10);
    expect(outcomes.filter((o) => o.status === 409)).toHaveLength(190);
    expect(seen.length).toBeGreaterThan(0);
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(0);
    expect(await availableOf(product.productId, product.variantId)).toBe(0);

    for (const o of bought) {
      const pi = o.order?.payment.paymentIntentId ?? "";
      expect((await stripeFake().confirm(pi, "pm_card_visa")).status).toBe("succeeded");
      await deliverFromFake(pi);
    }
    const ids = bought.map((o) => o.order?.id ?? "");
    const paid = (await db.select().from(orders).where(isNotNull(orders.paidAt))).filter((o) => ids.includes(o.id));
    expect(paid).toHaveLength(10);
    expect(paid.every((o) => o.state === "paid" && o.stockCommitted === 1)).toBe(true);
    expect(await stockOf(product.productId, product.variantId)).toBe(0);
    expect(await availableOf(product.productId, product.variantId)).toBe(0);
  }, 180_000);
});

describe("coupon usage cap", () => {
  it("a cap of 5 under 50 concurrent checkouts: exactly 5 orders use it, the others are refused and keep their carts", async () => {
    const product = await seedProduct({ stock: 100, price: 2000 });
    const code = `CAP${nanoid(8)
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, "X")}`;
    const now = Date.now();
    const couponId = nanoid();
    await db.insert(coupons).values({ id: couponId, code, kind: "percent", value: 10, usageCap: 5, createdAt: now, updatedAt: now });
    const users = await Promise.all(Array.from({ length: 50 }, () => newUser()));
    const outcomes = await Promise.all(users.map((u) => buy(u, product.variantId, code)));
    const ok = outcomes.filter((o) => o.status === 201);
    expect(ok).toHaveLength(5);
    expect(ok.every((o) => o.order?.discount === 200 && o.order.couponCode === code)).toBe(true);
    // refused: 409 (claimed just now by another) or 422 (already used up when evaluated)
    expect(outcomes.filter((o) => o.status === 409 || o.status === 422)).toHaveLength(45);
    expect(await db.select().from(couponRedemptions).where(eq(couponRedemptions.couponId, couponId))).toHaveLength(5);
    const [coupon] = await db.select().from(coupons).where(eq(coupons.id, couponId));
    expect(coupon?.used).toBe(5);
    // 5 units held by the orders, 45 still by the refused customers' carts
    expect(await availableOf(product.productId, product.variantId)).toBe(50);
  }, 120_000);
});
