import { createApp } from "@edgeworks/http";
import { mintToken, TEST_AUDIENCE, TEST_ISSUER, TEST_PUBLIC_JWKS, tamper, unsignedToken } from "@edgeworks/testing";
import type { JSONWebKeySet } from "jose";
import { describe, expect, it } from "vitest";
import { type AuthVariables, authenticate, createTokenVerifier, InvalidTokenError, jwksFromService, requireScope } from "../src";

const counting = (jwks: JSONWebKeySet) => {
  const calls = { n: 0 };
  return {
    calls,
    loadJwks: async () => {
      calls.n++;
      return jwks;
    },
  };
};

describe("createTokenVerifier", () => {
  const { loadJwks } = counting(TEST_PUBLIC_JWKS);
  const verify = createTokenVerifier({ loadJwks, issuer: TEST_ISSUER, audience: TEST_AUDIENCE });

  it("accepts a good token and returns the principal", async () => {
    const token = await mintToken({ sub: "u_1", scope: "todo:read todo:write", sid: "fam_1" });
    expect(await verify(token)).toEqual({
      userId: "u_1",
      scopes: ["todo:read", "todo:write"],
      sessionId: "fam_1",
      roles: [],
      method: "jwt",
    });
  });

  it("carries the auth_time claim (when the user last logged in) as authTime; a malformed one is left out", async () => {
    const token = await mintToken({ sub: "u_2", sid: "fam_2", extra: { auth_time: 1_700_000_000 } });
    expect((await verify(token)).authTime).toBe(1_700_000_000);
    expect((await verify(await mintToken({ extra: { auth_time: "yesterday" } }))).authTime).toBeUndefined();
  });

  it.each([
    ["expired", () => mintToken({ expiresIn: -5 }), "The access token has expired"],
    ["wrong audience", () => mintToken({ audience: "someone-else" }), "The access token is invalid"],
    ["wrong issuer", () => mintToken({ issuer: "evil" }), "The access token is invalid"],
    ["tampered", async () => tamper(await mintToken()), "The access token is invalid"],
    ["alg none", async () => unsignedToken(), "The access token is invalid"],
    ["not a JWT", async () => "abc.def", "The access token is invalid"],
  ])("refuses a token that is %s", async (_label, make, message) => {
    await expect(verify(await make())).rejects.toThrow(new InvalidTokenError(message));
  });

  it("fetches the JWKS once and caches it", async () => {
    const src = counting(TEST_PUBLIC_JWKS);
    const v = createTokenVerifier({ loadJwks: src.loadJwks, issuer: TEST_ISSUER, audience: TEST_AUDIENCE });
    await Promise.all([v(await mintToken()), v(await mintToken()), v(await mintToken())]);
    expect(src.calls.n).toBe(1);
  });

  it("refetches for an unknown kid (rotation), but not more often than allowed", async () => {
    let now = 1_000_000_000_000;
    const firstKeyOnly = { keys: [TEST_PUBLIC_JWKS.keys[0]] } as JSONWebKeySet;
    let served = firstKeyOnly;
    const calls = { n: 0 };
    const v = createTokenVerifier({
      loadJwks: async () => {
        calls.n++;
        return served;
      },
      issuer: TEST_ISSUER,
      audience: TEST_AUDIENCE,
      minRefetchMs: 30_000,
      now: () => now,
    });
    const realNow = Date.now;
    Date.now = () => now; // tokens are minted against the same fake clock
    try {
      await v(await mintToken({ keyIndex: 0 }));
      served = TEST_PUBLIC_JWKS as JSONWebKeySet; // a new key is published
      await expect(v(await mintToken({ keyIndex: 1 }))).rejects.toThrow(InvalidTokenError); // too soon to refetch
      expect(calls.n).toBe(1);
      now += 31_000;
      await expect(v(await mintToken({ keyIndex: 1 }))).resolves.toMatchObject({ userId: "user_test" });
      expect(calls.n).toBe(2);
    } finally {
      Date.now = realNow;
    }
  });
});

describe("authenticate middleware", () => {
  const verify = createTokenVerifier({ loadJwks: async () => TEST_PUBLIC_JWKS, issuer: TEST_ISSUER, audience: TEST_AUDIENCE });
  const app = createApp<{ Bindings: object; Variables: { requestId: string } & AuthVariables }>();
  app.use(
    "/private/*",
    authenticate({
      verifier: () => verify,
      verifyApiKey: async (_env, key) => (key.endsWith("good".padEnd(43, "g")) ? { userId: "u_key", scopes: ["todo:read"] } : null),
    }),
  );
  app.get("/private/me", (c) => c.json(c.var.auth));
  app.get("/private/write", requireScope("todo:write"), (c) => c.json({ ok: true }));

  it("puts the principal in the context", async () => {
    const res = await app.request("/private/me", { headers: { Authorization: `Bearer ${await mintToken({ sub: "u_9" })}` } });
    expect(await res.json()).toMatchObject({ userId: "u_9", scopes: ["*"], method: "jwt" });
  });

  it.each([
    ["no header", undefined],
    ["another scheme", "Basic dXNlcjpwYXNz"],
    ["an empty bearer", "Bearer "],
    ["alg none", `Bearer ${unsignedToken()}`],
    ["an unknown API key", `Bearer ewk_abcdefgh_${"x".repeat(43)}`],
  ])("answers 401 with a challenge for %s", async (_label, header) => {
    const res = await app.request("/private/me", { headers: header ? { Authorization: header } : {} });
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer realm="edgeworks"/);
    expect(await res.json()).toMatchObject({ status: 401, code: "unauthorized" });
  });

  it("accepts a valid API key and enforces its scopes", async () => {
    const key = `Bearer ewk_abcdefgh_${"good".padEnd(43, "g")}`;
    expect(await (await app.request("/private/me", { headers: { Authorization: key } })).json()).toMatchObject({
      userId: "u_key",
      method: "api_key",
    });
    const res = await app.request("/private/write", { headers: { Authorization: key } });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: "forbidden", detail: 'This credential lacks the "todo:write" scope' });
  });
});

describe("verified-token cache", () => {
  it("verifies a token once, then answers from memory until the token expires", async () => {
    let now = Date.now();
    const src = counting(TEST_PUBLIC_JWKS);
    const v = createTokenVerifier({ loadJwks: src.loadJwks, issuer: TEST_ISSUER, audience: TEST_AUDIENCE, now: () => now });
    const token = await mintToken({ sub: "u_c", expiresIn: 60 });
    const first = await v(token);
    expect(await v(token)).toBe(first); // the same frozen object: no second verification
    now += 61_000; // past exp: the cache must not outlive the token
    await expect(v(token)).rejects.toThrow("The access token has expired");
  });

  it("never caches a refusal", async () => {
    const v = createTokenVerifier({ loadJwks: async () => TEST_PUBLIC_JWKS, issuer: TEST_ISSUER, audience: TEST_AUDIENCE });
    const bad = tamper(await mintToken());
    await expect(v(bad)).rejects.toThrow(InvalidTokenError);
    await expect(v(bad)).rejects.toThrow(InvalidTokenError);
  });

  it("evicts the oldest entry when full", async () => {
    const v = createTokenVerifier({
      loadJwks: async () => TEST_PUBLIC_JWKS,
      issuer: TEST_ISSUER,
      audience: TEST_AUDIENCE,
      verifiedCacheSize: 2,
    });
    const [a, b, c] = await Promise.all([mintToken({ sub: "a" }), mintToken({ sub: "b" }), mintToken({ sub: "c" })]);
    const pa = await v(a);
    await v(b);
    await v(c); // evicts a
    expect(await v(a)).not.toBe(pa);
    expect(await v(a)).toEqual(pa);
  });

  it("returns principals that callers cannot mutate", async () => {
    const v = createTokenVerifier({ loadJwks: async () => TEST_PUBLIC_JWKS, issuer: TEST_ISSUER, audience: TEST_AUDIENCE });
    const p = await v(await mintToken({ scope: "todo:read" }));
    expect(() => p.scopes.push("*")).toThrow(TypeError);
  });
});

describe("jwksFromService (accounts' keys over the service binding)", () => {
  const app = (service: Fetcher) => {
    const a = createApp<{ Bindings: object; Variables: AuthVariables }>();
    const verifier = createTokenVerifier({ loadJwks: jwksFromService(service), issuer: TEST_ISSUER, audience: TEST_AUDIENCE });
    a.use("/p/*", authenticate({ verifier: () => verifier }));
    a.get("/p/me", (c) => c.json({ userId: c.var.auth.userId }));
    return a;
  };
  const fetcher = (answer: () => Promise<Response>) => ({ fetch: answer }) as unknown as Fetcher;

  it.each([
    ["refuses the connection", () => Promise.reject(new Error("connection refused"))],
    ["answers 500", async () => new Response("boom", { status: 500 })],
    ["answers something that is not JSON", async () => new Response("<html>", { status: 200 })],
  ])("accounts that %s makes a 503 with Retry-After, not a 500", async (_, answer) => {
    const res = await app(fetcher(answer)).request("/p/me", { headers: { Authorization: `Bearer ${await mintToken()}` } });
    expect(res.status).toBe(503);
    expect(res.headers.get("Retry-After")).toMatch(/^\d+$/);
    expect(await res.json()).toMatchObject({ code: "service_unavailable" });
  });

  it("verifies a token with the keys accounts serves", async () => {
    const res = await app(fetcher(async () => Response.json(TEST_PUBLIC_JWKS))).request("/p/me", {
      headers: { Authorization: `Bearer ${await mintToken({ sub: "user_k" })}` },
    });
    expect(await res.json()).toEqual({ userId: "user_k" });
  });
});
