// JWT verification with jose against an issuer of the workspace: signature by the issuer's JWKS, the
// issuer's algorithm allow-list (never `none`, never a symmetric alg: a JWKS holds public keys, and HS256
// with a public key as the secret is the classic confusion), audience, expiry, required claims.
import { createLocalJWKSet, decodeJwt, errors, type JWTPayload, jwtVerify } from "jose";
import type { CompiledIssuer } from "../../contract";
import { type JwksDeps, jwksFor } from "./jwks";

/** Asymmetric algorithms a JWKS can verify; anything else in an issuer's list is ignored. */
const ASYMMETRIC = new Set(["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519"]);
/** Leeway for clocks that disagree a little, seconds. */
const CLOCK_TOLERANCE_S = 30;

/** A token that does not prove anything; `reason` is safe to show (no token content). */
export class InvalidToken extends Error {
  override name = "InvalidToken";
}

/**
 * The unverified `iss` of a token (to pick the issuer whose keys verify it), or null when it is not a JWT.
 *
 * @example issuerClaimOf(token) // "https://login.example.com/"
 */
export function issuerClaimOf(token: string): string | null {
  try {
    const iss = decodeJwt(token).iss;
    return typeof iss === "string" ? iss : null;
  } catch {
    return null;
  }
}

function claimMatches(actual: unknown, expected: string | number | boolean | null): boolean {
  if (actual === undefined) return false;
  if (expected === null) return true;
  if (Array.isArray(actual)) return actual.includes(expected);
  if (typeof actual === "string" && typeof expected === "string" && actual.includes(" ")) return actual.split(" ").includes(expected);
  return actual === expected;
}

/**
 * Verifies `token` as one of `issuer`'s: the payload, or {@link InvalidToken}. An unknown `kid` refetches the
 * key set once (within the floor); an unreachable key set is `JwksUnavailable` (from ./jwks).
 *
 * @example const claims = await verifyJwt(token, issuer, { env, exec, now: Date.now() });
 */
export async function verifyJwt(token: string, issuer: CompiledIssuer, deps: JwksDeps): Promise<JWTPayload> {
  const algorithms = issuer.algorithms.filter((a) => ASYMMETRIC.has(a));
  if (algorithms.length === 0) throw new InvalidToken("the issuer allows no usable algorithm");
  const options = {
    issuer: issuer.issuer,
    audience: issuer.audiences.length > 0 ? issuer.audiences : undefined,
    algorithms,
    requiredClaims: ["exp", "sub"],
    clockTolerance: CLOCK_TOLERANCE_S,
    currentDate: new Date(deps.now),
  };
  const attempt = async (unknownKid: boolean) =>
    jwtVerify(token, createLocalJWKSet(await jwksFor(issuer.jwksUrl, deps, unknownKid)), options);
  let payload: JWTPayload;
  try {
    try {
      ({ payload } = await attempt(false));
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      ({ payload } = await attempt(true));
    }
  } catch (error) {
    if (error instanceof errors.JOSEError) throw new InvalidToken(reasonOf(error));
    throw error;
  }
  for (const [name, expected] of Object.entries(issuer.requiredClaims)) {
    if (!claimMatches(payload[name], expected)) throw new InvalidToken(`the token lacks the required claim ${name}`);
  }
  return payload;
}

function reasonOf(error: InstanceType<typeof errors.JOSEError>): string {
  if (error instanceof errors.JWTExpired) return "the token has expired";
  if (error instanceof errors.JWTClaimValidationFailed) return `the token's ${error.claim} claim is not accepted`;
  if (error instanceof errors.JOSEAlgNotAllowed) return "the token's algorithm is not allowed";
  if (error instanceof errors.JWKSNoMatchingKey) return "no key of the issuer matches the token";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "the token's signature is not valid";
  return "the token is not valid";
}
