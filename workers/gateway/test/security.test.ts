import { SELF } from "cloudflare:test";
import { defineSecuritySuite, extraBadCredentials, hostile, type SecurityRoute } from "@edgeworks/testing";
import { beforeAll, vi } from "vitest";
import { addMember, api, BASE, call, createWorkspace, newUser } from "./helpers";

// Every route under /gateway/v1. Placeholders: WS (the owner's workspace), SVC/RTE/CSM (entry ids), ISS (an issuer
// name), KEY (an API key id), MEMBER (a member's user id). Add each new route here.
const ROUTES: SecurityRoute[] = [
  { method: "GET", path: "/workspaces", read: true },
  { method: "POST", path: "/workspaces", body: { slug: "sec-new", name: "x" }, read: false },
  { method: "GET", path: "/workspaces/WS", read: true },
  { method: "PATCH", path: "/workspaces/WS", body: { name: "x" }, read: false },
  { method: "DELETE", path: "/workspaces/WS", read: false },
  { method: "GET", path: "/workspaces/WS/members", read: true },
  { method: "POST", path: "/workspaces/WS/members", body: { email: "someone@users.test", role: "viewer" }, read: false },
  { method: "PATCH", path: "/workspaces/WS/members/MEMBER", body: { role: "admin" }, read: false },
  { method: "DELETE", path: "/workspaces/WS/members/MEMBER", read: false },
  { method: "GET", path: "/workspaces/WS/config", read: true },
  { method: "PUT", path: "/workspaces/WS/config", body: { services: [] }, read: false },
  { method: "GET", path: "/workspaces/WS/config/export", read: true },
  { method: "GET", path: "/workspaces/WS/config/versions", read: true },
  { method: "GET", path: "/workspaces/WS/config/versions/1", read: true },
  { method: "GET", path: "/workspaces/WS/config/versions/2/diff?against=1", read: true },
  { method: "POST", path: "/workspaces/WS/config/versions/1/rollback", read: false },
  { method: "GET", path: "/workspaces/WS/services", read: true },
  { method: "POST", path: "/workspaces/WS/services", body: { name: "svc-x", targets: [{ binding: "UPSTREAM_A" }] }, read: false },
  { method: "GET", path: "/workspaces/WS/services/SVC", read: true },
  { method: "PATCH", path: "/workspaces/WS/services/SVC", body: { retries: 2 }, read: false },
  { method: "DELETE", path: "/workspaces/WS/services/SVC", read: false },
  { method: "GET", path: "/workspaces/WS/routes", read: true },
  { method: "POST", path: "/workspaces/WS/routes", body: { name: "rte-x", paths: ["/x"], service: "api" }, read: false },
  { method: "GET", path: "/workspaces/WS/routes/RTE", read: true },
  { method: "PATCH", path: "/workspaces/WS/routes/RTE", body: { priority: 5 }, read: false },
  { method: "DELETE", path: "/workspaces/WS/routes/RTE", read: false },
  { method: "GET", path: "/workspaces/WS/consumers", read: true },
  { method: "POST", path: "/workspaces/WS/consumers", body: { username: "csm-x" }, read: false },
  { method: "GET", path: "/workspaces/WS/consumers/CSM", read: true },
  { method: "PATCH", path: "/workspaces/WS/consumers/CSM", body: { groups: ["x"] }, read: false },
  { method: "DELETE", path: "/workspaces/WS/consumers/CSM", read: false },
  { method: "GET", path: "/workspaces/WS/consumers/CSM/keys", read: true },
  { method: "POST", path: "/workspaces/WS/consumers/CSM/keys", read: false },
  { method: "DELETE", path: "/workspaces/WS/consumers/CSM/keys/KEY", read: false },
  { method: "GET", path: "/workspaces/WS/issuers", read: true },
  {
    method: "POST",
    path: "/workspaces/WS/issuers",
    body: { name: "iss-x", issuer: "https://x.example", jwksUrl: "https://x.example/jwks" },
    read: false,
  },
  { method: "GET", path: "/workspaces/WS/issuers/ISS", read: true },
  { method: "PATCH", path: "/workspaces/WS/issuers/ISS", body: { audiences: ["x"] }, read: false },
  { method: "DELETE", path: "/workspaces/WS/issuers/ISS", read: false },
  { method: "POST", path: "/workspaces/WS/cache/purge", body: { route: "RTE" }, read: false },
  // observability (src/analytics/routes.ts)
  { method: "GET", path: "/workspaces/WS/analytics", read: true },
  { method: "GET", path: "/workspaces/WS/metrics", read: true },
  { method: "GET", path: "/workspaces/WS/status", read: true },
];

// the "nothing changed" checks read six lists of the owner's workspace; on a loaded machine that alone can
// pass the default 5 s, which reported a timeout as "changed"
vi.setConfig({ testTimeout: 20_000, hookTimeout: 30_000 });

let owner = { id: "", token: "" };
const ids = { WS: "", SVC: "", RTE: "", CSM: "", ISS: "idp", KEY: "", MEMBER: "" };

beforeAll(async () => {
  owner = await newUser();
  const ws = await createWorkspace(owner.token);
  ids.WS = ws.slug;
  const { config } = await api.ok<{ config: Record<string, { id: string }[]> }>(
    call("PUT", `/workspaces/${ws.slug}/config`, owner.token, {
      services: [{ name: "api", targets: [{ binding: "UPSTREAM_A" }] }],
      routes: [{ name: "all", paths: ["/*"], service: "api" }],
      consumers: [{ username: "mobile" }],
      issuers: [{ name: "idp", issuer: "https://idp.example", jwksUrl: "https://idp.example/jwks" }],
    }),
  );
  ids.SVC = config.services?.[0]?.id as string;
  ids.RTE = config.routes?.[0]?.id as string;
  ids.CSM = config.consumers?.[0]?.id as string;
  ids.KEY = (await api.ok<{ id: string }>(call("POST", `/workspaces/${ws.slug}/consumers/${ids.CSM}/keys`, owner.token), 201)).id;
  const member = await newUser();
  ids.MEMBER = member.id;
  await addMember(owner.token, ws.slug, member.email, "viewer");
});

/** Everything of the owner's workspace the API shows: a refused request must leave all of it as it was. */
const snapshot = async () => {
  const at = `/workspaces/${ids.WS}`;
  return Promise.all(
    [
      at,
      `${at}/config`,
      `${at}/config/versions?limit=100`,
      `${at}/members`,
      `${at}/consumers/${ids.CSM}/keys`,
      "/workspaces?limit=100",
    ].map((path) => api.ok(call("GET", path, owner.token))),
  );
};

defineSecuritySuite({
  base: BASE,
  fetch: (url, init) => SELF.fetch(url, init),
  routes: ROUTES,
  fill: (text) => text.replace(/\b(WS|SVC|RTE|CSM|ISS|KEY|MEMBER)\b/g, (k) => ids[k as keyof typeof ids]),
  owner: () => owner,
  scopes: { read: "gateway:read", write: "gateway:write" },
  otherScopes: ["", "profile"],
  snapshot,
  badCredentials: [extraBadCredentials.emptyBearer, extraBadCredentials.otherIssuer, extraBadCredentials.unknownApiKey],
  wwwAuthenticate: /^Bearer realm="edgeworks", error="invalid_(request|token)"/,
  isolation: {
    title: "isolation: another user's workspace is 404 on every route, whatever the id",
    routes: (r) => r.path.includes("WS"),
    name: "%s on the owner's workspace is 404",
    stranger: () => newUser(),
    untouched: "the owner's workspace is untouched",
  },
  hostile: {
    cases: [
      hostile.malformed(),
      hostile.textPlain('{"name":"x"}'),
      hostile.form("name=x"),
      hostile.twoMiB(),
      hostile.invalid("a lone surrogate", '{"name":"bad \\ud800"}'),
      hostile.invalid("a NUL character", '{"name":"a\\u0000b"}'),
      hostile.invalid("a JSON array", "[1,2]"),
    ],
    missingBody: (r) => r.method === "POST",
  },
});
