import { SignJWT } from "jose";
import { nanoid } from "nanoid";
import type { SigningKeys } from "./keys";

/** Access tokens live 15 minutes; the response's `expiresIn` says so in seconds. */
export const ACCESS_TOKEN_TTL_SECONDS = 900;

/** Who signs tokens and for whom (`iss`/`aud` from the Worker's vars). */
export interface TokenIssuer {
  keys: SigningKeys;
  issuer: string;
  audience: string;
}

/**
 * Signs an ES256 access token with the current signing key: `kid` in the header; `sub`, `sid` (the
 * session, i.e. refresh-token family), `auth_time` (OIDC: when the user logged in, i.e. when the
 * session started; a refresh does not renew it), `scope`, `iat`, `exp`, `jti` in the payload.
 *
 * @example const token = await signAccessToken(issuer, { userId, sessionId, authTimeMs: session.createdAt }, Date.now());
 */
export async function signAccessToken(
  { keys, issuer, audience }: TokenIssuer,
  subject: { userId: string; sessionId: string; authTimeMs: number },
  nowMs: number,
): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  return new SignJWT({ scope: "*", sid: subject.sessionId, auth_time: Math.floor(subject.authTimeMs / 1000) })
    .setProtectedHeader({ alg: "ES256", kid: keys.signer.kid, typ: "JWT" })
    .setIssuer(issuer)
    .setAudience(audience)
    .setSubject(subject.userId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ACCESS_TOKEN_TTL_SECONDS)
    .setJti(nanoid())
    .sign(keys.signer.key);
}
