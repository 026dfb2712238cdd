import { SignJWT } from "jose";
import { nanoid } from "nanoid";
import type { SigningKeys } from "./keys";

/** Access tokens live 15 minutes; the response's `expiresIn` says so in seconds. */
export const ACCESS_TOKEN_TTL_SECONDS = 900;
/**
 * A token that carries roles lives 5 minutes: products verify tokens locally, so a revoked role stays
 * in a token already issued until it expires. Roles are re-read at every refresh, so this bounds how
 * long a revoked admin keeps acting as one elsewhere (accounts itself checks roles in its database).
 */
export const ROLE_TOKEN_TTL_SECONDS = 300;

/** How long a token with these roles lives. */
export const accessTokenTtl = (roles: readonly string[]): number => (roles.length > 0 ? ROLE_TOKEN_TTL_SECONDS : ACCESS_TOKEN_TTL_SECONDS);

/** Who signs tokens and for whom (`iss`/`aud` from the Worker's vars). */
export interface TokenIssuer {
  keys: SigningKeys;
  issuer: string;
  audience: string;
}

/**
 * Signs an ES256 access token with the current signing key: `kid` in the header; `sub`, `sid` (the
 * session, i.e. refresh-token family), `auth_time` (OIDC: when the user logged in, i.e. when the
 * session started; a refresh does not renew it), `scope`, `roles` (the user's platform roles, sorted;
 * omitted when there are none), `iat`, `exp`, `jti` in the payload. With roles it lives
 * {@link ROLE_TOKEN_TTL_SECONDS}, else {@link ACCESS_TOKEN_TTL_SECONDS}.
 *
 * @example const token = await signAccessToken(issuer, { userId, sessionId, authTimeMs: session.createdAt, roles: [] }, Date.now());
 */
export async function signAccessToken(
  { keys, issuer, audience }: TokenIssuer,
  subject: { userId: string; sessionId: string; authTimeMs: number; roles: readonly string[] },
  nowMs: number,
): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  const roles = [...subject.roles].sort();
  return new SignJWT({
    scope: "*",
    sid: subject.sessionId,
    auth_time: Math.floor(subject.authTimeMs / 1000),
    ...(roles.length > 0 ? { roles } : {}),
  })
    .setProtectedHeader({ alg: "ES256", kid: keys.signer.kid, typ: "JWT" })
    .setIssuer(issuer)
    .setAudience(audience)
    .setSubject(subject.userId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + accessTokenTtl(roles))
    .setJti(nanoid())
    .sign(keys.signer.key);
}
