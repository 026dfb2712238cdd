import { createTokenVerifier, type Principal } from "@edgeworks/auth";
import { z } from "@hono/zod-openapi";
import { type CryptoKey, importJWK, type JSONWebKeySet } from "jose";

/** The public half of a signing key, as published in the JWKS. */
export interface PublicJwk {
  kty: "EC";
  crv: "P-256";
  x: string;
  y: string;
  kid: string;
  alg: "ES256";
  use: "sig";
}

/** The loaded `JWT_PRIVATE_KEYS`: the key that signs, and the public keys of all of them. */
export interface SigningKeys {
  signer: { kid: string; key: CryptoKey };
  jwks: { keys: PublicJwk[] };
}

const b64url = z.string().regex(/^[A-Za-z0-9_-]+$/);
const ecJwk = z.object({
  kty: z.literal("EC"),
  crv: z.literal("P-256"),
  x: b64url,
  y: b64url,
  d: b64url.optional(),
  kid: z.string().min(1).max(128),
});
const keyList = z
  .array(ecJwk)
  .min(1)
  .refine((keys) => keys[0]?.d !== undefined, "the first key signs, so it needs its private part (d)")
  .refine((keys) => new Set(keys.map((k) => k.kid)).size === keys.length, "kids must be unique");

/** The error thrown for a misconfigured secret; its message never contains key material. */
export class SigningKeyConfigError extends Error {
  constructor(reason: string) {
    super(`JWT_PRIVATE_KEYS is invalid: ${reason}`);
    this.name = "SigningKeyConfigError";
  }
}

async function parseSigningKeys(secret: string): Promise<SigningKeys> {
  let raw: unknown;
  try {
    raw = JSON.parse(secret);
  } catch {
    throw new SigningKeyConfigError("not JSON (expected an array of EC P-256 private JWKs)");
  }
  const parsed = keyList.safeParse(raw);
  if (!parsed.success) throw new SigningKeyConfigError(parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; "));
  const [first] = parsed.data;
  if (!first) throw new SigningKeyConfigError("empty");
  const key = (await importJWK({ ...first, alg: "ES256" }, "ES256")) as CryptoKey;
  return {
    signer: { kid: first.kid, key },
    jwks: { keys: parsed.data.map(({ x, y, kid }) => ({ kty: "EC", crv: "P-256", x, y, kid, alg: "ES256", use: "sig" })) },
  };
}

// Parsed and imported once per isolate; a new secret value (a deploy after rotation) replaces the cache.
let cached: { secret: string; keys: Promise<SigningKeys> } | undefined;

/**
 * The signing keys from the `JWT_PRIVATE_KEYS` secret: a JSON array of EC P-256 private JWKs with
 * kids. The first signs; the others (retired keys) are only published, so that tokens they signed
 * keep verifying until they expire.
 *
 * @example const { signer, jwks } = await loadSigningKeys(env.JWT_PRIVATE_KEYS);
 */
export function loadSigningKeys(secret: string): Promise<SigningKeys> {
  if (cached?.secret !== secret) {
    const keys = parseSigningKeys(secret);
    cached = { secret, keys };
    // a failed import is retried on the next request instead of being cached forever
    keys.catch(() => {
      if (cached?.keys === keys) cached = undefined;
    });
  }
  return cached.keys;
}

type Verify = (token: string) => Promise<Principal>;
let verifier: { cacheKey: string; verify: Verify } | undefined;

/**
 * The access-token verifier of this Worker: the same one every product uses, fed with our own public
 * keys (no fetch). Built once per isolate and configuration.
 */
export function localVerifier(env: Pick<Env, "JWT_PRIVATE_KEYS" | "JWT_ISSUER" | "JWT_AUDIENCE">): Verify {
  const cacheKey = JSON.stringify([env.JWT_PRIVATE_KEYS, env.JWT_ISSUER, env.JWT_AUDIENCE]);
  if (verifier?.cacheKey !== cacheKey) {
    const loadJwks = async (): Promise<JSONWebKeySet> => (await loadSigningKeys(env.JWT_PRIVATE_KEYS)).jwks;
    verifier = { cacheKey, verify: createTokenVerifier({ loadJwks, issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE }) };
  }
  return verifier.verify;
}
