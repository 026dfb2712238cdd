import { createPublicKey, createSign, createVerify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { deserializeVapidKeys } from "../../workers/chat/node_modules/web-push-browser/build/index.js";
import { generate, jwtPrivateKeys, vapidKeys } from "../keys.mjs";

describe("pnpm keys", () => {
  it("makes JWT_PRIVATE_KEYS as accounts reads it: an array of ES256 private JWKs with kids", () => {
    const keys = JSON.parse(jwtPrivateKeys());
    expect(keys).toHaveLength(1);
    const [key] = keys;
    expect(key).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig" });
    for (const part of ["x", "y", "d"]) expect(key[part]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(key.kid.length).toBeGreaterThan(0);
    // a working key pair: what the private half signs, the public half verifies
    const sig = createSign("SHA256").update("a").sign({ key, format: "jwk" });
    expect(
      createVerify("SHA256")
        .update("a")
        .verify(createPublicKey({ key: { ...key, d: undefined }, format: "jwk" }), sig),
    ).toBe(true);
  });

  it("rotates: the new key first, the current ones kept after it", () => {
    const current = jwtPrivateKeys();
    const rotated = JSON.parse(jwtPrivateKeys(current));
    expect(rotated).toHaveLength(2);
    expect(rotated[1]).toEqual(JSON.parse(current)[0]);
    expect(rotated[0].kid).not.toBe(rotated[1].kid);
  });

  it("makes VAPID keys that chat's deserializeVapidKeys (web-push-browser) imports and can sign with", async () => {
    const { publicKey, privateKey } = vapidKeys();
    expect(Buffer.from(publicKey, "base64url")).toHaveLength(65);
    expect(publicKey).not.toMatch(/[=+/]/);
    const keys = await deserializeVapidKeys({ publicKey, privateKey });
    const alg = { name: "ECDSA", hash: "SHA-256" };
    const data = new TextEncoder().encode("push");
    const sig = await crypto.subtle.sign(alg, keys.privateKey, data);
    expect(await crypto.subtle.verify(alg, keys.publicKey, sig, data)).toBe(true);
  });

  it("groups the values by the Worker that reads them", () => {
    const all = generate();
    expect(Object.keys(all.accounts)).toEqual(["JWT_PRIVATE_KEYS"]);
    expect(Object.keys(all.chat)).toEqual(["VAPID_PUBLIC_KEY", "VAPID_PRIVATE_KEY"]);
    expect(Object.keys(generate(["vapid"]))).toEqual(["chat"]);
  });
});

describe("the VAPID format the docs used to give", () => {
  it("a P-256 private JWK (chat's wrangler.toml said so) is not what deserializeVapidKeys reads", async () => {
    const { publicKey } = vapidKeys();
    const jwk = JSON.stringify(JSON.parse(jwtPrivateKeys())[0]);
    await expect(deserializeVapidKeys({ publicKey, privateKey: jwk })).rejects.toThrow();
  });
});

describe("rotation from the live JWKS", () => {
  it("puts a new private key first and keeps the published public keys after it", () => {
    const old = JSON.parse(jwtPrivateKeys())[0];
    const jwks = JSON.stringify({ keys: [{ kty: "EC", crv: "P-256", x: old.x, y: old.y, kid: old.kid, alg: "ES256", use: "sig" }] });
    const rotated = JSON.parse(jwtPrivateKeys(jwks));
    expect(rotated[0].d).toBeDefined();
    expect(rotated[1]).toMatchObject({ kid: old.kid, x: old.x });
    expect(rotated[1].d).toBeUndefined();
    expect(() => jwtPrivateKeys('"nope"')).toThrow(/--rotate/);
  });
});
