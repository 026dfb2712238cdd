import { describe, expect, it } from "vitest";
import { levelOf, makeProduct, mirrorOf } from "./cart-fixtures";
import { api, BASE, newUser } from "./helpers";

interface Cart {
  id: string;
  lines: { id: string; variantId: string; quantity: number; unitPrice: number; lineTotal: number; reserved: boolean }[];
  currency: string | null;
  subtotal: number;
  coupon: { code: string; applies: boolean; reason: string | null; discount: number } | null;
  discount: number;
  total: number;
}

/** The response's Set-Cookie header (the cart routes set at most one cookie). */
const setCookieOf = (res: Response): string => res.headers.get("Set-Cookie") ?? "";

/** The `shop_cart` cookie a response set (its value), or undefined. */
function cartCookie(res: Response): string | undefined {
  const header = setCookieOf(res);
  return header.startsWith("shop_cart=") ? header.split(";")[0]?.slice("shop_cart=".length) : undefined;
}

const withCookie = (cookie: string) => ({ Cookie: `shop_cart=${cookie}` });

describe("cart routes (signed-in customer)", () => {
  it("add, raise, lower, remove, clear: the stock follows exactly", async () => {
    const { productId, variantIds } = await makeProduct([{ stock: 5, price: 1250 }]);
    const [v] = variantIds as [string];
    const user = await newUser();
    let cart = await api.ok<Cart>(api.call("POST", "/cart/items", user.token, { variantId: v, quantity: 2 }));
    expect(cart).toMatchObject({
      currency: "USD",
      subtotal: 2500,
      total: 2500,
      lines: [{ variantId: v, quantity: 2, lineTotal: 2500, reserved: true }],
    });
    expect((await levelOf(productId, v)).available).toBe(3);
    const lineId = cart.lines[0]?.id ?? "";
    cart = await api.ok<Cart>(api.call("PATCH", `/cart/items/${lineId}`, user.token, { quantity: 5 }));
    expect((await levelOf(productId, v)).available).toBe(0);
    expect(await mirrorOf(v)).toMatchObject({ available: 0 });
    cart = await api.ok<Cart>(api.call("PATCH", `/cart/items/${lineId}`, user.token, { quantity: 1 }));
    expect((await levelOf(productId, v)).available).toBe(4);
    expect((await api.ok<Cart>(api.call("GET", "/cart", user.token))).lines).toHaveLength(1);
    cart = await api.ok<Cart>(api.call("DELETE", `/cart/items/${lineId}`, user.token));
    expect(cart.lines).toEqual([]);
    expect((await levelOf(productId, v)).available).toBe(5);
    await api.ok(api.call("POST", "/cart/items", user.token, { variantId: v, quantity: 3 }));
    cart = await api.ok<Cart>(api.call("DELETE", "/cart", user.token));
    expect(cart).toMatchObject({ lines: [], subtotal: 0, currency: null });
    expect(await levelOf(productId, v)).toMatchObject({ available: 5 });
  });

  it("more than is available is a 409 problem with available and variantId; nothing changes", async () => {
    const { productId, variantIds } = await makeProduct([{ stock: 3 }]);
    const [v] = variantIds as [string];
    const a = await newUser();
    const b = await newUser();
    await api.ok(api.call("POST", "/cart/items", a.token, { variantId: v, quantity: 2 }));
    const res = await api.call("POST", "/cart/items", b.token, { variantId: v, quantity: 2 });
    expect(res.status).toBe(409);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    expect(await res.json()).toMatchObject({ status: 409, code: "conflict", available: 1, variantId: v });
    expect((await api.ok<Cart>(api.call("GET", "/cart", b.token))).lines).toEqual([]);
    expect((await levelOf(productId, v)).available).toBe(1);
  });

  it("validation: quantity 0/100/fractional/string, unknown variant, extra fields, mixed currency are 422", async () => {
    const usd = await makeProduct([{ stock: 5 }]);
    const eur = await makeProduct([{ stock: 5, currency: "EUR" }], { currency: "EUR" });
    const user = await newUser();
    const [v] = usd.variantIds as [string];
    for (const body of [
      { variantId: v, quantity: 0 },
      { variantId: v, quantity: 100 },
      { variantId: v, quantity: 1.5 },
      { variantId: v, quantity: "2" },
      { variantId: v },
      { variantId: "../etc", quantity: 1 },
      { variantId: v, quantity: 1, price: 1 },
      { variantId: "unknown-variant", quantity: 1 },
    ]) {
      await api.problem(api.call("POST", "/cart/items", user.token, body), 422, "validation_failed");
    }
    await api.ok(api.call("POST", "/cart/items", user.token, { variantId: v, quantity: 1 }));
    const mixed = await api.problem(
      api.call("POST", "/cart/items", user.token, { variantId: eur.variantIds[0], quantity: 1 }),
      422,
      "validation_failed",
    );
    expect(mixed.detail).toMatch(/USD/);
    const cart = await api.ok<Cart>(api.call("GET", "/cart", user.token));
    await api.problem(api.call("PATCH", `/cart/items/${cart.lines[0]?.id}`, user.token, { quantity: 0 }), 422, "validation_failed");
    await api.problem(api.call("PATCH", "/cart/items/bad%20id", user.token, { quantity: 1 }), 422, "validation_failed");
    expect((await levelOf(usd.productId, v)).available).toBe(4);
  });

  it("another customer's line id is 404, and their cart is untouched", async () => {
    const { productId, variantIds } = await makeProduct([{ stock: 5 }]);
    const [v] = variantIds as [string];
    const owner = await newUser();
    const stranger = await newUser();
    const cart = await api.ok<Cart>(api.call("POST", "/cart/items", owner.token, { variantId: v, quantity: 2 }));
    const lineId = cart.lines[0]?.id ?? "";
    await api.problem(api.call("PATCH", `/cart/items/${lineId}`, stranger.token, { quantity: 1 }), 404, "not_found");
    await api.problem(api.call("DELETE", `/cart/items/${lineId}`, stranger.token), 404, "not_found");
    await api.problem(api.call("DELETE", "/cart/items/no-such-line", owner.token), 404, "not_found");
    expect((await api.ok<Cart>(api.call("GET", "/cart", owner.token))).lines).toMatchObject([{ id: lineId, quantity: 2 }]);
    expect((await levelOf(productId, v)).available).toBe(3);
  });

  it("a bad token is 401 (never a silent anonymous cart); a read-only token cannot write (403)", async () => {
    const { variantIds } = await makeProduct([{ stock: 5 }]);
    await api.problem(api.call("GET", "/cart", "not.a.jwt"), 401, "unauthorized");
    await api.problem(api.call("POST", "/cart/items", "not.a.jwt", { variantId: variantIds[0], quantity: 1 }), 401, "unauthorized");
    const reader = await newUser("shop:read");
    await api.ok(api.call("GET", "/cart", reader.token));
    await api.problem(api.call("POST", "/cart/items", reader.token, { variantId: variantIds[0], quantity: 1 }), 403, "forbidden");
  });

  it("Idempotency-Key: a retry replays the answer and adds nothing", async () => {
    const { productId, variantIds } = await makeProduct([{ stock: 5 }]);
    const [v] = variantIds as [string];
    const user = await newUser();
    const headers = { "Idempotency-Key": "add-once" };
    const first = await api.call("POST", "/cart/items", user.token, { variantId: v, quantity: 2 }, headers);
    expect(first.status).toBe(200);
    const again = await api.call("POST", "/cart/items", user.token, { variantId: v, quantity: 2 }, headers);
    expect(again.status).toBe(200);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect((await api.ok<Cart>(api.call("GET", "/cart", user.token))).lines[0]?.quantity).toBe(2);
    expect((await levelOf(productId, v)).available).toBe(3);
    await api.problem(api.call("POST", "/cart/items", user.token, { variantId: v, quantity: 3 }, headers), 422, "validation_failed");
  });
});

describe("anonymous carts", () => {
  it("the first request sets an opaque HttpOnly, Secure, SameSite=Lax cookie on /shop; the cookie names the cart", async () => {
    const { variantIds } = await makeProduct([{ stock: 5 }]);
    const res = await api.call("POST", "/cart/items", undefined, { variantId: variantIds[0], quantity: 1 });
    expect(res.status).toBe(200);
    const header = setCookieOf(res);
    expect(header).toMatch(/^shop_cart=[A-Za-z0-9_-]{43};/);
    expect(header).toMatch(/HttpOnly/);
    expect(header).toMatch(/Secure/);
    expect(header).toMatch(/SameSite=Lax/);
    expect(header).toMatch(/Path=\/shop/);
    const cookie = cartCookie(res) ?? "";
    const cart = await api.ok<Cart>(api.call("GET", "/cart", undefined, undefined, withCookie(cookie)));
    expect(cart.lines).toHaveLength(1);
  });

  it("a first GET answers the empty cart of a new cookie; the cookie's next request reaches that same cart", async () => {
    const { variantIds } = await makeProduct([{ stock: 5 }]);
    const first = await api.call("GET", "/cart");
    const empty = await api.ok<Cart>(first.clone());
    expect(empty).toMatchObject({ lines: [], subtotal: 0, currency: null, coupon: null, total: 0 });
    const cookie = cartCookie(first) ?? "";
    expect(cookie).toHaveLength(43);
    const added = await api.ok<Cart>(
      api.call("POST", "/cart/items", undefined, { variantId: variantIds[0], quantity: 1 }, withCookie(cookie)),
    );
    expect(added.id).toBe(empty.id);
    expect(added.lines).toHaveLength(1);
  });

  it("a forged, unknown or malformed cookie starts an empty cart, never another's", async () => {
    const { variantIds } = await makeProduct([{ stock: 5 }]);
    const res = await api.call("POST", "/cart/items", undefined, { variantId: variantIds[0], quantity: 1 });
    const cookie = cartCookie(res) ?? "";
    const owned = await api.ok<Cart>(api.call("GET", "/cart", undefined, undefined, withCookie(cookie)));
    const flipped = `${cookie.slice(0, -1)}${cookie.endsWith("A") ? "B" : "A"}`;
    for (const forged of [flipped, "x", `${cookie}x`, owned.id, "%00"]) {
      const r = await api.call("GET", "/cart", undefined, undefined, withCookie(forged));
      const cart = await api.ok<Cart>(r);
      expect(cart.lines).toEqual([]);
      expect(cart.id).not.toBe(owned.id);
    }
    // another anonymous cart's line id is 404 from here
    const other = await api.call("GET", "/cart");
    await api.problem(
      api.call("PATCH", `/cart/items/${owned.lines[0]?.id}`, undefined, { quantity: 2 }, withCookie(cartCookie(other) ?? "")),
      404,
      "not_found",
    );
    expect((await api.ok<Cart>(api.call("GET", "/cart", undefined, undefined, withCookie(cookie)))).lines[0]?.quantity).toBe(1);
  });

  it("signing in merges the anonymous cart into the customer's and expires the cookie", async () => {
    const { productId, variantIds } = await makeProduct([{ stock: 6 }, { stock: 2 }]);
    const [v1, v2] = variantIds as [string, string];
    const user = await newUser();
    await api.ok(api.call("POST", "/cart/items", user.token, { variantId: v1, quantity: 1 }));
    const res = await api.call("POST", "/cart/items", undefined, { variantId: v1, quantity: 2 });
    const cookie = cartCookie(res) ?? "";
    await api.ok(api.call("POST", "/cart/items", undefined, { variantId: v2, quantity: 2 }, withCookie(cookie)));
    expect((await levelOf(productId, v1)).available).toBe(3);
    const merging = await api.call("GET", "/cart", user.token, undefined, withCookie(cookie));
    const merged = await api.ok<Cart>(merging.clone());
    expect(merged.lines.map((l) => [l.variantId, l.quantity, l.reserved])).toEqual([
      [v1, 3, true],
      [v2, 2, true],
    ]);
    expect(setCookieOf(merging)).toMatch(/^shop_cart=;.*Max-Age=0/);
    // the holds moved, nothing doubled
    expect((await levelOf(productId, v1)).available).toBe(3);
    expect((await levelOf(productId, v2)).available).toBe(0);
    expect((await api.ok<Cart>(api.call("GET", "/cart", undefined, undefined, withCookie(cookie)))).lines).toEqual([]);
    // sending the old cookie again merges nothing more
    expect((await api.ok<Cart>(api.call("GET", "/cart", user.token, undefined, withCookie(cookie)))).lines[0]?.quantity).toBe(3);
  });
});

describe("OpenAPI", () => {
  it("documents the cart and coupon routes", async () => {
    const doc = (await (await api.fetch("http://shop.test/shop/openapi.json")).json()) as { paths: Record<string, object> };
    for (const p of [
      "/shop/v1/cart",
      "/shop/v1/cart/items",
      "/shop/v1/cart/items/{id}",
      "/shop/v1/cart/coupon",
      "/shop/v1/admin/coupons",
      "/shop/v1/admin/coupons/{id}",
    ]) {
      expect(doc.paths[p], p).toBeDefined();
    }
    expect(BASE).toMatch(/\/shop\/v1$/);
  });
});
