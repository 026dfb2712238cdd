import { describe, expect, it } from "vitest";
import { makeCategory, makeProduct } from "./cart-fixtures";
import { api, newAdmin, newUser } from "./helpers";

interface Coupon {
  id: string;
  code: string;
  kind: string;
  value: number;
  currency: string | null;
  used: number;
  active: boolean;
  productIds: string[];
  categoryIds: string[];
  startsAt: string | null;
  endsAt: string | null;
}
interface Cart {
  subtotal: number;
  discount: number;
  total: number;
  coupon: { code: string; applies: boolean; reason: string | null; discount: number } | null;
}

let seq = 0;
const code = () => `T${Date.now().toString(36)}${++seq}`.toUpperCase();

describe("coupon administration", () => {
  it("create, read, list, change, delete (codes are case-insensitive and unique)", async () => {
    const admin = await newAdmin();
    const c = code();
    const res = await api.call("POST", "/admin/coupons", admin.token, { code: c.toLowerCase(), kind: "percent", value: 20, usageCap: 5 });
    const created = await api.ok<Coupon>(res.clone(), 201);
    expect(res.headers.get("Location")).toBe(`/shop/v1/admin/coupons/${created.id}`);
    expect(created).toMatchObject({ code: c, kind: "percent", value: 20, currency: null, used: 0, active: true, productIds: [] });
    await api.problem(api.call("POST", "/admin/coupons", admin.token, { code: c, kind: "percent", value: 5 }), 409, "conflict", ["code"]);
    expect(await api.ok<Coupon>(api.call("GET", `/admin/coupons/${created.id}`, admin.token))).toEqual(created);
    const changed = await api.ok<Coupon>(
      api.call("PATCH", `/admin/coupons/${created.id}`, admin.token, { active: false, endsAt: "2030-01-01T00:00:00Z" }),
    );
    expect(changed).toMatchObject({ active: false, endsAt: "2030-01-01T00:00:00.000Z", value: 20 });
    const page = await api.ok<{ items: Coupon[]; nextCursor: string | null }>(api.call("GET", "/admin/coupons?limit=100", admin.token));
    expect(page.items.map((i) => i.id)).toContain(created.id);
    await api.ok(api.call("DELETE", `/admin/coupons/${created.id}`, admin.token), 204);
    await api.problem(api.call("GET", `/admin/coupons/${created.id}`, admin.token), 404, "not_found");
    await api.problem(api.call("DELETE", `/admin/coupons/${created.id}`, admin.token), 404, "not_found");
  });

  it("lists with a keyset cursor", async () => {
    const admin = await newAdmin();
    for (let i = 0; i < 3; i++)
      await api.ok(api.call("POST", "/admin/coupons", admin.token, { code: code(), kind: "percent", value: 1 }), 201);
    const first = await api.ok<{ items: Coupon[]; nextCursor: string | null }>(api.call("GET", "/admin/coupons?limit=2", admin.token));
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const second = await api.ok<{ items: Coupon[] }>(api.call("GET", `/admin/coupons?limit=2&cursor=${first.nextCursor}`, admin.token));
    expect(second.items.map((i) => i.id)).not.toContain(first.items[0]?.id);
    await api.problem(api.call("GET", "/admin/coupons?cursor=garbage", admin.token), 422, "validation_failed");
  });

  it("validation: percent over 100, fixed without currency, percent with currency, window backwards, bad code, unknown fields", async () => {
    const admin = await newAdmin();
    for (const body of [
      { code: code(), kind: "percent", value: 101 },
      { code: code(), kind: "fixed", value: 500 },
      { code: code(), kind: "percent", value: 5, currency: "USD" },
      { code: code(), kind: "fixed", value: 500, currency: "usd" },
      { code: code(), kind: "percent", value: 5, startsAt: "2030-01-02T00:00:00Z", endsAt: "2030-01-01T00:00:00Z" },
      { code: "has space", kind: "percent", value: 5 },
      { code: "x".repeat(41), kind: "percent", value: 5 },
      { code: code(), kind: "bogus", value: 5 },
      { code: code(), kind: "percent", value: 0 },
      { code: code(), kind: "percent", value: 5, usageCap: 0 },
      { code: code(), kind: "percent", value: 5, surprise: true },
    ]) {
      await api.problem(api.call("POST", "/admin/coupons", admin.token, body), 422, "validation_failed");
    }
    const made = await api.ok<Coupon>(api.call("POST", "/admin/coupons", admin.token, { code: code(), kind: "percent", value: 5 }), 201);
    await api.problem(api.call("PATCH", `/admin/coupons/${made.id}`, admin.token, { kind: "fixed" }), 422, "validation_failed");
    await api.problem(api.call("PATCH", "/admin/coupons/missing", admin.token, { value: 3 }), 404, "not_found");
  });

  it("needs a token (401) and the shop:admin role (403 for a customer)", async () => {
    const customer = await newUser();
    await api.problem(api.call("GET", "/admin/coupons"), 401, "unauthorized");
    await api.problem(api.call("POST", "/admin/coupons", undefined, { code: code(), kind: "percent", value: 5 }), 401, "unauthorized");
    await api.problem(api.call("GET", "/admin/coupons", customer.token), 403, "forbidden");
    await api.problem(api.call("POST", "/admin/coupons", customer.token, { code: code(), kind: "percent", value: 5 }), 403, "forbidden");
    await api.problem(api.call("PATCH", "/admin/coupons/any", customer.token, { value: 5 }), 403, "forbidden");
    await api.problem(api.call("DELETE", "/admin/coupons/any", customer.token), 403, "forbidden");
  });
});

describe("the cart's coupon", () => {
  it("applies with its estimated discount, shows when it stops applying, and can be removed", async () => {
    const admin = await newAdmin();
    const user = await newUser();
    const { variantIds } = await makeProduct([{ stock: 10, price: 2000 }]);
    const c = code();
    await api.ok(api.call("POST", "/admin/coupons", admin.token, { code: c, kind: "percent", value: 10, minSubtotal: 3000 }), 201);
    const added = await api.ok<{ lines: { id: string }[] }>(
      api.call("POST", "/cart/items", user.token, { variantId: variantIds[0], quantity: 2 }),
    );
    let cart = await api.ok<Cart>(api.call("PUT", "/cart/coupon", user.token, { code: c.toLowerCase() }));
    expect(cart).toMatchObject({
      subtotal: 4000,
      discount: 400,
      total: 3600,
      coupon: { code: c, applies: true, reason: null, discount: 400 },
    });
    cart = await api.ok<Cart>(api.call("PATCH", `/cart/items/${added.lines[0]?.id}`, user.token, { quantity: 1 }));
    expect(cart).toMatchObject({ subtotal: 2000, discount: 0, total: 2000, coupon: { applies: false, reason: "min_subtotal" } });
    cart = await api.ok<Cart>(api.call("DELETE", "/cart/coupon", user.token));
    expect(cart.coupon).toBeNull();
  });

  it("a refused code is 422 with its reason and leaves the cart as it was", async () => {
    const admin = await newAdmin();
    const user = await newUser();
    const root = await makeCategory();
    const { variantIds } = await makeProduct([{ stock: 10, price: 500 }]);
    await api.ok(api.call("POST", "/cart/items", user.token, { variantId: variantIds[0], quantity: 1 }));
    const expired = code();
    await api.ok(
      api.call("POST", "/admin/coupons", admin.token, { code: expired, kind: "percent", value: 5, endsAt: "2020-01-01T00:00:00Z" }),
      201,
    );
    const restricted = code();
    await api.ok(
      api.call("POST", "/admin/coupons", admin.token, { code: restricted, kind: "percent", value: 5, categoryIds: [root.id] }),
      201,
    );
    for (const [text, reason] of [
      ["NO-SUCH-CODE", "unknown"],
      [expired, "expired"],
      [restricted, "not_eligible"],
    ] as const) {
      const res = await api.call("PUT", "/cart/coupon", user.token, { code: text });
      expect(res.status).toBe(422);
      expect(await res.json()).toMatchObject({ code: "validation_failed", reason });
    }
    await api.problem(api.call("PUT", "/cart/coupon", user.token, { code: "bad code!" }), 422, "validation_failed");
    expect((await api.ok<Cart>(api.call("GET", "/cart", user.token))).coupon).toBeNull();
  });
});
