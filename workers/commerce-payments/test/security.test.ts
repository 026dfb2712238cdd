import { SELF } from "cloudflare:test";
import { defineSecuritySuite, extraBadCredentials, type SecurityRoute } from "@edgeworks/testing";
import { beforeAll } from "vitest";
import { api, BASE, call, chargeInput, newOrderId, newUser, type Payment, rpc } from "./helpers";

/** Every guarded route under /commerce/v1; `ID` is replaced by the owner's payment. Add each new route here. */
const ROUTES: SecurityRoute[] = [
  { method: "GET", path: "/payments", read: true },
  { method: "GET", path: "/payments/ID", read: true },
];

let owner = { id: "", token: "" };
let paymentId = "";

beforeAll(async () => {
  owner = await newUser();
  paymentId = (await rpc("charge", chargeInput(newOrderId(), owner.id))).paymentId;
});

defineSecuritySuite({
  base: BASE,
  fetch: (url, init) => SELF.fetch(url, init),
  routes: ROUTES,
  fill: (text) => text.replace("ID", paymentId),
  owner: () => owner,
  scopes: { read: "commerce:read", write: "commerce:write" },
  otherScopes: ["", "profile"],
  snapshot: async () => ((await api.ok(call("GET", "/payments?limit=100", owner.token))) as { items: Payment[] }).items,
  badCredentials: [extraBadCredentials.emptyBearer, extraBadCredentials.otherIssuer, extraBadCredentials.unknownApiKey],
  wwwAuthenticate: /^Bearer realm="edgeworks", error="invalid_(request|token)"/,
  isolation: {
    title: "isolation: another user's payment is 404 and invisible",
    routes: (r) => r.path.includes("ID"),
    name: "%s on the owner's payment is 404",
    stranger: () => newUser(),
    untouched: "the owner's payments are untouched",
  },
  // no route takes a body (the webhook's hostile bodies are in payments.routes.test.ts)
  hostile: { cases: [] },
});
