import { env, runDurableObjectAlarm } from "cloudflare:test";
import { unwrap } from "@edgeworks/realtime";
import { nanoid } from "nanoid";
import { describe, expect, it } from "vitest";
import { type CartKey, cartOf, unwrapCart } from "../src/cart/cart-client";
import { cartHolder, inventoryOf, orderHolder } from "../src/cart/inventory-client";
import { levelOf, makeProduct, mirrorOf } from "./cart-fixtures";

const newCart = () => cartOf(env, `user:${nanoid()}` as CartKey);

describe("Cart Durable Object", () => {
  it("200 concurrent add-to-cart calls (different carts) for 10 in stock: exactly 10 succeed, the rest 409-conflict, available never negative", async () => {
    const { productId, variantIds } = await makeProduct([{ stock: 10 }]);
    const [v] = variantIds as [string];
    // sample the object and the D1 mirror while the race runs: never negative, never above the stock
    const samples: number[] = [];
    let racing = true;
    const sampler = (async () => {
      while (racing) {
        samples.push((await levelOf(productId, v)).available, (await mirrorOf(v)).available);
      }
    })();
    const outcomes = await Promise.all(Array.from({ length: 200 }, () => newCart().addItem(v, 1)));
    racing = false;
    await sampler;
    expect(samples.length).toBeGreaterThan(0);
    for (const a of samples) expect(a >= 0 && a <= 10, `sampled available ${a}`).toBe(true);
    const won = outcomes.filter((o) => o.ok);
    const lost = outcomes.filter((o) => !o.ok);
    expect(won).toHaveLength(10);
    expect(lost).toHaveLength(190);
    for (const o of lost) expect(o).toMatchObject({ code: "conflict", variantId: v, available: 0 });
    expect(await levelOf(productId, v)).toEqual({ variantId: v, stock: 10, available: 0 });
    expect(await mirrorOf(v)).toMatchObject({ stock: 10, available: 0 });
  }, 60_000);

  it("reserves on add and raise, releases on lower, remove and clear; 409 carries what is left", async () => {
    const { productId, variantIds } = await makeProduct([
      { stock: 5, price: 250 },
      { stock: 3, price: 100 },
    ]);
    const [v1, v2] = variantIds as [string, string];
    const cart = newCart();
    let view = unwrapCart(await cart.addItem(v1, 2));
    expect(view).toMatchObject({ currency: "USD", subtotal: 500, lines: [{ variantId: v1, quantity: 2, unitPrice: 250, reserved: true }] });
    view = unwrapCart(await cart.addItem(v1, 1));
    expect(view.lines[0]?.quantity).toBe(3);
    expect((await levelOf(productId, v1)).available).toBe(2);
    const line = view.lines[0]?.id ?? "";
    expect(await cart.setQuantity(line, 6)).toMatchObject({ ok: false, code: "conflict", variantId: v1, available: 5 });
    expect((await levelOf(productId, v1)).available).toBe(2);
    view = unwrapCart(await cart.setQuantity(line, 1));
    expect((await levelOf(productId, v1)).available).toBe(4);
    view = unwrapCart(await cart.addItem(v2, 3));
    expect(view.subtotal).toBe(250 + 300);
    expect((await levelOf(productId, v2)).available).toBe(0);
    view = unwrap(await cart.removeItem(line));
    expect((await levelOf(productId, v1)).available).toBe(5);
    view = unwrap(await cart.clear());
    expect(view.lines).toEqual([]);
    expect(await levelOf(productId, v2)).toMatchObject({ available: 3 });
    expect(await mirrorOf(v2)).toMatchObject({ available: 3 });
  });

  it("refuses quantities outside 1..99, unknown/draft variants and a second currency with 422", async () => {
    const usd = await makeProduct([{ stock: 200 }]);
    const eur = await makeProduct([{ stock: 5, currency: "EUR" }], { currency: "EUR" });
    const draft = await makeProduct([{ stock: 5 }], { status: "draft" });
    const cart = newCart();
    const [v] = usd.variantIds as [string];
    for (const q of [0, 100, 1.5, -1]) expect(await cart.addItem(v, q)).toMatchObject({ ok: false, code: "validation_failed" });
    unwrapCart(await cart.addItem(v, 99));
    expect(await cart.addItem(v, 1)).toMatchObject({ ok: false, code: "validation_failed" });
    expect(await cart.addItem(eur.variantIds[0] ?? "", 1)).toMatchObject({ ok: false, code: "validation_failed" });
    expect(await cart.addItem(draft.variantIds[0] ?? "", 1)).toMatchObject({ ok: false, code: "validation_failed" });
    expect(await cart.addItem("no-such-variant", 1)).toMatchObject({ ok: false, code: "validation_failed" });
    expect(await cart.setQuantity("no-such-line", 1)).toMatchObject({ ok: false, code: "not_found" });
    expect((await levelOf(usd.productId, v)).available).toBe(101);
  });

  it("an idle cart's stock returns after its alarm; the lines stay unreserved and are reserved again on the next change", async () => {
    const { productId, variantIds } = await makeProduct([{ stock: 4 }, { stock: 4 }]);
    const [v1, v2] = variantIds as [string, string];
    const cart = newCart();
    unwrapCart(await cart.addItem(v1, 3));
    expect((await levelOf(productId, v1)).available).toBe(1);
    expect(await runDurableObjectAlarm(cart)).toBe(true);
    expect(await levelOf(productId, v1)).toMatchObject({ stock: 4, available: 4 });
    expect(await mirrorOf(v1)).toMatchObject({ available: 4 });
    const idle = unwrap(await cart.view());
    expect(idle.lines).toMatchObject([{ variantId: v1, quantity: 3, reserved: false }]);
    const back = unwrapCart(await cart.addItem(v2, 1));
    expect(back.lines.map((l) => l.reserved)).toEqual([true, true]);
    expect((await levelOf(productId, v1)).available).toBe(1);
  });

  it("beginCheckout moves every hold to the order and empties the cart; a shortage moves nothing", async () => {
    const a = await makeProduct([{ stock: 2 }]);
    const b = await makeProduct([{ stock: 2 }]);
    const [va] = a.variantIds as [string];
    const [vb] = b.variantIds as [string];
    const cart = newCart();
    unwrapCart(await cart.addItem(va, 2));
    unwrapCart(await cart.addItem(vb, 2));
    unwrap(await cart.setCoupon("SAVE10"));
    // the idle alarm released both; someone takes one unit of b meanwhile
    await runDurableObjectAlarm(cart);
    unwrap(await inventoryOf(env, b.productId).reserve("cart:someone", vb, 1, null));
    const short = unwrap(await cart.beginCheckout("order1", 60_000));
    expect(short).toEqual({ conflict: true, shortages: [{ variantId: vb, available: 1 }] });
    expect(unwrap(await inventoryOf(env, a.productId).holdsOf(orderHolder("order1")))).toEqual([]);
    expect(unwrap(await cart.view()).lines).toHaveLength(2);
    unwrap(await inventoryOf(env, b.productId).release("cart:someone"));
    const started = unwrap(await cart.beginCheckout("order1", 60_000));
    expect(started).toMatchObject({ conflict: false, orderId: "order1", couponCode: "SAVE10", currency: "USD", subtotal: 4000 });
    expect(unwrap(await inventoryOf(env, b.productId).holdsOf(orderHolder("order1")))).toEqual([{ variantId: vb, quantity: 2 }]);
    const cartId = unwrap(await cart.view()).id;
    expect(unwrap(await inventoryOf(env, a.productId).holdsOf(cartHolder(cartId), true))).toEqual([]);
    expect(unwrap(await cart.view())).toMatchObject({ lines: [], couponCode: null });
    // a retry of the same start answers the same
    expect(unwrap(await cart.beginCheckout("order1", 60_000))).toEqual(started);
    expect((await levelOf(a.productId, va)).available).toBe(0);
    expect(await cart.beginCheckout("order2", 60_000)).toMatchObject({ ok: false, code: "validation_failed" });
  });

  it("cancelCheckout puts the lines and the holds back into the cart, once", async () => {
    const { productId, variantIds } = await makeProduct([{ stock: 3 }]);
    const [v] = variantIds as [string];
    const cart = newCart();
    unwrapCart(await cart.addItem(v, 2));
    unwrap(await cart.setCoupon("BACK"));
    unwrap(await cart.beginCheckout("undo1", 60_000));
    expect(unwrap(await cart.view()).lines).toEqual([]);
    expect(unwrap(await cart.cancelCheckout("other-order"))).toBe(false);
    expect(unwrap(await cart.cancelCheckout("undo1"))).toBe(true);
    const back = unwrap(await cart.view());
    expect(back).toMatchObject({ couponCode: "BACK", lines: [{ variantId: v, quantity: 2, reserved: true }] });
    expect(unwrap(await inventoryOf(env, productId).holdsOf(orderHolder("undo1"), true))).toEqual([]);
    expect(unwrap(await inventoryOf(env, productId).holdsOf(cartHolder(back.id)))).toEqual([{ variantId: v, quantity: 2 }]);
    expect((await levelOf(productId, v)).available).toBe(1);
    expect(unwrap(await cart.cancelCheckout("undo1"))).toBe(false);
    expect(unwrap(await cart.view()).lines[0]?.quantity).toBe(2);
  });

  it("merge: quantities add up capped by availability, holds move, the anonymous cart is emptied", async () => {
    const { productId, variantIds } = await makeProduct([{ stock: 5 }, { stock: 3 }]);
    const [v1, v2] = variantIds as [string, string];
    const anonKey = `anon:${nanoid()}` as CartKey;
    const anon = cartOf(env, anonKey);
    const user = newCart();
    unwrapCart(await anon.addItem(v1, 3));
    unwrapCart(await anon.addItem(v2, 1));
    unwrapCart(await user.addItem(v1, 2));
    unwrap(await anon.setCoupon("ANON"));
    // someone else holds 1 of v2's remaining 2; the user cart may take 1 + its 1 … fine
    unwrap(await inventoryOf(env, productId).reserve("cart:other", v2, 2, null));
    const merged = unwrap(await user.absorb(anonKey));
    expect(merged.lines.map((l) => [l.variantId, l.quantity, l.reserved])).toEqual([
      [v1, 5, true],
      [v2, 1, true],
    ]);
    expect(merged.couponCode).toBe("ANON");
    expect(unwrap(await anon.view()).lines).toEqual([]);
    expect(await levelOf(productId, v1)).toMatchObject({ available: 0 });
    expect(await levelOf(productId, v2)).toMatchObject({ available: 0 });
    const anonId = unwrap(await anon.view()).id;
    expect(unwrap(await inventoryOf(env, productId).holdsOf(cartHolder(anonId), true))).toEqual([]);
  });

  it("merge drops the anonymous lines in another currency and releases their stock", async () => {
    const usd = await makeProduct([{ stock: 3 }]);
    const eur = await makeProduct([{ stock: 3, currency: "EUR" }], { currency: "EUR" });
    const anonKey = `anon:${nanoid()}` as CartKey;
    unwrapCart(await cartOf(env, anonKey).addItem(eur.variantIds[0] ?? "", 2));
    const user = newCart();
    unwrapCart(await user.addItem(usd.variantIds[0] ?? "", 1));
    const merged = unwrap(await user.absorb(anonKey));
    expect(merged.lines.map((l) => l.currency)).toEqual(["USD"]);
    expect((await levelOf(eur.productId, eur.variantIds[0] ?? "")).available).toBe(3);
  });

  it("merge caps a summed line by what is free", async () => {
    const { productId, variantIds } = await makeProduct([{ stock: 4 }]);
    const [v] = variantIds as [string];
    const anonKey = `anon:${nanoid()}` as CartKey;
    unwrapCart(await cartOf(env, anonKey).addItem(v, 2));
    const user = newCart();
    unwrapCart(await user.addItem(v, 2));
    // the user's holds expired and somebody took one unit
    await runDurableObjectAlarm(user);
    unwrap(await inventoryOf(env, productId).reserve("cart:other", v, 1, null));
    const merged = unwrap(await user.absorb(anonKey));
    expect(merged.lines).toMatchObject([{ variantId: v, quantity: 3, reserved: true }]);
    expect((await levelOf(productId, v)).available).toBe(0);
  });

  it("reprice updates the snapshots", async () => {
    const { variantIds } = await makeProduct([{ stock: 4, price: 100 }]);
    const [v] = variantIds as [string];
    const cart = newCart();
    unwrapCart(await cart.addItem(v, 2));
    expect(unwrap(await cart.reprice([{ variantId: v, unitPrice: 150 }]))).toMatchObject({ subtotal: 300, lines: [{ unitPrice: 150 }] });
  });
});
