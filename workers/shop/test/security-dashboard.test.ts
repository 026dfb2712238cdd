import { env, SELF } from "cloudflare:test";
import { defineSecuritySuite, expectProblem, extraBadCredentials, mintToken, type TestUser } from "@edgeworks/testing";
import { drizzle } from "drizzle-orm/d1";
import { nanoid } from "nanoid";
import { beforeAll, describe, expect, it, test } from "vitest";
import { orders } from "../src/orders/schema";
import { api, BASE, newAdmin, newUser } from "./helpers";

// The dashboard's security cases: the shared suite (bad credentials, scopes, hostile input) plus the role
// check and hostile query strings. The dashboard only reads, so "nothing changed" compares the orders table
// and what the dashboard itself answers.

const ROUTES = [
  { method: "GET", path: "/admin/dashboard/sales?from=2031-01-01&to=2031-02-01", read: true },
  { method: "GET", path: "/admin/dashboard/sales.svg?from=2031-01-01&to=2031-02-01", read: true },
  { method: "GET", path: "/admin/dashboard/top-products?from=2031-01-01&to=2031-02-01", read: true },
  { method: "GET", path: "/admin/dashboard/low-stock?threshold=3", read: true },
  { method: "GET", path: "/admin/dashboard/orders-by-state", read: true },
] as const;

let admin: TestUser;
let customer: TestUser;
beforeAll(async () => {
  [admin, customer] = await Promise.all([newAdmin(), newUser()]);
  const t = Date.parse("2031-01-15T12:00:00Z");
  await drizzle(env.DB).insert(orders).values({
    id: nanoid(),
    number: 900_001,
    userId: "user_security",
    state: "paid",
    currency: "USD",
    subtotal: 4200,
    total: 4200,
    amountPaid: 4200,
    country: "US",
    shippingMethod: "standard",
    createdAt: t,
    updatedAt: t,
    paidAt: t,
  });
});

const snapshot = async () => ({
  orders: (await env.DB.prepare("SELECT * FROM orders ORDER BY id").all()).results,
  sales: await (await api.call("GET", ROUTES[0].path, admin.token)).json(),
});

defineSecuritySuite({
  base: BASE,
  fetch: (u, i) => SELF.fetch(u, i),
  routes: ROUTES,
  fill: (text) => text,
  owner: () => ({ id: admin.id, token: admin.token }),
  scopes: { read: "shop:read", write: "shop:write" },
  otherScopes: ["", "todo:read"],
  snapshot,
  badCredentials: [
    extraBadCredentials.emptyBearer,
    extraBadCredentials.otherIssuer,
    extraBadCredentials.unknownApiKey,
    extraBadCredentials.apiKeyPrefix,
  ],
  hostile: { cases: [] },
  extend: {
    scopes: () => {
      test.each(ROUTES.map((r) => [r.path, r] as const))("a customer (no shop:admin role): %s is 403", async (_l, route) => {
        const body = await expectProblem(await api.call(route.method, route.path, customer.token), 403, "forbidden");
        expect(body.detail).toBe('This action needs the "shop:admin" role');
      });
      test.each(ROUTES.map((r) => [r.path, r] as const))("a role for another product (saas:admin): %s is 403", async (_l, route) => {
        const token = await mintToken({ sub: customer.id, scope: "*", extra: { roles: ["saas:admin", "shop:admins", "SHOP:ADMIN"] } });
        await expectProblem(await api.call(route.method, route.path, token), 403, "forbidden");
      });
    },
    hostileBodies: () => {
      test.each([
        ["SQL in a date", "/admin/dashboard/sales?from=2031-01-01'%20OR%201=1--", "from"],
        ["SQL in the currency", "/admin/dashboard/sales?currency=USD'%3B%20DROP%20TABLE%20orders--", "currency"],
        ["a NUL in the interval", "/admin/dashboard/sales.svg?interval=day%00", "interval"],
        ["markup in the currency of the chart", "/admin/dashboard/sales.svg?currency=%3Csvg%20onload%3Dalert(1)%3E", "currency"],
        ["a 100 kB date", `/admin/dashboard/top-products?to=${"9".repeat(100_000)}`, "to"],
        ["an exponent as limit", "/admin/dashboard/top-products?limit=1e9", "limit"],
        ["a negative zero threshold with junk", "/admin/dashboard/low-stock?threshold=-0x1", "threshold"],
        ["Infinity", "/admin/dashboard/low-stock?threshold=Infinity", "threshold"],
        ["full-width digits", `/admin/dashboard/sales?from=${encodeURIComponent("２０３１-01-01")}`, "from"],
      ])("%s is 422", async (_what, path, field) => {
        await expectProblem(await api.call("GET", path, admin.token), 422, "validation_failed", [field]);
      });

      it("a repeated parameter does not slip past validation", async () => {
        const res = await api.call("GET", "/admin/dashboard/sales?from=2031-01-01&from=2031-01-01'--&to=2031-02-01", admin.token);
        expect([200, 422]).toContain(res.status);
        if (res.status === 200) expect(((await res.json()) as { from: string }).from).toBe("2031-01-01T00:00:00.000Z");
        else await expectProblem(res, 422, "validation_failed");
      });

      test.each(["POST", "PUT", "PATCH", "DELETE"])("%s on the dashboard is not a route", async (method) => {
        const res = await api.call(method, "/admin/dashboard/sales", admin.token, {});
        expect([404, 405]).toContain(res.status);
      });
    },
  },
});

describe("the chart carries its own protection", () => {
  it("answers the admin with CSP and nosniff, never with anything that runs", async () => {
    const res = await api.call("GET", ROUTES[1].path, admin.token);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Security-Policy")).toBe("default-src 'none'; style-src 'unsafe-inline'");
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(await res.text()).not.toMatch(/<script|javascript:|on[a-z]+=/i);
  });
});
