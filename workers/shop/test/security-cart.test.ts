import { env, SELF } from "cloudflare:test";
import { unwrap } from "@edgeworks/realtime";
import {
  coreBadCredentials,
  defineSecuritySuite,
  expectProblem,
  extraBadCredentials,
  hostile,
  mintToken,
  type TestUser,
} from "@edgeworks/testing";
import { beforeAll, expect, it, test } from "vitest";
import { inventoryOf } from "../src/cart/inventory-client";
import { makeProduct } from "./cart-fixtures";
import { api, BASE, newAdmin, newUser } from "./helpers";

// The cart's and coupons' security cases. The shared suite runs on the coupon administration (guarded
// routes); the cart routes serve anonymous callers too (no credential → the cookie's cart), so their
// bad credentials, scopes, stranger isolation and hostile bodies are added in `extend`.

const ROUTES = [
  { method: "GET", path: "/admin/coupons", read: true },
  { method: "POST", path: "/admin/coupons", read: false, body: { code: "SEC-NEW", kind: "percent", value: 5 } },
  { method: "GET", path: "/admin/coupons/:coupon", read: true },
  { method: "PATCH", path: "/admin/coupons/:coupon", read: false, body: { value: 7 } },
  { method: "DELETE", path: "/admin/coupons/:coupon", read: false },
] as const;
type Route = (typeof ROUTES)[number];

/** The cart routes (open to anonymous callers). */
const CART = [
  { method: "GET", path: "/cart", read: true },
  { method: "DELETE", path: "/cart", read: false },
  { method: "POST", path: "/cart/items", read: false, body: { variantId: ":variant", quantity: 1 } },
  { method: "PATCH", path: "/cart/items/:line", read: false, body: { quantity: 2 }, mine: true },
  { method: "DELETE", path: "/cart/items/:line", read: false, mine: true },
  { method: "PUT", path: "/cart/coupon", read: false, body: { code: ":code" } },
  { method: "DELETE", path: "/cart/coupon", read: false },
] as const;
type CartRoute = (typeof CART)[number];

let owner: TestUser;
let customer: TestUser;
const ids = { coupon: "", code: "", line: "", variant: "", product: "" };

beforeAll(async () => {
  [owner, customer] = await Promise.all([newAdmin(), newUser()]);
  const { productId, variantIds } = await makeProduct([{ stock: 5, price: 1000 }]);
  const coupon = await api.ok<{ id: string; code: string }>(
    api.call("POST", "/admin/coupons", owner.token, { code: `SEC${Date.now().toString(36)}`.toUpperCase(), kind: "percent", value: 10 }),
    201,
  );
  const cart = await api.ok<{ lines: { id: string }[] }>(
    api.call("POST", "/cart/items", owner.token, { variantId: variantIds[0], quantity: 2 }),
  );
  await api.ok(api.call("PUT", "/cart/coupon", owner.token, { code: coupon.code }));
  Object.assign(ids, { coupon: coupon.id, code: coupon.code, line: cart.lines[0]?.id, variant: variantIds[0], product: productId });
});

const fill = (text: string) => text.replace(/:(coupon|code|line|variant)\b/g, (_m, k: keyof typeof ids) => ids[k]);
const bodyOf = (r: CartRoute) => ("body" in r ? JSON.parse(fill(JSON.stringify(r.body))) : undefined);
const cartTable = CART.map((r) => [`${r.method} ${r.path}`, r] as const);

const snapshot = async () => ({
  coupons: (await env.DB.prepare("SELECT * FROM coupons ORDER BY id").all()).results,
  redemptions: (await env.DB.prepare("SELECT * FROM coupon_redemptions ORDER BY id").all()).results,
  cart: await (await api.call("GET", "/cart", owner.token)).json(),
  stock: unwrap(await inventoryOf(env, ids.product).availability([ids.variant])),
});

const BAD = [extraBadCredentials.emptyBearer, extraBadCredentials.otherIssuer, extraBadCredentials.unknownApiKey];

defineSecuritySuite<Route>({
  base: BASE,
  fetch: (u, i) => SELF.fetch(u, i),
  routes: ROUTES,
  fill,
  owner: () => ({ id: owner.id, token: owner.token }),
  scopes: { read: "shop:read", write: "shop:write" },
  otherScopes: ["", "todo:read"],
  snapshot,
  badCredentials: BAD,
  hostile: {
    cases: [
      hostile.malformed(),
      hostile.twoMiB(),
      hostile.textPlain('{"code":"X","kind":"percent","value":5}'),
      hostile.form("code=X&kind=percent&value=5"),
      hostile.invalid("wrong types", '{"code":1,"kind":[],"value":"5","currency":2,"usageCap":"1","productIds":"x","active":"yes"}'),
      hostile.invalid("a JSON array", "[1,2]"),
      hostile.invalid("prototype pollution", '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}'),
      hostile.invalid("a lone surrogate", '{"code":"\\ud800","kind":"percent","value":5}'),
      hostile.invalid("huge numbers", '{"code":"BIG","kind":"fixed","currency":"USD","value":1e308,"usageCap":9007199254740993}'),
    ],
    routes: (r) => "body" in r,
  },
  extend: {
    authentication: () => {
      const bad = [...coreBadCredentials(), ...BAD].filter(([name]) => !/no authorization header/i.test(name));
      for (const [what, headers] of bad) {
        test.each(cartTable)(`${what}: %s (open to anonymous callers) is still 401`, async (_l, route) => {
          const body = bodyOf(route);
          const res = await SELF.fetch(`${BASE}${fill(route.path)}`, {
            method: route.method,
            headers: { ...(await headers(owner.id)), "Content-Type": "application/json" },
            ...(body ? { body: JSON.stringify(body) } : {}),
          });
          await expectProblem(res, 401, "unauthorized");
        });
      }
      it("no credential: GET /cart is an anonymous cart (200), never the owner's", async () => {
        const res = await SELF.fetch(`${BASE}/cart`);
        expect(res.status).toBe(200);
        expect(((await res.json()) as { lines: unknown[] }).lines).toEqual([]);
      });
    },
    scopes: () => {
      test.each(cartTable)("%s with a credential needs the method's scope", async (_l, route) => {
        const [needed, others] = route.read
          ? ["shop:read", ["shop:write", "", "todo:read"]]
          : ["shop:write", ["shop:read", "", "todo:read"]];
        for (const scope of others) {
          const token = await mintToken({ sub: owner.id, scope });
          const body = await expectProblem(await api.call(route.method, fill(route.path), token, bodyOf(route)), 403, "forbidden");
          expect(body.detail).toBe(`This credential lacks the "${needed}" scope`);
        }
      });
      test.each(ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))(
        "a customer (no shop:admin role): %s is 403",
        async (_l, route) => {
          const body = await expectProblem(
            await api.call(route.method, fill(route.path), customer.token, "body" in route ? route.body : undefined),
            403,
            "forbidden",
          );
          expect(body.detail).toBe('This action needs the "shop:admin" role');
        },
      );
      it("a look-alike role is not shop:admin", async () => {
        const token = await mintToken({ sub: customer.id, scope: "*", extra: { roles: ["shop:admins", "SHOP:ADMIN", "saas:admin"] } });
        await expectProblem(await api.call("GET", "/admin/coupons", token), 403, "forbidden");
      });
    },
    isolation: (stranger) => {
      test.each(CART.filter((r) => "mine" in r).map((r) => [`${r.method} ${r.path}`, r] as const))(
        "another customer: %s of the owner's line is 404",
        async (_l, route) => {
          await expectProblem(await api.call(route.method, fill(route.path), stranger().token, bodyOf(route)), 404, "not_found");
        },
      );
      test.each(CART.filter((r) => "mine" in r).map((r) => [`${r.method} ${r.path}`, r] as const))(
        "an anonymous caller: %s of the owner's line is 404",
        async (_l, route) => {
          await expectProblem(await api.call(route.method, fill(route.path), undefined, bodyOf(route)), 404, "not_found");
        },
      );
    },
    hostileBodies: () => {
      const cases = [
        hostile.malformed(),
        hostile.twoMiB(),
        hostile.textPlain('{"quantity":1}'),
        hostile.form("quantity=1"),
        hostile.invalid("wrong types", '{"variantId":1,"quantity":"1","code":[]}'),
        hostile.invalid("a JSON array", "[1,2]"),
        hostile.invalid("null", "null"),
        hostile.invalid("prototype pollution", '{"__proto__":{"quantity":1},"constructor":{"prototype":{"x":1}}}'),
        hostile.invalid("a lone surrogate", '{"variantId":"\\ud800","quantity":1,"code":"\\ud800"}'),
        hostile.invalid("an enormous quantity", '{"variantId":"x","quantity":1e308,"code":"x"}'),
        hostile.invalid("a negative quantity", '{"variantId":"x","quantity":-5,"code":"x"}'),
      ];
      const jsonRoutes = CART.filter((r) => "body" in r);
      for (const c of cases) {
        test.each(jsonRoutes.map((r) => [`${r.method} ${r.path}`, r] as const))(`${c.name} to %s is ${c.status}`, async (_l, route) => {
          const res = await SELF.fetch(`${BASE}${fill(route.path)}`, {
            method: route.method,
            headers: { Authorization: `Bearer ${owner.token}`, "Content-Type": c.contentType ?? "application/json" },
            body: c.body,
          });
          await expectProblem(res, c.status, c.code);
        });
      }
      test.each([
        ["a traversal", "/cart/items/..%2F..%2Fetc"],
        ["NUL", "/cart/items/%00"],
        ["SQL", "/cart/items/a'%20OR%20'1'%3D'1"],
        ["65 characters", `/cart/items/${"x".repeat(65)}`],
      ])("a line id with %s is 422", async (_what, path) => {
        await expectProblem(await api.call("PATCH", path, owner.token, { quantity: 1 }), 422, "validation_failed", ["id"]);
      });
      test.each([
        ["a 10 kB cookie", "x".repeat(10_000)],
        ["a cookie with NUL", "%00%00"],
        ["a cookie with quotes", '"abc"'],
      ])("%s is ignored (a new anonymous cart)", async (_what, cookie) => {
        const res = await api.call("GET", "/cart", undefined, undefined, { Cookie: `shop_cart=${cookie}` });
        expect(res.status).toBe(200);
        expect(((await res.json()) as { lines: unknown[] }).lines).toEqual([]);
      });
    },
  },
});
