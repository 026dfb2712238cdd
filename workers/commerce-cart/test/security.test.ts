import { SELF } from "cloudflare:test";
import { defineSecuritySuite, extraBadCredentials, hostile, type SecurityRoute } from "@edgeworks/testing";
import { beforeAll } from "vitest";
import { BASE, newUser, putItem, seedProduct, storedLines } from "./helpers";

/** Every route under /commerce/v1; `ID` is replaced by a product in the owner's cart. Add each new route here. */
const ROUTES: SecurityRoute[] = [
  { method: "GET", path: "/cart", read: true },
  { method: "PUT", path: "/cart/items/ID", body: { quantity: 3 }, read: false },
  { method: "DELETE", path: "/cart/items/ID", read: false },
  { method: "DELETE", path: "/cart", read: false },
];

let owner = { id: "", token: "" };
let productId = "";

beforeAll(async () => {
  owner = await newUser();
  productId = (await seedProduct()).id;
  await putItem(owner.token, productId, 2);
});

defineSecuritySuite({
  base: BASE,
  fetch: (url, init) => SELF.fetch(url, init),
  routes: ROUTES,
  fill: (text) => text.replace("ID", productId),
  owner: () => owner,
  scopes: { read: "commerce:read", write: "commerce:write" },
  otherScopes: ["", "profile", "commerce-cart:write"],
  snapshot: () => storedLines(owner.id),
  badCredentials: [extraBadCredentials.emptyBearer, extraBadCredentials.otherIssuer, extraBadCredentials.unknownApiKey],
  wwwAuthenticate: /^Bearer realm="edgeworks", error="invalid_(request|token)"/,
  // a user reaches only their own cart object: the one route that names a line of it finds none of the owner's
  isolation: {
    title: "isolation: another user's cart lines are not theirs",
    routes: (r) => r.method === "DELETE" && r.path.includes("ID"),
    name: "%s on the owner's line is 404",
    stranger: () => newUser(),
    untouched: "the owner's cart is untouched",
  },
  hostile: {
    cases: [
      hostile.malformed(),
      hostile.textPlain('{"quantity":1}'),
      hostile.form("quantity=1"),
      hostile.twoMiB(),
      hostile.invalid("a string quantity", '{"quantity":"1"}'),
      hostile.invalid("an unknown field", '{"quantity":1,"unitAmount":0}'),
    ],
    missingBody: (r) => r.method === "PUT",
  },
});
