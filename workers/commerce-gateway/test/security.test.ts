import { env, SELF } from "cloudflare:test";
import { defineSecuritySuite, extraBadCredentials, hostile, type SecurityRoute } from "@edgeworks/testing";
import { beforeAll } from "vitest";
import { BASE, newAdmin } from "./helpers";

/**
 * The gateway's own routes under /commerce/v1 (the proxied ones are each service's to test). The owner is
 * an operator (commerce:admin), so every route is theirs; `ID` is an order id nobody has.
 */
const ROUTES: SecurityRoute[] = [
  { method: "GET", path: "/orders/ID/summary", read: true },
  { method: "GET", path: "/admin/dlq/orders-events", read: true },
  { method: "POST", path: "/admin/dlq/orders-events/redrive", body: { ids: ["dl_none"] }, read: false },
  { method: "GET", path: "/admin/logs?correlationId=ID", read: true },
  { method: "GET", path: "/admin/reconcile", read: true },
  { method: "GET", path: "/admin/registry", read: true },
];

let owner = { id: "", token: "" };

beforeAll(async () => {
  owner = await newAdmin();
  // the first request seeds the registry in KV
  await SELF.fetch(`${BASE}/admin/registry`, { headers: { Authorization: `Bearer ${owner.token}` } });
});

/** What a refused request must not change: the registry, and the orders service's dead letters (a redrive). */
const snapshot = async () => ({
  registry: await env.REGISTRY.get("registry"),
  deadLetters: await env.MESH_DB_COMMERCE_ORDERS?.prepare(
    "SELECT COUNT(*) AS n, COUNT(redrive_requested_at) AS requested, COUNT(redriven_at) AS redriven FROM dead_letters",
  ).first(),
});

defineSecuritySuite({
  base: BASE,
  fetch: (url, init) => SELF.fetch(url, init),
  routes: ROUTES,
  fill: (text) => text.replaceAll("ID", "ord_security_none"),
  owner: () => owner,
  scopes: { read: "commerce:read", write: "commerce:write" },
  otherScopes: ["", "profile"],
  snapshot,
  badCredentials: [extraBadCredentials.emptyBearer, extraBadCredentials.otherIssuer, extraBadCredentials.unknownApiKey],
  wwwAuthenticate: /^Bearer realm="edgeworks", error="invalid_(request|token)"/,
  hostile: {
    cases: [
      hostile.malformed(),
      hostile.textPlain('{"ids":["x"]}'),
      hostile.form("ids=x"),
      hostile.twoMiB(),
      hostile.invalid("a lone surrogate", '{"ids":["bad \\ud800"]}'),
    ],
  },
});
