import { env, SELF } from "cloudflare:test";
import {
  coreBadCredentials,
  defineSecuritySuite,
  expectProblem,
  extraBadCredentials,
  hostile,
  mintToken,
  type TestUser,
} from "@edgeworks/testing";
import { beforeAll, describe, expect, it, test } from "vitest";
import { api, BASE, newAdmin, newUser } from "./helpers";

// The catalog's security cases: the shared suite (bad credentials on every route, scopes, stranger
// isolation, hostile bodies) plus the admin role on every write, hostile query strings, paths and uploads.
// The owner is a shop admin who also bought, reviewed and wishlisted a product.

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

/**
 * The open reads: anonymous callers are served, but a credential that is sent must be valid (401) and
 * hold shop:read (403). The shared suite expects 401 without a header, so they are checked in `extend`.
 */
const OPEN = ["/categories", "/categories/:category", "/products", "/products/:product", "/products/:product/reviews"] as const;

/** The guarded routes (shop.v1). */
const ROUTES = [
  { method: "POST", path: "/categories", read: false, body: { name: "Hats" }, admin: true },
  { method: "PATCH", path: "/categories/:category", read: false, body: { name: "Renamed" }, admin: true },
  { method: "DELETE", path: "/categories/:empty", read: false, admin: true },
  {
    method: "POST",
    path: "/products",
    read: false,
    admin: true,
    body: { title: "Cap", currency: "USD", variants: [{ sku: "CAP-NEW", title: "one", price: 100 }] },
  },
  { method: "PATCH", path: "/products/:product", read: false, body: { title: "Renamed" }, admin: true },
  { method: "DELETE", path: "/products/:product", read: false, admin: true },
  { method: "POST", path: "/products/:product/variants", read: false, body: { sku: "CAP-V2", title: "two", price: 5 }, admin: true },
  { method: "PATCH", path: "/products/:product/variants/:variant", read: false, body: { price: 7 }, admin: true },
  { method: "DELETE", path: "/products/:product/variants/:variant", read: false, admin: true },
  { method: "POST", path: "/products/:product/images", read: false, admin: true },
  { method: "PATCH", path: "/products/:product/images/:image", read: false, body: { alt: "x" }, admin: true },
  { method: "DELETE", path: "/products/:product/images/:image", read: false, admin: true },
  { method: "POST", path: "/products/:product/reviews", read: false, body: { rating: 5, body: "again" } },
  { method: "PATCH", path: "/reviews/:review", read: false, body: { rating: 1 }, mine: true },
  { method: "DELETE", path: "/reviews/:review", read: false, mine: true },
  { method: "GET", path: "/wishlist", read: true },
  { method: "PUT", path: "/wishlist/:product", read: false },
  { method: "DELETE", path: "/wishlist/:product", read: false, mine: true },
] as const;
type Route = (typeof ROUTES)[number];

let owner: TestUser;
let customer: TestUser;
const ids = { category: "", empty: "", product: "", variant: "", image: "", review: "" };

beforeAll(async () => {
  [owner, customer] = await Promise.all([newAdmin(), newUser()]);
  const cat = await api.ok<{ id: string }>(api.call("POST", "/categories", owner.token, { name: "Owner's" }), 201);
  const empty = await api.ok<{ id: string }>(api.call("POST", "/categories", owner.token, { name: "Empty" }), 201);
  const p = await api.ok<{ id: string; variants: { id: string; sku: string }[] }>(
    api.call("POST", "/products", owner.token, {
      title: "Owner's tee",
      categoryId: cat.id,
      currency: "USD",
      status: "active",
      variants: [
        { sku: "OWN-1", title: "one", price: 100, stock: 2, attributes: { color: "red" } },
        { sku: "OWN-2", title: "two", price: 200, stock: 1 },
      ],
    }),
    201,
  );
  const image = await api.ok<{ id: string }>(
    api.fetch(`${BASE}/products/${p.id}/images`, {
      method: "POST",
      headers: { Authorization: `Bearer ${owner.token}`, "Content-Type": "image/png" },
      body: PNG,
    }),
    201,
  );
  const now = Date.now();
  await env.DB.batch([
    env.DB.prepare(
      "INSERT INTO orders (id, number, user_id, state, currency, subtotal, total, country, shipping_method, created_at, updated_at, delivered_at) VALUES ('ord_sec', 990001, ?, 'delivered', 'USD', 100, 100, 'US', 'standard', ?, ?, ?)",
    ).bind(owner.id, now, now, now),
    env.DB.prepare(
      "INSERT INTO order_lines (id, order_id, product_id, variant_id, sku, title, unit_price, quantity, total) VALUES ('line_sec', 'ord_sec', ?, ?, 'OWN-1', 'one', 100, 1, 100)",
    ).bind(p.id, p.variants[0]?.id),
  ]);
  const review = await api.ok<{ id: string }>(api.call("POST", `/products/${p.id}/reviews`, owner.token, { rating: 4, body: "Good" }), 201);
  await api.ok(api.call("PUT", `/wishlist/${p.id}`, owner.token), 201);
  Object.assign(ids, { category: cat.id, empty: empty.id, product: p.id, variant: p.variants[1]?.id, image: image.id, review: review.id });
});

const fill = (text: string) => text.replace(/:(category|empty|product|variant|image|review)\b/g, (_m, k: keyof typeof ids) => ids[k]);

const TABLES = ["categories", "products", "variants", "variant_attributes", "product_images", "reviews", "wishlist_items"];
const BAD = [extraBadCredentials.emptyBearer, extraBadCredentials.otherIssuer, extraBadCredentials.unknownApiKey];

const snapshot = async () => {
  const rows: Record<string, unknown[]> = {};
  for (const t of TABLES) rows[t] = (await env.DB.prepare(`SELECT * FROM ${t} ORDER BY 1, 2, 3`).all()).results;
  return { rows, product: await (await api.call("GET", `/products/${ids.product}`, owner.token)).json() };
};

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
      hostile.invalid(
        "wrong types",
        '{"name":1,"title":[],"body":{},"rating":"5","sku":2,"price":"1","alt":5,"position":"x","slug":3,"status":4,"parentId":5,"currency":6,"variants":7}',
      ),
      hostile.invalid("a JSON array", "[1,2]"),
      hostile.invalid("prototype pollution", '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}'),
      hostile.invalid("a lone surrogate", '{"name":"\\ud800","title":"\\ud800","body":"\\ud800","alt":"\\ud800","rating":9}'),
    ],
    routes: (r) => "body" in r,
  },
  isolation: {
    title: "another customer cannot touch the owner's review or wishlist",
    routes: (r) => "mine" in r,
    stranger: () => newUser(),
    untouched: "the owner's review and wishlist are unchanged",
  },
  extend: {
    authentication: () => {
      const bad = [...coreBadCredentials(), ...BAD].filter(([name]) => !/no authorization header/i.test(name));
      for (const [what, headers] of bad) {
        test.each(OPEN.map((p) => [p] as const))(`${what}: GET %s (open to anonymous callers) is still 401`, async (path) => {
          const res = await SELF.fetch(`${BASE}${fill(path)}`, { headers: await headers(owner.id) });
          await expectProblem(res, 401, "unauthorized");
        });
      }
      test.each(OPEN.map((p) => [p] as const))("no credential: GET %s is 200", async (path) => {
        expect((await SELF.fetch(`${BASE}${fill(path)}`)).status).toBe(200);
      });
    },
    scopes: () => {
      test.each(OPEN.map((p) => [p] as const))("GET %s with a credential needs shop:read", async (path) => {
        for (const scope of ["shop:write", "", "todo:read"]) {
          const token = await mintToken({ sub: owner.id, scope });
          const body = await expectProblem(await api.call("GET", fill(path), token), 403, "forbidden");
          expect(body.detail).toBe('This credential lacks the "shop:read" scope');
        }
      });
      const adminRoutes = ROUTES.filter((r) => "admin" in r);
      test.each(adminRoutes.map((r) => [`${r.method} ${r.path}`, r] as const))(
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
      it("a role of another product (or a look-alike) is not shop:admin", async () => {
        const token = await mintToken({ sub: customer.id, scope: "*", extra: { roles: ["saas:admin", "shop:admins", "SHOP:ADMIN"] } });
        await expectProblem(await api.call("POST", "/categories", token, { name: "x" }), 403, "forbidden");
        const draftList = await api.call("GET", "/products?status=draft", token);
        await expectProblem(draftList, 403, "forbidden");
      });
    },
    hostileBodies: () => {
      test.each([
        ["SQL in q", "/products?q=%27%20OR%201%3D1--", null],
        ["FTS syntax in q", `/products?q=${encodeURIComponent('NEAR(a b) OR "x AND title:y*^')}`, null],
        ["a 100 kB q", `/products?q=${"a".repeat(100_000)}`, "q"],
        ["NUL in q", "/products?q=a%00b", "q"],
        ["SQL in attr", `/products?attr=${encodeURIComponent("color:red') OR 1=1--")}`, null],
        ["control characters in attr", "/products?attr=color:%0Ared", "attr"],
        ["11 attr filters", `/products?${Array.from({ length: 11 }, (_, i) => `attr=a:${i}`).join("&")}`, "attr"],
        ["an exponent as limit", "/products?limit=1e9", "limit"],
        ["Infinity as a price", "/products?minPrice=Infinity", "minPrice"],
        ["a hex price", "/products?maxPrice=0x10", "maxPrice"],
        ["a forged cursor", `/products?cursor=${btoa(JSON.stringify(["products:newest:0", "x", 1]))}`, "cursor"],
        ["a 10 kB cursor", `/products?cursor=${"A".repeat(10_000)}`, "cursor"],
        ["a traversal as category", "/products?category=..%2F..%2Fetc", "category"],
      ])("%s is answered without a 500", async (_what, path, field) => {
        const res = await api.call("GET", path, owner.token);
        if (field === null) {
          expect(res.status).toBe(200);
        } else {
          await expectProblem(res, 422, "validation_failed", [field]);
        }
      });

      test.each([
        ["/products/..%2F..%2Fetc", 422],
        ["/products/%00", 422],
        ["/products/a'%20OR%20'1'%3D'1", 422],
        [`/products/${"x".repeat(101)}`, 422],
        ["/categories/%F0%9F%92%A9", 422],
        ["/images/..%2Fsecret", 422],
      ])("GET %s is %i", async (path, status) => {
        const res = await api.call("GET", path, owner.token);
        expect(res.status).toBe(status);
        expect(res.headers.get("Content-Type")).toBe("application/problem+json");
      });

      test.each([
        ["SVG labelled PNG", '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "image/png", 415],
        ["HTML", "<script>alert(1)</script>", "text/html", 415],
        ["SVG", "<svg/>", "image/svg+xml", 415],
        ["a PDF labelled JPEG", "%PDF-1.7", "image/jpeg", 415],
        ["no Content-Type", "GIF89a", "", 415],
      ])("an upload of %s is %i", async (_what, body, type, status) => {
        const headers: Record<string, string> = { Authorization: `Bearer ${owner.token}` };
        if (type) headers["Content-Type"] = type;
        const res = await api.fetch(`${BASE}/products/${ids.product}/images`, { method: "POST", headers, body });
        await expectProblem(res, status, "unsupported_media_type");
      });
    },
  },
});

describe("served images cannot be turned into pages", () => {
  it("are served with their sniffed type, nosniff and an inline file name of ids only", async () => {
    const res = await SELF.fetch(`http://shop.test/shop/v1/images/${ids.image}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("image/png");
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("Content-Disposition")).toBe(`inline; filename="${ids.image}.png"; filename*=UTF-8''${ids.image}.png`);
  });
});
