import { SELF } from "cloudflare:test";
import { defineSecuritySuite, extraBadCredentials, hostile, type SecurityRoute } from "@edgeworks/testing";
import { beforeAll } from "vitest";
import { BASE, createItem, type Item, listAll, newUser } from "./helpers";

/** Every route under /gateway/v1; `ID` is replaced by the owner's item. Add each new route here. */
const ROUTES: SecurityRoute[] = [
  { method: "GET", path: "/items", read: true },
  { method: "POST", path: "/items", body: { name: "x" }, read: false },
  { method: "GET", path: "/items/ID", read: true },
  { method: "PATCH", path: "/items/ID", body: { name: "x" }, read: false },
  { method: "DELETE", path: "/items/ID", read: false },
];

let owner = { id: "", token: "" };
let item: Item;

beforeAll(async () => {
  owner = await newUser();
  item = await createItem(owner.token, { name: "Owner's item", note: "private" });
});

defineSecuritySuite({
  base: BASE,
  fetch: (url, init) => SELF.fetch(url, init),
  routes: ROUTES,
  fill: (text) => text.replace("ID", item.id),
  owner: () => owner,
  scopes: { read: "gateway:read", write: "gateway:write" },
  otherScopes: ["", "profile"],
  snapshot: () => listAll(owner.token),
  badCredentials: [extraBadCredentials.emptyBearer, extraBadCredentials.otherIssuer, extraBadCredentials.unknownApiKey],
  wwwAuthenticate: /^Bearer realm="edgeworks", error="invalid_(request|token)"/,
  isolation: {
    title: "isolation: another user's items are 404 and invisible",
    routes: (r) => r.path.includes("ID"),
    name: "%s on the owner's item is 404",
    stranger: () => newUser(),
    untouched: "the owner's items are untouched",
  },
  hostile: {
    cases: [
      hostile.malformed(),
      hostile.textPlain('{"name":"x"}'),
      hostile.form("name=x"),
      hostile.twoMiB(),
      hostile.invalid("a lone surrogate", '{"name":"bad \\ud800"}'),
      hostile.invalid("a NUL character", '{"name":"a\\u0000b"}'),
    ],
    // a missing body is validated as `{}`: 422 on create; for PATCH it is the empty (no-op) patch
    missingBody: (r) => r.method === "POST",
  },
});
