import { ApiError, log } from "@edgeworks/http";
import type { MiddlewareHandler } from "hono";
import { API_KEY_PREFIX } from "./api-key";
import { createTokenVerifier, InvalidTokenError, jwksFromService, type Principal } from "./jwt";
import { type AuthVariables, authenticate, hasScope } from "./middleware";
import { rolesFrom } from "./roles";

/** The bindings a product needs to authenticate callers against the accounts Worker. */
export interface AccountsBindings {
  /** Service binding to accounts: JWKS over fetch, API keys over RPC. */
  ACCOUNTS: Fetcher;
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
  LOG_LEVEL?: string;
}

/** What accounts' `verifyApiKey` RPC answers for a valid key: its owner, its scopes, and the owner's current platform roles. */
export interface VerifiedApiKey {
  userId: string;
  scopes: string[];
  /** The owner's platform roles (sorted) when the key was checked; scopes still limit what the key may do. */
  roles: string[];
}

/** The RPC surface of the accounts Worker's default entrypoint that products use. */
interface AccountsRpc {
  verifyApiKey(key: string): Promise<VerifiedApiKey | null>;
}

// One verifier per isolate: it caches the JWKS and verified tokens, so most requests verify without I/O.
let verifier: ReturnType<typeof createTokenVerifier> | undefined;
const verifierFor = (env: AccountsBindings) =>
  (verifier ??= createTokenVerifier({ loadJwks: jwksFromService(env.ACCOUNTS), issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE }));

/** Asks accounts about an API key over RPC. Any failure (accounts down, no RPC, odd answer) counts as an invalid key: 401, not 500. */
async function verifyApiKeyWithAccounts(env: AccountsBindings, key: string): Promise<Omit<Principal, "method"> | null> {
  try {
    const found = await (env.ACCOUNTS as unknown as AccountsRpc).verifyApiKey(key);
    if (!found || typeof found.userId !== "string" || found.userId === "" || !Array.isArray(found.scopes)) return null;
    return {
      userId: found.userId,
      scopes: found.scopes.filter((s): s is string => typeof s === "string"),
      roles: rolesFrom(found.roles),
    };
  } catch (err) {
    log(env.LOG_LEVEL, "warn", "API key verification failed", { error: err instanceof Error ? err.message : String(err) });
    return null;
  }
}

/**
 * Verifies one credential against accounts, for a product that reads it from its own header scheme
 * (the blog's RealWorld `Token <jwt>`): an access token verified locally (JWKS, cached), or an `ewk_`
 * API key verified over RPC. The principal, or null when the credential is not valid.
 *
 * @example const principal = await verifyWithAccounts(env, credential); if (!principal) throw unauthorized;
 */
export async function verifyWithAccounts(env: AccountsBindings, credential: string): Promise<Principal | null> {
  if (credential.startsWith(API_KEY_PREFIX)) {
    const found = await verifyApiKeyWithAccounts(env, credential);
    return found ? { ...found, method: "api_key" } : null;
  }
  try {
    return await verifierFor(env)(credential);
  } catch (err) {
    if (err instanceof InvalidTokenError) return null;
    throw err;
  }
}

/**
 * The authentication every product uses: a Bearer access token verified locally against accounts'
 * JWKS (fetched over the ACCOUNTS service binding, cached), or an `ewk_` API key verified by accounts
 * over RPC. Puts `{userId, scopes, roles}` in `c.var.auth` (roles: the token's `roles` claim, or the
 * key owner's current roles from accounts), for `requireRole`.
 *
 * @example router.use(authenticateWithAccounts<Env>());
 */
export function authenticateWithAccounts<B extends AccountsBindings>(): MiddlewareHandler<{ Bindings: B; Variables: AuthVariables }> {
  return authenticate<B>({ verifier: verifierFor, verifyApiKey: verifyApiKeyWithAccounts });
}

const isRead = (method: string) => method === "GET" || method === "HEAD";

/**
 * Requires `<product>:read` for GET/HEAD and `<product>:write` for anything else (`*` passes both);
 * 403 otherwise. Goes after an authenticate middleware.
 *
 * @example router.use(authenticateWithAccounts<Env>(), requireMethodScope("todo"));
 */
export function requireMethodScope(product: string): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async function requireMethodScope(c, next) {
    const scope = `${product}:${isRead(c.req.method) ? "read" : "write"}`;
    if (!hasScope(c.var.auth, scope)) throw new ApiError("forbidden", `This credential lacks the "${scope}" scope`);
    return next();
  };
}
