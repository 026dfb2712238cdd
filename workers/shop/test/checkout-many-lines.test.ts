import { env } from "cloudflare:test";
import { drizzle } from "drizzle-orm/d1";
import { nanoid } from "nanoid";
import { describe, expect, it } from "vitest";
import { MAX_CART_LINES } from "../src/cart/cart-types";
import { inventoryOf } from "../src/cart/inventory-client";
import { products, variants } from "../src/catalog/schema";
import { call, newAdmin, newUser } from "./helpers";
import { addToCart, checkoutAs, deliverFromFake, getOrder, type OrderBody, stockOf, stripeFake } from "./orders-helpers";

// A cart as large as carts go (50 different variants) checks out, pays and refunds line by line: D1 binds at
// most 100 parameters per statement, so the multi-row inserts of order lines and refund lines are chunked
// (found by H: checkout was 500 from 10 different lines on).

const db = drizzle(env.DB);

/** One active product with `count` variants at 1.00, 5 units each. */
async function productWithVariants(count: number) {
  const now = Date.now();
  const productId = nanoid();
  await db.insert(products).values({
    id: productId,
    slug: `many-${productId.toLowerCase()}`,
    title: "Many",
    status: "active",
    currency: "USD",
    minPrice: 100,
    createdAt: now,
    updatedAt: now,
  });
  const ids = Array.from({ length: count }, () => nanoid());
  for (const [i, id] of ids.entries()) {
    await db.insert(variants).values({
      id,
      productId,
      sku: `MANY-${id}`,
      title: `v${i}`,
      price: 100,
      currency: "USD",
      position: i,
      createdAt: now,
      updatedAt: now,
    });
    const set = await inventoryOf(env, productId).setStock(id, 5);
    if (!set.ok) throw new Error(set.detail);
  }
  return { productId, variantIds: ids };
}

describe("a cart of 50 different lines", () => {
  it("checks out (201, 50 order lines), pays, and a refund listing all 50 lines is 201 with the units restocked", async () => {
    const { productId, variantIds } = await productWithVariants(MAX_CART_LINES);
    const user = await newUser();
    for (const id of variantIds) await addToCart(user, id, 1);
    const res = await checkoutAs(user, { country: "US", shippingMethod: "standard" });
    expect(res.status, await res.clone().text()).toBe(201);
    const { order } = (await res.json()) as { order: OrderBody };
    expect(order.lines).toHaveLength(MAX_CART_LINES);
    expect(order).toMatchObject({ subtotal: 5000, state: "pending_payment" });
    const pi = order.payment.paymentIntentId ?? "";
    await stripeFake().confirm(pi, "pm_card_visa");
    await deliverFromFake(pi);
    expect((await getOrder(user.token, order.id)).body.state).toBe("paid");
    expect(await stockOf(productId, variantIds[49] ?? "")).toBe(4);

    const admin = await newAdmin();
    const refund = await call("POST", `/orders/${order.id}/refunds`, admin.token, {
      lines: order.lines.map((l) => ({ lineId: l.id, quantity: 1 })),
      reason: "the whole parcel was lost",
      restock: true,
    });
    expect(refund.status, await refund.clone().text()).toBe(201);
    expect(await refund.json()).toMatchObject({ amount: 5000 });
    const after = (await getOrder(user.token, order.id)).body;
    expect(after.lines.every((l) => l.refundedQuantity === 1)).toBe(true);
    expect(await stockOf(productId, variantIds[0] ?? "")).toBe(5);
    expect(await stockOf(productId, variantIds[49] ?? "")).toBe(5);
  });
});
