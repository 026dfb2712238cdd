import { type AuthVariables, hasScope } from "@edgeworks/auth";
import { ApiError, type AppEnv } from "@edgeworks/http";
import type { Context, MiddlewareHandler } from "hono";
import type { Authenticate, GuardedEnv } from "./define-product";

/** The Hono environment of a route open to anonymous callers: `c.var.auth` is set only when a credential was sent. */
export type OptionalAuthEnv<B extends object> = AppEnv<B, Partial<AuthVariables>>;

/** What {@link authenticateIfPresent} checks once a credential was sent. */
export interface OptionalAuthOptions {
  /** A scope the credential must hold (403 otherwise), e.g. `links:write`; anonymous callers skip it. */
  scope?: string;
}

/**
 * Optional authentication, for a route that serves anonymous callers too (links' anonymous create):
 * without an `Authorization` header the request goes on with no `c.var.auth`; with one, `authenticate`
 * must accept it (a bad credential is its 401, never a silent anonymous request) and `scope` is checked.
 * Mount such routes on `product.open`, which answers before the guard.
 *
 * @example
 * const create = createRouter<OptionalAuthEnv<Env>>();
 * create.on("POST", "/links", authenticateIfPresent(authenticateWithAccounts<Env>(), { scope: "links:write" }));
 * links.open.route("/", create);
 */
export function authenticateIfPresent<B extends object>(
  authenticate: Authenticate<B>,
  { scope }: OptionalAuthOptions = {},
): MiddlewareHandler<OptionalAuthEnv<B>> {
  return async function authenticateIfPresent(c, next) {
    if (c.req.header("Authorization") === undefined) return next();
    // the same request seen as guarded: `authenticate` sets c.var.auth, which is all the two envs differ in
    const guarded = c as unknown as Context<GuardedEnv<B>>;
    return authenticate(guarded, async () => {
      if (scope !== undefined && !hasScope(guarded.var.auth, scope)) {
        throw new ApiError("forbidden", `This credential lacks the "${scope}" scope`);
      }
      await next();
    });
  };
}
