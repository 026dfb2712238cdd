import { type AccountsBindings, type AuthVariables, authenticateWithAccounts, hasScope } from "@edgeworks/auth";
import { ApiError, type AppEnv } from "@edgeworks/http";
import type { Context, MiddlewareHandler } from "hono";
import type { Authenticate, GuardedEnv } from "./define-product";

/** The Hono environment of a route open to anonymous callers: `c.var.auth` is set only when a credential was sent. */
export type OptionalAuthEnv<B extends object> = AppEnv<B, Partial<AuthVariables>>;

/** What {@link authenticateIfPresent} runs once a credential was sent; like the guard, only a Worker bound to accounts may leave out `authenticate`. */
export type OptionalAuthOptions<B extends object> = {
  /** A scope the credential must hold (403 otherwise), e.g. `links:write`; anonymous callers skip it. */
  scope?: string;
} & (B extends AccountsBindings ? { authenticate?: Authenticate<B> } : { authenticate: Authenticate<B> });

/**
 * Optional authentication, for a route that serves anonymous callers too (links' anonymous create):
 * without an `Authorization` header the request goes on with no `c.var.auth`; with one, `authenticate`
 * (default `authenticateWithAccounts`) must accept it (a bad credential is its 401, never a silent
 * anonymous request) and `scope` is checked (403). Mount such routes on `product.open`, which answers
 * before the guard.
 *
 * @example
 * const create = createRouter<OptionalAuthEnv<Env>>();
 * create.on("POST", "/links", authenticateIfPresent<Env>({ scope: "links:write" }));
 * links.open.route("/", create);
 */
export function authenticateIfPresent<B extends object>(options: OptionalAuthOptions<B>): MiddlewareHandler<OptionalAuthEnv<B>> {
  const { scope } = options;
  // the default needs AccountsBindings, which OptionalAuthOptions guarantees whenever `authenticate` is left out
  const authenticate: MiddlewareHandler = options.authenticate ?? authenticateWithAccounts<AccountsBindings>();
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
