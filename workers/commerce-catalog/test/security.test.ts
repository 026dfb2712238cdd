import { SELF } from "cloudflare:test";
import { defineSecuritySuite, extraBadCredentials, hostile, type SecurityRoute } from "@edgeworks/testing";
import { beforeAll } from "vitest";
import { api, BASE, call, newAdmin, type Page, type Product, uniqueSku } from "./helpers";

/** Every route under /commerce/v1; `ID` is the owner's product. Add each new route here. */
const ROUTES: SecurityRoute[] = [
  { method: "GET", path: "/products", read: true },
  { method: "POST", path: "/products", body: { sku: "SEC-NEW", name: "x", unitAmount: 100, currency: "usd" }, read: false },
  { method: "GET", path: "/products/ID", read: true },
  { method: "PATCH", path: "/products/ID", body: { name: "x" }, read: false },
  { method: "DELETE", path: "/products/ID", read: false },
  { method: "GET", path: "/products/ID/inventory", read: true },
  { method: "PUT", path: "/products/ID/inventory", body: { onHand: 3 }, read: false },
  { method: "GET", path: "/categories", read: true },
  { method: "POST", path: "/categories", body: { slug: "sec-new", name: "x" }, read: false },
];

let owner = { id: "", token: "" };
let product: Product;

beforeAll(async () => {
  owner = await newAdmin("*");
  product = await api.ok<Product>(
    call("POST", "/products", owner.token, { sku: uniqueSku("SEC"), name: "Owner's product", unitAmount: 500, currency: "usd", stock: 5 }),
    201,
  );
});

/** The catalog is shared (not per user): the snapshot is the owner's product and its stock. */
async function snapshot() {
  const page = await api.ok<Page<Product>>(call("GET", "/products?limit=100", owner.token));
  const stock = await api.ok(call("GET", `/products/${product.id}/inventory`, owner.token));
  const categories = await api.ok(call("GET", "/categories", owner.token));
  return { product: page.items.find((p) => p.id === product.id), stock, count: page.items.length, categories };
}

defineSecuritySuite({
  base: BASE,
  fetch: (url, init) => SELF.fetch(url, init),
  routes: ROUTES,
  fill: (text) => text.replace("ID", product.id),
  owner: () => owner,
  scopes: { read: "commerce:read", write: "commerce:write" },
  otherScopes: ["", "profile", "commerce-catalog:read commerce-catalog:write"],
  snapshot,
  badCredentials: [extraBadCredentials.emptyBearer, extraBadCredentials.otherIssuer, extraBadCredentials.unknownApiKey],
  wwwAuthenticate: /^Bearer realm="edgeworks", error="invalid_(request|token)"/,
  hostile: {
    cases: [
      hostile.malformed(),
      hostile.textPlain('{"name":"x"}'),
      hostile.form("name=x"),
      hostile.twoMiB(),
      hostile.invalid("a lone surrogate", '{"name":"bad \\ud800"}'),
      hostile.invalid("a NUL character", '{"name":"a\\u0000b"}'),
    ],
    missingBody: (r) => r.method === "POST" || r.method === "PUT",
  },
});
