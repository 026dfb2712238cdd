import { createExecutionContext, env } from "cloudflare:test";
import { cartRpc, cartSnapshot } from "@edgeworks/commerce-contracts";
import { describe, expect, it } from "vitest";
import { CartRpc } from "../src/index";
import { newUser, putItem, seedProduct, storedLines } from "./helpers";

// The callee's side of the cart contract: answers parse with the output schemas, bad input is a TypeError.
const rpc = () => new CartRpc(createExecutionContext(), env);
const ctx = { requestId: "req-test", correlationId: "ord_test" };

describe("CartRpc (contract)", () => {
  it("getCart: the user's lines (product, quantity), empty for a user without a cart", async () => {
    const { id, token } = await newUser();
    expect(cartRpc.getCart.output.parse(await rpc().getCart(ctx, { userId: id }))).toEqual({ userId: id, lines: [] });
    const a = await seedProduct();
    const b = await seedProduct();
    await putItem(token, a.id, 2);
    await putItem(token, b.id, 1);
    const snapshot = await rpc().getCart(ctx, { userId: id });
    expect(cartSnapshot.parse(snapshot)).toEqual({
      userId: id,
      lines: [
        { productId: a.id, quantity: 2 },
        { productId: b.id, quantity: 1 },
      ],
    });
  });

  it("clearCart: empties the cart once per order id", async () => {
    const { id, token } = await newUser();
    const p = await seedProduct();
    await putItem(token, p.id, 1);
    expect(cartRpc.clearCart.output.parse(await rpc().clearCart(ctx, { userId: id, orderId: "ord_a" }))).toEqual({ cleared: true });
    expect(await storedLines(id)).toEqual([]);
    await putItem(token, p.id, 4);
    expect(await rpc().clearCart(ctx, { userId: id, orderId: "ord_a" })).toEqual({ cleared: false });
    expect(await storedLines(id)).toEqual([{ productId: p.id, quantity: 4 }]);
    expect(await rpc().clearCart(ctx, { userId: id, orderId: "ord_b" })).toEqual({ cleared: true });
    expect(await storedLines(id)).toEqual([]);
  });

  it("refuses a bad input or context with a TypeError and changes nothing", async () => {
    const { id, token } = await newUser();
    const p = await seedProduct();
    await putItem(token, p.id, 1);
    await expect(rpc().clearCart(ctx, { userId: id, orderId: "../x" })).rejects.toThrow(/invalid RPC input: orderId/);
    await expect(rpc().getCart(ctx, {} as never)).rejects.toThrow(TypeError);
    await expect(rpc().clearCart({ requestId: "" }, { userId: id, orderId: "ord_x" })).rejects.toThrow(/invalid RPC context/);
    expect(await storedLines(id)).toHaveLength(1);
  });

  it("serves the HTTP app through the entrypoint's fetch", async () => {
    const res = await rpc().fetch(new Request("http://cart.internal/commerce/health"));
    expect(await res.json()).toEqual({ status: "ok" });
  });
});
