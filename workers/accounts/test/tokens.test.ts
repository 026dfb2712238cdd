import { SELF } from "cloudflare:test";
import { mintToken, TEST_PRIVATE_JWKS, TEST_PUBLIC_JWKS, tamper, unsignedToken } from "@edgeworks/testing";
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { loadSigningKeys, SigningKeyConfigError } from "../src/keys";
import { call, expectProblem, ORIGIN, register, snapshot } from "./helpers";

describe("GET /auth/.well-known/jwks.json", () => {
  it("publishes the public part of every key, current first, cacheable", async () => {
    const res = await SELF.fetch(`${ORIGIN}/auth/.well-known/jwks.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("public, max-age=300");
    const jwks = (await res.json()) as { keys: Record<string, unknown>[] };
    expect(jwks).toEqual(TEST_PUBLIC_JWKS);
    for (const key of jwks.keys) {
      expect(Object.keys(key).sort()).toEqual(["alg", "crv", "kid", "kty", "use", "x", "y"]);
      expect(key).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig" });
      expect(key.d).toBeUndefined();
    }
  });

  it("verifies the access tokens accounts issues (jose, issuer and audience checked)", async () => {
    const alice = await register();
    const jwks = await (await SELF.fetch(`${ORIGIN}/auth/.well-known/jwks.json`)).json();
    const { payload, protectedHeader } = await jwtVerify(alice.accessToken, createLocalJWKSet(jwks as never), {
      issuer: "edgeworks-accounts",
      audience: "edgeworks",
      algorithms: ["ES256"],
    });
    expect(protectedHeader).toEqual({ alg: "ES256", kid: "test-key-1", typ: "JWT" });
    expect(payload).toEqual({
      iss: "edgeworks-accounts",
      aud: "edgeworks",
      sub: alice.user.id,
      scope: "*",
      sid: alice.sessionId,
      auth_time: expect.any(Number),
      iat: expect.any(Number),
      exp: expect.any(Number),
      jti: expect.any(String),
    });
    expect((payload.exp as number) - (payload.iat as number)).toBe(900);
    // auth_time is the session's start (its login), a moment before the token was signed: the same second, or
    // an earlier one when registration crossed a second boundary
    const sinceLogin = (payload.iat as number) - (payload.auth_time as number);
    expect(sinceLogin).toBeGreaterThanOrEqual(0);
    expect(sinceLogin).toBeLessThan(5);
    expect(Math.abs((payload.iat as number) - Date.now() / 1000)).toBeLessThan(5);
  });
});

describe("signing keys", () => {
  it("a token signed by the second (retired) key still verifies", async () => {
    const alice = await register();
    const token = await mintToken({ sub: alice.user.id, sid: alice.sessionId, keyIndex: 1 });
    expect(decodeProtectedHeader(token).kid).toBe("test-key-2");
    const res = await call("GET", "/me", token);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ user: alice.user });
  });

  it("new tokens are signed by the first key only", async () => {
    const alice = await register();
    expect(decodeProtectedHeader(alice.accessToken).kid).toBe(TEST_PRIVATE_JWKS[0].kid);
  });

  it("parses the secret once per value (cached) and refuses a broken secret without echoing key material", async () => {
    const secret = JSON.stringify(TEST_PRIVATE_JWKS);
    expect(loadSigningKeys(secret)).toBe(loadSigningKeys(secret));
    const retiredWithoutD = JSON.stringify([TEST_PRIVATE_JWKS[0], TEST_PUBLIC_JWKS.keys[1]]);
    expect((await loadSigningKeys(retiredWithoutD)).jwks.keys.map((k) => k.kid)).toEqual(["test-key-1", "test-key-2"]);
    const d = TEST_PRIVATE_JWKS[0].d;
    for (const broken of [
      "not json",
      "[]",
      "{}",
      JSON.stringify([TEST_PUBLIC_JWKS.keys[0]]), // the signer needs d
      JSON.stringify([TEST_PRIVATE_JWKS[0], TEST_PRIVATE_JWKS[0]]), // duplicate kid
      JSON.stringify([{ ...TEST_PRIVATE_JWKS[0], crv: "P-384" }]),
      JSON.stringify([{ kty: "oct", k: d, kid: "hmac" }]),
    ]) {
      const err = await loadSigningKeys(broken).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, broken).toBeInstanceOf(SigningKeyConfigError);
      expect(String((err as Error).message)).not.toContain(d);
    }
  });
});

type Route = { method: string; path: string; body?: unknown };
const AUTHENTICATED: Route[] = [
  { method: "GET", path: "/me" },
  { method: "PATCH", path: "/me", body: { name: "Mallory" } },
  { method: "POST", path: "/logout" },
  { method: "POST", path: "/password", body: { currentPassword: "correct horse battery staple", newPassword: "mallory's password" } },
  { method: "POST", path: "/email/verify/request" },
  { method: "POST", path: "/api-keys", body: { name: "mallory" } },
  { method: "GET", path: "/api-keys" },
  { method: "DELETE", path: "/api-keys/V1StGXR8_Z5jdHi6B-myT" },
];

type Victim = { id: string; sid: string };
const BAD_CREDENTIALS: [string, (v: Victim) => Promise<string | undefined>, string][] = [
  ["no token", async () => undefined, "Authentication required"],
  ["an expired token", (v) => mintToken({ sub: v.id, sid: v.sid, expiresIn: -60 }), "The access token has expired"],
  ["a tampered token", async (v) => tamper(await mintToken({ sub: v.id, sid: v.sid })), "The access token is invalid"],
  ["a token for another audience", (v) => mintToken({ sub: v.id, sid: v.sid, audience: "someone-else" }), "The access token is invalid"],
  [
    "a token from another issuer",
    (v) => mintToken({ sub: v.id, sid: v.sid, issuer: "https://evil.example" }),
    "The access token is invalid",
  ],
  ["alg none", async (v) => unsignedToken(v.id), "The access token is invalid"],
  ["garbage", async () => "not.a.jwt", "The access token is invalid"],
  ["a token without a session", (v) => mintToken({ sub: v.id }), "The session of this access token has ended"],
  [
    "a token for another session id",
    (v) => mintToken({ sub: v.id, sid: "V1StGXR8_Z5jdHi6B-myT" }),
    "The session of this access token has ended",
  ],
  ["an unknown API key", async () => `ewk_AAAAAAAA_${"B".repeat(43)}`, "The API key is invalid or revoked"],
];

describe.each(AUTHENTICATED)("$method /auth/v1$path refuses bad credentials with 401", (route) => {
  it.each(BAD_CREDENTIALS)("%s", async (_, credential, detail) => {
    const alice = await register();
    const token = await credential({ id: alice.user.id, sid: alice.sessionId });
    const before = await snapshot();
    const res = await call(route.method, route.path, token, route.body);
    await expectProblem(res, "unauthorized", detail);
    expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer realm="edgeworks"/);
    expect(await snapshot()).toEqual(before);
  });

  it("a Basic header is 401", async () => {
    const res = await call(route.method, route.path, undefined, route.body, { Authorization: "Basic dXNlcjpwYXNz" });
    await expectProblem(res, "unauthorized", "Use the Bearer scheme");
  });
});

describe("access-token claims are only trusted as signed", () => {
  it("a valid token for one user cannot be re-pointed at another (sub is signed)", async () => {
    const alice = await register();
    const payload = decodeJwt(alice.accessToken);
    expect(payload.sub).toBe(alice.user.id);
    await expectProblem(await call("GET", "/me", tamper(alice.accessToken)), "unauthorized", "The access token is invalid");
  });
});
