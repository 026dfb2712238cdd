import { ApiError } from "@edgeworks/http";
import type { MiddlewareHandler } from "hono";
import { API_KEY_PREFIX } from "./api-key";
import { InvalidTokenError, type Principal } from "./jwt";
import { PLATFORM_ADMIN } from "./roles";

/** Context variables set by `authenticate`. */
export type AuthVariables = { auth: Principal };

export interface AuthenticateOptions<B extends object> {
  /** Returns the token verifier for these bindings (build it once per isolate and cache it). */
  verifier: (env: B) => (token: string) => Promise<Principal>;
  /** Verifies an API key (`ewk_…`); without it API keys are refused. */
  verifyApiKey?: (env: B, key: string) => Promise<Omit<Principal, "method"> | null>;
}

const challenge = (error: string, description: string) =>
  new ApiError("unauthorized", description, {
    headers: { "WWW-Authenticate": `Bearer realm="edgeworks", error="${error}", error_description="${description}"` },
  });

/**
 * Requires `Authorization: Bearer <access token or API key>` and puts the caller's `{userId, scopes}`
 * in `c.var.auth`. Anything missing, malformed, expired, tampered or for another audience is 401.
 *
 * @example app.use("/todo/v1/*", authenticate({ verifier: (env) => verifierFor(env) }));
 */
export function authenticate<B extends object>(
  options: AuthenticateOptions<B>,
): MiddlewareHandler<{ Bindings: B; Variables: AuthVariables }> {
  return async function authenticate(c, next) {
    const header = c.req.header("Authorization");
    if (!header) throw challenge("invalid_request", "Authentication required");
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/i.exec(header.trim());
    if (!match?.[1]) throw challenge("invalid_request", "Use the Bearer scheme");
    const credential = match[1];
    if (credential.startsWith(API_KEY_PREFIX)) {
      const found = options.verifyApiKey ? await options.verifyApiKey(c.env, credential) : null;
      if (!found) throw challenge("invalid_token", "The API key is invalid or revoked");
      c.set("auth", { ...found, method: "api_key" });
      return next();
    }
    try {
      c.set("auth", await options.verifier(c.env)(credential));
    } catch (err) {
      if (err instanceof InvalidTokenError) throw challenge("invalid_token", err.message);
      throw err;
    }
    return next();
  };
}

/** True when the principal holds `scope` (or the all-access `*`). */
export const hasScope = (principal: Principal, scope: string): boolean =>
  principal.scopes.includes("*") || principal.scopes.includes(scope);

/**
 * Requires a scope on top of `authenticate`: 403 when the caller lacks it.
 *
 * @example router.use("/todos/*", requireScope("todo:write"));
 */
export function requireScope(scope: string): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async function requireScope(c, next) {
    if (!hasScope(c.var.auth, scope)) throw new ApiError("forbidden", `This credential lacks the "${scope}" scope`);
    return next();
  };
}

/** True when the principal holds the platform role `role` (e.g. `shop:admin`) or `platform:admin`. */
export const hasRole = (principal: Principal, role: string): boolean =>
  principal.roles?.includes(role) === true || principal.roles?.includes(PLATFORM_ADMIN) === true;

/**
 * Requires a platform role on top of `authenticate`: 403 when the caller lacks it. Roles say who the
 * user is (granted through accounts' admin API); scopes still narrow what the credential may do.
 *
 * @example router.use("/admin/*", requireRole("shop:admin"));
 */
export function requireRole(role: string): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async function requireRole(c, next) {
    if (!hasRole(c.var.auth, role)) throw new ApiError("forbidden", `This action needs the "${role}" role`);
    return next();
  };
}
