import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { inventoryOf, orderHolder } from "../src/cart/inventory-client";
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

// A payment that arrives after the order's stock hold was purged still sells exactly the order's units;
// what was no longer free is flagged on the order's timeline.

async function pendingOrder(stock: number, quantity: number) {
  const product = await seedProduct({ stock, price: 1000 });
  const user = await newUser();
  await addToCart(user, product.variantId, quantity);
  const { order } = (await (await checkoutAs(user)).json()) as { order: OrderBody };
  return { product, user, order, pi: order.payment.paymentIntentId ?? "" };
}

describe("stock commit on payment", () => {
  it("the hold was purged but the units are still free: exactly the order's units are sold", async () => {
    const { product, user, order, pi } = await pendingOrder(3, 2);
    await inventoryOf(env, product.productId).release(orderHolder(order.id));
    expect(await availableOf(product.productId, product.variantId)).toBe(3);
    await stripeFake().confirm(pi, "pm_card_visa");
    await deliverFromFake(pi);
    expect((await getOrder(user.token, order.id)).body.state).toBe("paid");
    expect(await stockOf(product.productId, product.variantId)).toBe(1);
    expect(await availableOf(product.productId, product.variantId)).toBe(1);
  });

  it("the hold was purged and another cart took a unit: the order is paid and flagged short on its timeline", async () => {
    const { product, user, order, pi } = await pendingOrder(2, 2);
    await inventoryOf(env, product.productId).release(orderHolder(order.id));
    await addToCart(await newUser(), product.variantId, 1);
    await stripeFake().confirm(pi, "pm_card_visa");
    await deliverFromFake(pi);
    const paid = (await getOrder(user.token, order.id)).body;
    expect(paid.state).toBe("paid");
    expect(paid.timeline.at(-1)).toMatchObject({ type: "note", actor: "system" });
    expect(paid.timeline.at(-1)?.reason).toContain(`1 × ${product.variantId}`);
    expect(await availableOf(product.productId, product.variantId)).toBeGreaterThanOrEqual(0);
  });
});
