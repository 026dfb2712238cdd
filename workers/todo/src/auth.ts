import { type AuthVariables, authenticate, createTokenVerifier, hasScope, jwksFromService, type Principal } from "@edgeworks/auth";
import { ApiError, log } from "@edgeworks/http";
import { rateLimit } from "@edgeworks/ratelimit";
import type { Context, MiddlewareHandler } from "hono";
import type { TodoEnv } from "./env";

/** The RPC surface of the accounts Worker's default entrypoint that this Worker uses. */
interface AccountsRpc {
  verifyApiKey(key: string): Promise<{ userId: string; scopes: string[] } | null>;
}

// One verifier per isolate: it caches the JWKS, so a request verifies its token without a fetch.
let verifier: ReturnType<typeof createTokenVerifier> | undefined;
const verifierFor = (env: Env) =>
  (verifier ??= createTokenVerifier({ loadJwks: jwksFromService(env.ACCOUNTS), issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE }));

/** Asks accounts about an API key over RPC. Any failure (accounts down, no RPC) counts as an invalid key: 401, not 500. */
async function verifyApiKey(env: Env, key: string): Promise<Omit<Principal, "method"> | null> {
  try {
    const found = await (env.ACCOUNTS as unknown as AccountsRpc).verifyApiKey(key);
    if (!found || typeof found.userId !== "string" || found.userId === "" || !Array.isArray(found.scopes)) return null;
    return { userId: found.userId, scopes: found.scopes.filter((s): s is string => typeof s === "string") };
  } catch (err) {
    log(env.LOG_LEVEL, "warn", "API key verification failed", { error: err instanceof Error ? err.message : String(err) });
    return null;
  }
}

const READ_METHODS = new Set(["GET", "HEAD"]);
const isRead = (method: string) => READ_METHODS.has(method);

/** Authentication: a Bearer access token (verified locally) or an `ewk_` API key (verified by accounts). */
export const authenticateCaller = authenticate<Env>({ verifier: verifierFor, verifyApiKey });

/** The scope for the method: reads need `todo:read`, writes `todo:write` (`*` passes both). */
export const requireTodoScope: MiddlewareHandler<TodoEnv> = async function requireTodoScope(c, next) {
  const scope = isRead(c.req.method) ? "todo:read" : "todo:write";
  if (!hasScope(c.var.auth, scope)) throw new ApiError("forbidden", `This credential lacks the "${scope}" scope`);
  return next();
};

/** Writes per user per minute (`WRITE_RATE_LIMIT_PER_MINUTE`): generous for people and scripts, a ceiling for runaway clients. */
export const DEFAULT_WRITES_PER_MINUTE = 600;
const writesPerMinute = (env: Env) => {
  const n = Number(env.WRITE_RATE_LIMIT_PER_MINUTE);
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_WRITES_PER_MINUTE;
};

// built on first use, because the limit comes from the environment
let writeLimiter: MiddlewareHandler<{ Bindings: Env }> | undefined;

/** The per-user write rate limit (reads are not limited), with `RateLimit-*` headers and 429 past it. */
export const limitWrites: MiddlewareHandler<TodoEnv> = async function limitWrites(c, next) {
  writeLimiter ??= rateLimit<Env>({
    name: "todo-write",
    policy: { limit: writesPerMinute(c.env), periodMs: 60_000 },
    binding: (env) => env.RATE_LIMITER,
    key: (ctx) => (isRead(ctx.req.method) ? null : ((ctx.var as Partial<AuthVariables>).auth?.userId ?? null)),
  });
  return writeLimiter(c as unknown as Context<{ Bindings: Env }>, next);
};
