import { env, SELF } from "cloudflare:test";
import {
  defineSecuritySuite,
  expectProblem,
  extraBadCredentials,
  hostile,
  hostileBodies,
  mintToken,
  type TestUser,
} from "@edgeworks/testing";
import { drizzle } from "drizzle-orm/d1";
import { nanoid } from "nanoid";
import { beforeAll, expect, it, test } from "vitest";
import { orderLines, orders } from "../src/orders/schema";
import { api, BASE, newAdmin, newUser } from "./helpers";
import { postWebhook, signPayload } from "./orders-helpers";

// The orders area's security cases: the shared suite (bad credentials, scopes, isolation, hostile bodies)
// over the customer routes, plus the admin role on the admin routes and hostile refund/webhook input.
// The owner has a pending order; nothing here may change it.

const ROUTES = [
  { method: "GET", path: "/orders", read: true },
  { method: "GET", path: "/orders/{order}", read: true },
  { method: "GET", path: "/orders/{order}/refunds", read: true },
  { method: "POST", path: "/orders/{order}/cancel", body: { reason: "x" }, read: false },
  { method: "POST", path: "/checkout", body: { country: "US", shippingMethod: "standard" }, read: false },
  { method: "GET", path: "/admin/orders", read: true },
  { method: "POST", path: "/orders/{order}/fulfill", body: {}, read: false },
  { method: "POST", path: "/orders/{order}/deliver", body: {}, read: false },
  { method: "POST", path: "/orders/{order}/refunds", body: { reason: "x" }, read: false },
] as const;
type Route = (typeof ROUTES)[number];
const ADMIN_ONLY = (r: Route) =>
  r.path.startsWith("/admin") || /\/(fulfill|deliver)$/.test(r.path) || (r.path.endsWith("/refunds") && r.method === "POST");

let owner: TestUser;
let admin: TestUser;
let orderId = "";

beforeAll(async () => {
  [owner, admin] = await Promise.all([newUser(), newAdmin()]);
  orderId = nanoid();
  const now = Date.now();
  const db = drizzle(env.DB);
  await db.batch([
    db.insert(orders).values({
      id: orderId,
      number: 800_000 + Math.floor(Math.random() * 1e6),
      userId: owner.id,
      state: "pending_payment",
      currency: "USD",
      subtotal: 1000,
      shipping: 500,
      total: 1500,
      country: "US",
      shippingMethod: "standard",
      holdExpiresAt: now + 3_600_000,
      createdAt: now,
      updatedAt: now,
    }),
    db.insert(orderLines).values({
      id: nanoid(),
      orderId,
      productId: nanoid(),
      variantId: nanoid(),
      sku: "SEC-1",
      title: "Thing",
      unitPrice: 1000,
      quantity: 1,
      total: 1000,
    }),
  ]);
});

const snapshot = async () => ({
  orders: (await env.DB.prepare("SELECT * FROM orders WHERE user_id = ? ORDER BY id").bind(owner.id).all()).results,
  events: (await env.DB.prepare("SELECT * FROM order_events WHERE order_id = ? ORDER BY id").bind(orderId).all()).results,
  refunds: (await env.DB.prepare("SELECT * FROM refunds WHERE order_id = ?").bind(orderId).all()).results,
});

defineSecuritySuite<Route>({
  base: BASE,
  fetch: (u, i) => SELF.fetch(u, i),
  routes: ROUTES,
  fill: (text) => text.replaceAll("{order}", orderId),
  owner: () => ({ id: owner.id, token: owner.token }),
  scopes: { read: "shop:read", write: "shop:write" },
  otherScopes: ["", "todo:read todo:write"],
  snapshot,
  badCredentials: [
    extraBadCredentials.emptyBearer,
    extraBadCredentials.otherIssuer,
    extraBadCredentials.unknownApiKey,
    extraBadCredentials.apiKeyPrefix,
  ],
  isolation: {
    title: "another customer",
    routes: (r) => r.path.includes("{order}") && !ADMIN_ONLY(r),
    stranger: async () => {
      const s = await newUser();
      return { id: s.id, token: s.token };
    },
    untouched: "the owner's order is unchanged",
  },
  hostile: {
    routes: (r) => !ADMIN_ONLY(r),
    cases: [
      hostile.malformed(),
      hostile.twoMiB(),
      hostile.textPlain('{"country":"US"}'),
      hostile.invalid("a NUL in the reason and country", JSON.stringify({ reason: "a\u0000b", country: "U\u0000" })),
      hostile.invalid("an unknown member", JSON.stringify({ reason: "x", country: "US", admin: true })),
      hostile.invalid("a 10 kB reason", JSON.stringify({ reason: "x".repeat(10_000), country: "USA" })),
      hostile.invalid("wrong types", JSON.stringify({ reason: 5, country: 42, shippingMethod: ["express"] })),
      hostile.invalid("an array body", "[]"),
      hostile.invalid("odd unicode in the country", JSON.stringify({ reason: "\u202e", country: "ＵＳ" })),
    ],
    deepNesting: [400, 413, 422],
  },
  extend: {
    scopes: () => {
      test.each(ROUTES.filter(ADMIN_ONLY).map((r) => [`${r.method} ${r.path}`, r] as const))(
        "a customer on %s is 403",
        async (_l, route) => {
          const path = route.path.replaceAll("{order}", orderId);
          const body = await expectProblem(
            await api.call(route.method, path, owner.token, "body" in route ? route.body : undefined),
            403,
            "forbidden",
          );
          expect(body.detail).toBe('This action needs the "shop:admin" role');
        },
      );
      it("a role of another product does not make an admin", async () => {
        const token = await mintToken({ sub: owner.id, scope: "*", extra: { roles: ["saas:admin", "SHOP:ADMIN", "shop:admins"] } });
        await expectProblem(await api.call("GET", "/admin/orders", token), 403, "forbidden");
      });
    },
    hostileBodies: () => {
      test.each([
        ["a negative amount", { amount: -1, reason: "x" }, "amount"],
        ["a fractional amount", { amount: 1.5, reason: "x" }, "amount"],
        ["an amount as a string", { amount: "100", reason: "x" }, "amount"],
        ["a huge amount", { amount: 1e20, reason: "x" }, "amount"],
        ["no reason", { amount: 100 }, "reason"],
        ["a blank reason", { amount: 100, reason: "   " }, "reason"],
        ["a zero quantity", { lines: [{ lineId: "abc", quantity: 0 }], reason: "x" }, "lines.0.quantity"],
        ["an id with a slash", { lines: [{ lineId: "../x", quantity: 1 }], reason: "x" }, "lines.0.lineId"],
        ["an empty lines list", { lines: [], reason: "x" }, "lines"],
      ])("refund with %s is 422 (admin)", async (_what, body, field) => {
        await expectProblem(await api.call("POST", `/orders/${orderId}/refunds`, admin.token, body), 422, "validation_failed", [field]);
      });

      it("admin list with an unknown state or a foreign cursor is 422", async () => {
        await expectProblem(await api.call("GET", "/admin/orders?state=lost", admin.token), 422, "validation_failed", ["state"]);
        await expectProblem(await api.call("GET", "/orders?cursor=bm9wZQ", owner.token), 422, "validation_failed", ["cursor"]);
      });

      it("a signed webhook body that is not JSON, or hostile JSON, is refused and stores nothing", async () => {
        for (const payload of [
          hostileBodies.malformed,
          "[]",
          '{"id":"evt_x"}',
          `{"id":"evt_\u0000","type":"payment_intent.succeeded","data":{}}`,
        ]) {
          const res = await postWebhook(payload, await signPayload(payload));
          expect([400, 422], `${payload.slice(0, 40)}: ${await res.clone().text()}`).toContain(res.status);
        }
        const stored = await env.DB.prepare("SELECT COUNT(*) AS n FROM stripe_events WHERE id LIKE 'evt_x%'").first<{ n: number }>();
        expect(stored?.n).toBe(0);
      });
    },
  },
});
