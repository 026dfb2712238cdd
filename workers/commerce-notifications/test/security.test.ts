import { SELF } from "cloudflare:test";
import { defineSecuritySuite, extraBadCredentials, hostile, type SecurityRoute } from "@edgeworks/testing";
import { beforeAll } from "vitest";
import { api, BASE, call, confirmed, contactOf, deliver, envWith, newOrderId, newUser, usersWith } from "./helpers";

/** Every route under /commerce/v1 of this service (read-only: notifications are written by events). Add each new route here. */
const ROUTES: SecurityRoute[] = [{ method: "GET", path: "/notifications", read: true }];

let owner = { id: "", token: "" };

beforeAll(async () => {
  owner = await newUser();
  await deliver([confirmed(newOrderId(), owner.id)], envWith({ USERS: usersWith({ [owner.id]: contactOf(owner.id) }) }));
});

const snapshot = async () => ((await api.ok(call("GET", "/notifications?limit=100", owner.token))) as { items: unknown[] }).items;

defineSecuritySuite({
  base: BASE,
  fetch: (url, init) => SELF.fetch(url, init),
  routes: ROUTES,
  fill: (text) => text,
  owner: () => owner,
  scopes: { read: "commerce:read", write: "commerce:write" },
  otherScopes: ["", "profile", "commerce-notifications:read"],
  snapshot,
  badCredentials: [extraBadCredentials.emptyBearer, extraBadCredentials.otherIssuer, extraBadCredentials.unknownApiKey],
  wwwAuthenticate: /^Bearer realm="edgeworks", error="invalid_(request|token)"/,
  hostile: { cases: [hostile.malformed(), hostile.twoMiB()] },
});
