import { createExecutionContext } from "cloudflare:test";
import { defineSecuritySuite, extraBadCredentials, hostile, type SecurityRoute } from "@edgeworks/testing";
import { beforeAll } from "vitest";
import worker from "../src/index";
import { api, BASE, newKey, newUser, type Order, orderOne, testEnv } from "./helpers";

/** Every route under /commerce/v1; `ID` is replaced by the owner's order. Add each new route here. */
const ROUTES: SecurityRoute[] = [
  { method: "GET", path: "/orders", read: true },
  { method: "POST", path: "/orders", body: { items: [{ productId: "prd_x", quantity: 1 }] }, read: false },
  { method: "GET", path: "/orders/ID", read: true },
  { method: "POST", path: "/orders/ID/cancel", read: false },
  { method: "GET", path: "/orders/ID/timeline", read: true },
  { method: "POST", path: "/admin/orders/ID/replay", read: false },
];

let owner = { id: "", token: "" };
let order: Order;

beforeAll(async () => {
  owner = await newUser();
  order = (await orderOne(owner.token)).order;
});

/**
 * POST /orders documents Idempotency-Key as required (headers are validated before the body), so the suite's
 * requests carry a fresh key there: what it probes (credentials, scopes, hostile bodies) is then what answers.
 * A missing key is tested in test/orders.test.ts.
 */
function withKey(req: Request): Request {
  if (req.method !== "POST" || !new URL(req.url).pathname.endsWith("/v1/orders") || req.headers.has("Idempotency-Key")) return req;
  const headers = new Headers(req.headers);
  headers.set("Idempotency-Key", newKey());
  return new Request(req, { headers });
}

/** The owner's orders as stored, for "nothing changed" checks. */
const snapshot = async () => (await api.ok<{ items: Order[] }>(api.call("GET", "/orders?limit=100", owner.token))).items;

defineSecuritySuite({
  base: BASE,
  fetch: (url, init) => Promise.resolve(worker.fetch(withKey(new Request(url, init)), testEnv, createExecutionContext())),
  routes: ROUTES,
  fill: (text) => text.replace("ID", order.id),
  owner: () => owner,
  scopes: { read: "commerce:read", write: "commerce:write" },
  otherScopes: ["", "profile"],
  snapshot,
  badCredentials: [extraBadCredentials.emptyBearer, extraBadCredentials.otherIssuer, extraBadCredentials.unknownApiKey],
  wwwAuthenticate: /^Bearer realm="edgeworks", error="invalid_(request|token)"/,
  isolation: {
    title: "isolation: another user's orders are 404 and invisible",
    // replay is an operator's route: a stranger without the role is 403 before the order is looked up
    routes: (r) => r.path.includes("ID") && !r.path.startsWith("/admin"),
    name: "%s on the owner's order is 404",
    stranger: () => newUser(),
    untouched: "the owner's orders are untouched",
  },
  hostile: {
    cases: [
      hostile.malformed(),
      hostile.textPlain('{"items":[]}'),
      hostile.form("items=1"),
      hostile.twoMiB(),
      hostile.invalid("a lone surrogate", '{"items":[{"productId":"bad \\ud800","quantity":1}]}'),
      hostile.invalid("a NUL character", '{"paymentMethod":"pm_\\u0000"}'),
    ],
    // a missing body is validated as `{}`: POST /orders then orders the (empty) cart (422)
    missingBody: (r) => r.path === "/orders",
  },
});
