import { SELF } from "cloudflare:test";
import { defineSecuritySuite, extraBadCredentials, hostile, type SecurityRoute } from "@edgeworks/testing";
import { beforeAll } from "vitest";
import { type Address, api, BASE, call, createAddress, listAddresses, newUser } from "./helpers";

/** Every route under /commerce/v1; `ID` is replaced by the owner's address. Add each new route here. */
const ROUTES: SecurityRoute[] = [
  { method: "GET", path: "/me", read: true },
  { method: "PATCH", path: "/me", body: { displayName: "x" }, read: false },
  { method: "GET", path: "/me/addresses", read: true },
  { method: "POST", path: "/me/addresses", body: { name: "x", line1: "x", city: "x", postalCode: "1", country: "DE" }, read: false },
  { method: "GET", path: "/me/addresses/ID", read: true },
  { method: "PATCH", path: "/me/addresses/ID", body: { name: "x" }, read: false },
  { method: "DELETE", path: "/me/addresses/ID", read: false },
];

let owner = { id: "", token: "" };
let address: Address;

beforeAll(async () => {
  owner = await newUser();
  address = await createAddress(owner.token, { name: "Owner" });
  await api.ok(call("PATCH", "/me", owner.token, { displayName: "Owner", phone: "+14155550100" }));
});

defineSecuritySuite({
  base: BASE,
  fetch: (url, init) => SELF.fetch(url, init),
  routes: ROUTES,
  fill: (text) => text.replace("ID", address.id),
  owner: () => owner,
  scopes: { read: "commerce:read", write: "commerce:write" },
  otherScopes: ["", "profile", "commerce-users:write"],
  snapshot: async () => ({ addresses: await listAddresses(owner.token), profile: await api.ok(call("GET", "/me", owner.token)) }),
  badCredentials: [extraBadCredentials.emptyBearer, extraBadCredentials.otherIssuer, extraBadCredentials.unknownApiKey],
  wwwAuthenticate: /^Bearer realm="edgeworks", error="invalid_(request|token)"/,
  isolation: {
    title: "isolation: another user's addresses are 404 and invisible",
    routes: (r) => r.path.includes("ID"),
    name: "%s on the owner's address is 404",
    stranger: () => newUser(),
    untouched: "the owner's profile and addresses are untouched",
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
