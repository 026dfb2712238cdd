import { createFakeNet, type FakeNet } from "@edgeworks/egress/testing";
import { exportSPKI, generateKeyPair, type JWK, SignJWT } from "jose";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Snapshot } from "../../src/contract";
import { plugin } from "../../src/plugins/auth";
import { sha256Hex } from "../../src/plugins/auth/credentials";
import { clearJwksCache, JWKS_REFETCH_FLOOR_MS } from "../../src/plugins/auth/jwks";
import { api, call, gw } from "../helpers";
import { fakeConsumer, fakeContext, fakeSnapshot } from "../support/context";
import { gatewayWith } from "../support/e2e";
import { ISS, type IssuerKeys, issuerKeys, JWKS_HOST, signToken, type TokenOptions, unsignedToken } from "../support/jwt";

const KEY = "ewg_0123456789abcdefghijABCDEFGHIJ01";
const OTHER_WS_KEY = "ewg_zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz";

let snapshot: Snapshot;
let keys: IssuerKeys;
let jwk: JWK;
let net: FakeNet;
let served: JWK[];

beforeAll(async () => {
  keys = await issuerKeys("k1");
  jwk = keys.jwk;
  snapshot = fakeSnapshot({
    consumers: {
      csm_1: fakeConsumer({ id: "csm_1", username: "alice", groups: ["partners"], jwt: [{ issuer: "corp", subject: "user-1" }] }),
    },
    keyHashes: { [await sha256Hex(KEY)]: "csm_1" },
    issuers: {
      corp: {
        name: "corp",
        issuer: ISS,
        jwksUrl: `https://${JWKS_HOST}/jwks.json`,
        audiences: ["api"],
        requiredClaims: { tier: "gold" },
        algorithms: ["RS256"],
      },
    },
  });
});

beforeEach(() => {
  clearJwksCache();
  net = createFakeNet();
  served = [jwk];
  net.upstreams.set(JWKS_HOST, () => Response.json({ keys: served }));
  vi.spyOn(globalThis, "fetch").mockImplementation(net.fetch);
});
afterEach(() => vi.restoreAllMocks());

const jwksFetches = () => net.requests.filter((r) => r.url.includes("/jwks.json")).length;
const token = (claims: Record<string, unknown> = {}, options: TokenOptions & { key?: CryptoKey } = {}) =>
  signToken(options.key ?? keys.privateKey, claims, options);

const run = async (
  headers: Record<string, string>,
  config: unknown = {},
  extra: { request?: string; snapshot?: Snapshot; at?: number } = {},
) => {
  const ctx = fakeContext({ snapshot: extra.snapshot ?? snapshot, request: extra.request, init: { headers }, receivedAt: extra.at });
  const res = await ctx.run(plugin.create(plugin.schema.parse(config), ctx.route));
  return { ctx, res };
};

/** A 401 problem with a Bearer challenge, and nothing sent upstream. */
async function expect401(r: Awaited<ReturnType<typeof run>>, presented = true) {
  expect(r.res.status).toBe(401);
  expect(r.res.headers.get("Content-Type")).toBe("application/problem+json");
  const challenge = r.res.headers.get("WWW-Authenticate") ?? "";
  expect(challenge).toMatch(/^Bearer realm="gw\/test"/);
  expect(challenge.includes('error="invalid_token"')).toBe(presented);
  const body = await r.res.text();
  expect(JSON.parse(body)).toMatchObject({ code: "unauthorized", status: 401 });
  expect(body).not.toContain(KEY);
  expect(r.ctx.sent).toHaveLength(0);
  expect(r.ctx.consumer).toBeNull();
}

describe("auth plugin: API keys", () => {
  it("identifies the consumer by the apikey header and hides the key from the upstream", async () => {
    const r = await run({ apikey: KEY });
    expect(r.res.status).toBe(200);
    expect(r.ctx.consumer).toEqual({ id: "csm_1", username: "alice", groups: ["partners"], via: "key" });
    expect(r.ctx.log.consumerId).toBe("csm_1");
    expect(r.ctx.sent[0]?.request.headers.get("apikey")).toBeNull();
  });

  it("accepts Authorization: Bearer ewg_… and strips it; keeps it when hideCredentials is off", async () => {
    const hidden = await run({ Authorization: `Bearer ${KEY}` });
    expect(hidden.res.status).toBe(200);
    expect(hidden.ctx.sent[0]?.request.headers.get("authorization")).toBeNull();
    const shown = await run({ apikey: KEY }, { hideCredentials: false });
    expect(shown.ctx.sent[0]?.request.headers.get("apikey")).toBe(KEY);
  });

  it("refuses an unknown key, a revoked one and another workspace's key alike (401)", async () => {
    await expect401(await run({ apikey: OTHER_WS_KEY }));
    await expect401(await run({ apikey: `${KEY}x` }));
    // the key is live in another workspace's snapshot: this one does not know it
    const other = fakeSnapshot({ workspaceId: "ws_other", slug: "test", keyHashes: { [await sha256Hex(OTHER_WS_KEY)]: "csm_9" } });
    expect((await run({ apikey: OTHER_WS_KEY }, {}, { snapshot: other })).res.status).toBe(401);
    // a key mapped to a consumer that is gone (deleted from config) is not valid either
    await expect401(
      await run({ apikey: OTHER_WS_KEY }, {}, { snapshot: { ...snapshot, keyHashes: { [await sha256Hex(OTHER_WS_KEY)]: "csm_gone" } } }),
    );
  });

  it("without credentials: 401 without error=, or anonymous when allowed (wrong credentials still 401)", async () => {
    await expect401(await run({}), false);
    const anon = await run({}, { anonymous: true });
    expect(anon.res.status).toBe(200);
    expect(anon.ctx.consumer).toBeNull();
    await expect401(await run({ apikey: "ewg_wrong" }, { anonymous: true }));
  });

  it("ignores credentials over 8 KiB (nothing unbounded is hashed or parsed) and refuses them as absent", async () => {
    await expect401(await run({ apikey: `ewg_${"a".repeat(9000)}` }), false);
    await expect401(await run({ Authorization: `Bearer ${"a".repeat(9000)}` }), false);
  });

  it("reads a key from the query only when keyQuery is set, and removes it from the upstream query", async () => {
    await expect401(await run({}, {}, { request: `/v1/x?apikey=${KEY}` }), false);
    const r = await run({}, { keyQuery: "apikey" }, { request: `/v1/x?apikey=${KEY}&a=1` });
    expect(r.res.status).toBe(200);
    expect(r.ctx.sent[0]?.query.toString()).toBe("a=1");
  });

  it("refuses a key on a JWT-only route, and a JWT config without issuers", async () => {
    await expect401(await run({ apikey: KEY }, { methods: ["jwt"], issuers: ["corp"] }));
    expect(plugin.schema.safeParse({ methods: ["jwt"] }).success).toBe(false);
    expect(plugin.schema.safeParse({ methods: [] }).success).toBe(false);
    expect(plugin.schema.safeParse({ keyHeader: "bad header" }).success).toBe(false);
  });
});

describe("auth plugin: JWT", () => {
  const jwtConfig = { methods: ["key", "jwt"], issuers: ["corp"] };

  it("maps a valid token's (issuer, subject) to the consumer, with its claims, and hides it", async () => {
    const r = await run({ Authorization: `Bearer ${await token()}` }, jwtConfig);
    expect(r.res.status).toBe(200);
    expect(r.ctx.consumer).toMatchObject({ id: "csm_1", via: "jwt", claims: { sub: "user-1", tier: "gold" } });
    expect(r.ctx.sent[0]?.request.headers.get("authorization")).toBeNull();
    expect(jwksFetches()).toBe(1);
    // the key set is cached: a second request fetches nothing
    expect((await run({ Authorization: `Bearer ${await token()}` }, jwtConfig)).res.status).toBe(200);
    expect(jwksFetches()).toBe(1);
  });

  it.each([
    ["a bad signature", async () => token({}, { key: (await generateKeyPair("RS256")).privateKey })],
    ["the wrong audience", async () => token({}, { aud: "other" })],
    ["an expired token", async () => token({}, { now: Date.now() - 3_600_000 })],
    ["a missing required claim", async () => token({ tier: undefined })],
    ["a required claim with another value", async () => token({ tier: "bronze" })],
    ["no exp", async () => token({}, { noExp: true })],
    ["an unknown issuer", async () => token({}, { iss: "https://evil.example/" })],
    ["a subject that is no consumer", async () => token({}, { sub: "user-2" })],
    [
      "alg none",
      async () => unsignedToken({ iss: ISS, sub: "user-1", aud: "api", tier: "gold", exp: Math.floor(Date.now() / 1000) + 300 }),
    ],
    [
      "HS256 keyed with the issuer's public key (algorithm confusion)",
      async () =>
        new SignJWT({ tier: "gold" })
          .setProtectedHeader({ alg: "HS256", kid: "k1" })
          .setIssuer(ISS)
          .setSubject("user-1")
          .setAudience("api")
          .setExpirationTime("5m")
          .sign(new TextEncoder().encode(await exportSPKI(keys.publicKey))),
    ],
    ["not a JWT at all", async () => "not.a.jwt"],
  ])("refuses %s with 401", async (_what, make) => {
    await expect401(await run({ Authorization: `Bearer ${await make()}` }, jwtConfig));
  });

  it("lets an unmapped subject in with allowUnmapped, as an identity without groups", async () => {
    const t = await token({}, { sub: "user-2" });
    const r = await run({ Authorization: `Bearer ${t}` }, { ...jwtConfig, jwt: { allowUnmapped: true } });
    expect(r.res.status).toBe(200);
    expect(r.ctx.consumer).toMatchObject({ id: "jwt:corp:user-2", username: "user-2", groups: [], via: "jwt" });
  });

  it("refetches the key set for an unknown kid, at most once per floor", async () => {
    const t0 = Date.now();
    expect((await run({ Authorization: `Bearer ${await token({}, { now: t0 })}` }, jwtConfig, { at: t0 })).res.status).toBe(200);
    // the issuer rotates to k2
    const next = await issuerKeys("k2");
    served = [jwk, next.jwk];
    const rotated = await token({}, { kid: "k2", key: next.privateKey, now: t0 });
    // within the floor: made-up or new kids do not make the gateway fetch again
    await expect401(await run({ Authorization: `Bearer ${rotated}` }, jwtConfig, { at: t0 + 1000 }));
    await expect401(await run({ Authorization: `Bearer ${await token({}, { kid: "made-up", now: t0 })}` }, jwtConfig, { at: t0 + 2000 }));
    expect(jwksFetches()).toBe(1);
    // past the floor the unknown kid fetches once more and the rotated key works
    expect((await run({ Authorization: `Bearer ${rotated}` }, jwtConfig, { at: t0 + JWKS_REFETCH_FLOOR_MS + 1 })).res.status).toBe(200);
    expect(jwksFetches()).toBe(2);
  });

  it("answers 503 (not 401, not 500) when the issuer's keys cannot be fetched", async () => {
    net.upstreams.set(JWKS_HOST, () => new Response("down", { status: 500 }));
    const r = await run({ Authorization: `Bearer ${await token()}` }, jwtConfig);
    expect(r.res.status).toBe(503);
    expect(await r.res.json()).toMatchObject({ code: "service_unavailable" });
    expect(r.ctx.sent).toHaveLength(0);
  });

  it("never fetches a JWKS whose host resolves to a private address (SSRF through config)", async () => {
    // a host of its own: DNS verdicts are cached (KV), and login.example.com was public in the other tests
    const host = `keys-${crypto.randomUUID().slice(0, 8)}.example.com`;
    net.zone.set(host, { A: ["10.0.0.5"] });
    net.upstreams.set(host, () => Response.json({ keys: [jwk] }));
    const corp = snapshot.issuers.corp;
    if (!corp) throw new Error("fixture");
    const internal = { ...snapshot, issuers: { corp: { ...corp, jwksUrl: `https://${host}/jwks.json` } } };
    const r = await run({ Authorization: `Bearer ${await token()}` }, jwtConfig, { snapshot: internal });
    expect(r.res.status).toBe(503);
    expect(net.queries).toContain(`${host}/A`);
    expect(net.requests.filter((q) => q.url.includes(host))).toHaveLength(0);
  });
});

describe("auth through the proxy (/gw/<slug>/…)", () => {
  it("a key passes its own workspace's routes only; the upstream never sees it; a revoked key is 401 at once", async () => {
    const one = await gatewayWith([{ name: "auth", config: {} }], { consumers: [{ username: "alice" }] });
    const two = await gatewayWith([{ name: "auth", config: {} }], { consumers: [{ username: "mallory" }] });
    const ok = await gw(one.slug, "/v1/me", { headers: { apikey: one.keys.alice ?? "" } });
    expect(ok.status).toBe(200);
    const echo = (await ok.json()) as { headers: Record<string, string> };
    expect(echo.headers.apikey).toBeUndefined();
    expect(JSON.stringify(echo)).not.toContain(one.keys.alice);
    // mallory's key is live, in the other workspace
    const cross = await gw(one.slug, "/v1/me", { headers: { Authorization: `Bearer ${two.keys.mallory}` } });
    expect(cross.status).toBe(401);
    expect(cross.headers.get("WWW-Authenticate")).toContain("Bearer");
    expect(await cross.json()).toMatchObject({ code: "unauthorized" });
    expect((await gw(one.slug, "/v1/me")).status).toBe(401);
    // revoke alice's key through the admin API: the next request is refused
    const list = await api.ok<{ items: { id: string }[] }>(call("GET", `/workspaces/${one.slug}/consumers/alice/keys`, one.token));
    const keyId = list.items[0]?.id ?? "";
    const revoked = await call("DELETE", `/workspaces/${one.slug}/consumers/alice/keys/${keyId}`, one.token);
    expect(revoked.status).toBeLessThan(300);
    expect((await gw(one.slug, "/v1/me", { headers: { apikey: one.keys.alice ?? "" } })).status).toBe(401);
  });

  it("acl after auth: a consumer outside the allowed group is 403 through the proxy", async () => {
    const ws = await gatewayWith(
      [
        { name: "auth", config: {} },
        { name: "acl", config: { allow: ["partners"] } },
      ],
      {
        consumers: [
          { username: "in", groups: ["partners"] },
          { username: "out", groups: ["others"] },
        ],
      },
    );
    expect((await gw(ws.slug, "/v1/x", { headers: { apikey: ws.keys.in ?? "" } })).status).toBe(200);
    const out = await gw(ws.slug, "/v1/x", { headers: { apikey: ws.keys.out ?? "" } });
    expect(out.status).toBe(403);
    expect(await out.json()).toMatchObject({ code: "forbidden" });
  });
});

describe("JWT through the proxy (/gw/<slug>/…)", () => {
  it("an issuer configured through the admin API: a valid token reaches the upstream as its consumer, a forged one is 401", async () => {
    const ws = await gatewayWith([{ name: "auth", config: { methods: ["jwt"], issuers: ["corp"] } }], {
      extra: {
        issuers: [
          {
            name: "corp",
            issuer: ISS,
            jwksUrl: `https://${JWKS_HOST}/jwks.json`,
            audiences: ["api"],
            requiredClaims: { tier: "gold" },
            algorithms: ["RS256"],
          },
        ],
        consumers: [{ username: "alice", jwt: [{ issuer: "corp", subject: "user-1" }] }],
      },
    });
    const ok = await gw(ws.slug, "/v1/me", { headers: { Authorization: `Bearer ${await token()}` } });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { headers: Record<string, string> }).headers.authorization).toBeUndefined();
    const forged = await token({}, { key: (await generateKeyPair("RS256")).privateKey });
    const bad = await gw(ws.slug, "/v1/me", { headers: { Authorization: `Bearer ${forged}` } });
    expect(bad.status).toBe(401);
    expect(bad.headers.get("WWW-Authenticate")).toContain('error="invalid_token"');
  });
});
