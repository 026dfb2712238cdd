import { createLocalJWKSet, type JSONWebKeySet, errors as joseErrors, jwtVerify } from "jose";
import { directoryUnavailable } from "./directory";
import { rolesFrom } from "./roles";

/** Who is calling: the result of verifying an access token or an API key. */
export interface Principal {
  userId: string;
  scopes: string[];
  /** The refresh-token family (session) the access token came from; absent for API keys. */
  sessionId?: string;
  /**
   * When the user last proved who they are (OIDC `auth_time`, epoch seconds): the login or
   * registration that started the session; a refresh carries it over unchanged. Absent for API keys
   * and for tokens without the claim.
   */
  authTime?: number;
  /**
   * Platform roles (who the user is, e.g. `shop:admin`), from the access token's `roles` claim or, for an
   * API key, from accounts when the key is verified. Granted and revoked through accounts' admin API;
   * scopes still narrow what the credential may do.
   */
  roles?: readonly string[];
  /** How the caller authenticated. */
  method: "jwt" | "api_key";
}

export interface VerifierOptions {
  /** Loads the public keys (e.g. from accounts' `/.well-known/jwks.json` over a service binding). */
  loadJwks: () => Promise<JSONWebKeySet>;
  issuer: string;
  audience: string;
  /** How long fetched keys are trusted before they are fetched again (default 5 minutes). */
  cacheTtlMs?: number;
  /** An unknown `kid` forces a refetch, but at most this often (default 30 s). */
  minRefetchMs?: number;
  /**
   * How many verified tokens to remember per isolate (default 1,000; 0 turns it off). A token is an
   * immutable signed string, so re-verifying the same one on every request only burns CPU; an entry
   * is used only until the token's own `exp` and never longer than the JWKS cache TTL.
   */
  verifiedCacheSize?: number;
  now?: () => number;
}

/** Thrown for any token that does not verify; the middleware maps it to 401. */
export class InvalidTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidTokenError";
  }
}

export const ACCESS_TOKEN_ALGORITHM = "ES256";

/**
 * A verifier for access tokens that keeps the JWKS in memory: fetched once, refreshed after its TTL
 * or when a token names a `kid` we have not seen (key rotation), and never more often than
 * `minRefetchMs`. Only ES256 is accepted, so `alg: none` and HMAC confusion are refused.
 *
 * @example
 * const verify = createTokenVerifier({ loadJwks, issuer: "https://accounts.edgeworks", audience: "edgeworks" });
 * const principal = await verify(token);
 */
export function createTokenVerifier(options: VerifierOptions): (token: string) => Promise<Principal> {
  const ttl = options.cacheTtlMs ?? 5 * 60_000;
  const minRefetch = options.minRefetchMs ?? 30_000;
  const now = options.now ?? Date.now;
  const verified = new Map<string, { principal: Principal; until: number }>();
  const verifiedMax = options.verifiedCacheSize ?? 1000;
  let cached: { keys: ReturnType<typeof createLocalJWKSet>; kids: Set<string>; at: number } | undefined;
  let inflight: Promise<NonNullable<typeof cached>> | undefined;

  const refresh = () => {
    inflight ??= options
      .loadJwks()
      .then((jwks) => {
        cached = { keys: createLocalJWKSet(jwks), kids: new Set(jwks.keys.map((k) => k.kid ?? "")), at: now() };
        return cached;
      })
      .finally(() => {
        inflight = undefined;
      });
    return inflight;
  };

  const keysFor = async (kid: string | undefined) => {
    if (!cached || now() - cached.at > ttl) return refresh();
    if (kid && !cached.kids.has(kid) && now() - cached.at > minRefetch) return refresh();
    return cached;
  };

  const remember = (token: string, principal: Principal, exp: number) => {
    if (verifiedMax === 0) return;
    if (verified.size >= verifiedMax) verified.delete(verified.keys().next().value as string); // oldest first
    verified.set(token, { principal, until: Math.min(exp * 1000, now() + ttl) });
  };

  return async function verifyAccessToken(token: string): Promise<Principal> {
    const hit = verified.get(token);
    if (hit) {
      if (now() < hit.until) return hit.principal;
      verified.delete(token);
    }
    const kid = peekKid(token);
    const { keys } = await keysFor(kid);
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        requiredClaims: ["sub", "exp", "iat"],
        currentDate: new Date(now()),
      });
      if (typeof payload.sub !== "string" || payload.sub === "") throw new InvalidTokenError("Token has no subject");
      const scope = typeof payload.scope === "string" ? payload.scope : "";
      const principal: Principal = Object.freeze({
        userId: payload.sub,
        scopes: Object.freeze(scope.split(" ").filter(Boolean)) as string[],
        sessionId: typeof payload.sid === "string" ? payload.sid : undefined,
        authTime: typeof payload.auth_time === "number" && Number.isInteger(payload.auth_time) ? payload.auth_time : undefined,
        roles: rolesFrom(payload.roles),
        method: "jwt" as const,
      });
      remember(token, principal, payload.exp as number);
      return principal;
    } catch (err) {
      if (err instanceof InvalidTokenError) throw err;
      if (err instanceof joseErrors.JWTExpired) throw new InvalidTokenError("The access token has expired");
      if (err instanceof joseErrors.JOSEError) throw new InvalidTokenError("The access token is invalid");
      throw err;
    }
  };
}

function peekKid(token: string): string | undefined {
  const header = token.split(".")[0];
  if (!header) return undefined;
  try {
    const parsed = JSON.parse(atob(header.replaceAll("-", "+").replaceAll("_", "/"))) as { kid?: unknown };
    return typeof parsed.kid === "string" ? parsed.kid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Loads the JWKS from the accounts Worker through a service binding (no public network hop).
 *
 * @example loadJwks: jwksFromService(env.ACCOUNTS)
 */
export function jwksFromService(service: Fetcher, path = "/auth/.well-known/jwks.json"): () => Promise<JSONWebKeySet> {
  return async () => {
    // accounts unreachable or failing while no keys are cached: a 503 with Retry-After (the client retries), not a 500
    const res = await service.fetch(`https://accounts.internal${path}`).catch(() => null);
    if (!res?.ok) throw directoryUnavailable();
    try {
      return (await res.json()) as JSONWebKeySet;
    } catch {
      throw directoryUnavailable();
    }
  };
}
