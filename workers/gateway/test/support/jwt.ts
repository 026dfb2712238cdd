// A local JWT issuer for auth tests: a key pair, its JWKS entry and tokens with any claim wrong on purpose.
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";

/** The issuer the tests configure (`iss`), and the host its JWKS is served from (on the fake network). */
export const ISS = "https://login.example.com/";
export const JWKS_HOST = "login.example.com";

export interface IssuerKeys {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** The public key as a JWKS entry (kid, alg RS256). */
  jwk: JWK;
}

/**
 * A fresh RS256 key pair and its JWKS entry.
 *
 * @example const keys = await issuerKeys("k1"); net.upstreams.set(JWKS_HOST, () => Response.json({ keys: [keys.jwk] }));
 */
export async function issuerKeys(kid = "k1"): Promise<IssuerKeys> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  return { privateKey, publicKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" } };
}

export interface TokenOptions {
  kid?: string;
  /** Issued at (epoch ms; default now); it expires 5 minutes later. */
  now?: number;
  iss?: string;
  sub?: string;
  aud?: string;
  /** Leave `exp` out. */
  noExp?: boolean;
}

/**
 * An RS256 token of {@link ISS} for `user-1`, audience `api`, claim `tier: "gold"`; `claims` and `options` change any of it.
 *
 * @example await signToken(keys.privateKey, { tier: undefined }) // lacks the required claim
 */
export function signToken(key: CryptoKey, claims: Record<string, unknown> = {}, options: TokenOptions = {}): Promise<string> {
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  const jwt = new SignJWT({ tier: "gold", ...claims })
    .setProtectedHeader({ alg: "RS256", kid: options.kid ?? "k1" })
    .setIssuer(options.iss ?? ISS)
    .setSubject(options.sub ?? "user-1")
    .setAudience(options.aud ?? "api")
    .setIssuedAt(now);
  if (!options.noExp) jwt.setExpirationTime(now + 300);
  return jwt.sign(key);
}

/** An `alg: none` token (jose will not make one). */
export function unsignedToken(payload: Record<string, unknown>): string {
  const b64 = (v: unknown) => btoa(JSON.stringify(v)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
  return `${b64({ alg: "none", typ: "JWT", kid: "k1" })}.${b64(payload)}.`;
}
