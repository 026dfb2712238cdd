import { authenticate, InvalidTokenError, PLATFORM_ADMIN, type Principal, passwordIterations } from "@edgeworks/auth";
import { ApiError, log } from "@edgeworks/http";
import { drainMailLater } from "@edgeworks/mail";
import { defineProduct, type GuardedEnv } from "@edgeworks/product";
import { drizzle } from "drizzle-orm/d1";
import type { Context, MiddlewareHandler } from "hono";
import { verifyApiKey } from "./api-keys.service";
import type { MailDeps, ServiceDeps, SessionDeps } from "./deps";
import { loadSigningKeys, localVerifier } from "./keys";
import { adminEmailsOf } from "./roles";
import { rolesOf } from "./roles.service";
import { isSessionLive } from "./sessions.service";

/** The Hono environment of the accounts routers: the bindings plus the caller, set by `requireAuth` where a route needs one. */
export type AccountsEnv = GuardedEnv<Env>;
type Ctx = Context<AccountsEnv>;

/**
 * The identity provider: health at `/auth/health`, docs at `/auth/docs`, the JWKS at the root of its prefix.
 * No guard on `/auth/v1`: most of it is public (register, login, refresh, reset), and the rest
 * authenticates per route with `requireAuth`, which knows sessions (products only verify tokens).
 */
export const accounts = defineProduct<Env>({
  prefix: "/auth",
  title: "Edgeworks Accounts API",
  version: "1.0.0",
  description:
    "Identity for every Edgeworks product: accounts, sessions (15-minute ES256 access tokens and rotating 30-day refresh tokens), " +
    "email verification, password reset, API keys and platform roles (a `roles` claim; the admin API under `/auth/v1/admin`). Verify access tokens with the keys at `/auth/.well-known/jwks.json`. " +
    "Errors are `application/problem+json` (RFC 9457).",
  guard: false,
  health: { tag: "Meta", summary: "Liveness" },
});

/** Runs `work` after the response (waitUntil); a failure is logged with the request id, never lost silently. */
export function afterResponse(c: Ctx, work: Promise<unknown>, what = "background work"): void {
  c.executionCtx.waitUntil(
    work.catch((err: unknown) =>
      log(c.env.LOG_LEVEL, "error", `${what} failed`, {
        requestId: c.get("requestId"),
        error: err instanceof Error ? { name: err.name, message: err.message } : String(err),
      }),
    ),
  );
}

/** The explicit dependencies of the services, built from a request's bindings. */
export function serviceDeps(c: Ctx): ServiceDeps {
  return {
    db: drizzle(c.env.DB),
    now: Date.now,
    defer: (work) => afterResponse(c, work),
    passwordIterations: passwordIterations(c.env.PASSWORD_PBKDF2_ITERATIONS),
    adminEmails: adminEmailsOf(c.env.ADMIN_EMAILS),
  };
}

/**
 * The origin that links in emails point at: `PUBLIC_ORIGIN` when set (trailing slashes dropped),
 * otherwise the origin of the request. That is the public one: the front door forwards the URL the
 * client called, and the blog calls over its service binding with its own public origin (never
 * `https://accounts.internal`, which no mail reader can open).
 *
 * @example emailOrigin({ PUBLIC_ORIGIN: "" }, "http://127.0.0.1:8787/auth/v1/register") // "http://127.0.0.1:8787"
 */
export function emailOrigin(env: { PUBLIC_ORIGIN?: string }, requestUrl: string): string {
  let configured = env.PUBLIC_ORIGIN?.trim() ?? "";
  while (configured.endsWith("/")) configured = configured.slice(0, -1);
  return configured === "" ? new URL(requestUrl).origin : configured;
}

/** Dependencies of the routes that send email (links point at `emailOrigin`). */
export const mailDeps = (c: Ctx): MailDeps => ({
  ...serviceDeps(c),
  origin: emailOrigin(c.env, c.req.url),
  sendMail: () => drainMailLater(c.env, c.executionCtx),
});

/** Dependencies of the routes that issue sessions: the signing keys too. */
export async function sessionDeps(c: Ctx): Promise<SessionDeps & MailDeps> {
  const keys = await loadSigningKeys(c.env.JWT_PRIVATE_KEYS);
  return { ...mailDeps(c), tokens: { keys, issuer: c.env.JWT_ISSUER, audience: c.env.JWT_AUDIENCE } };
}

/**
 * Authenticates with an access token or an API key. Unlike other products, accounts knows its
 * sessions, so an access token whose session was logged out or revoked is refused at once here
 * (elsewhere it lives out its 15 minutes).
 */
export const requireAuth: MiddlewareHandler<AccountsEnv> = async function requireAuth(c, next) {
  const deps = serviceDeps(c);
  const verifyToken = async (token: string): Promise<Principal> => {
    const principal = await localVerifier(c.env)(token);
    if (principal.sessionId === undefined || !(await isSessionLive(deps.db, principal.userId, principal.sessionId))) {
      throw new InvalidTokenError("The session of this access token has ended");
    }
    return principal;
  };
  // typed for any env, like the product guard's default: it reads only c.env and sets c.var.auth, both in AccountsEnv
  const middleware: MiddlewareHandler = authenticate<Env>({
    verifier: () => verifyToken,
    verifyApiKey: (_env, key) => verifyApiKey(deps, key),
  });
  return middleware(c, next);
};

/**
 * The live session of the access token in the Authorization header, if one is sent, for a route that
 * does not require authentication (email verification keeps the verifier's own session). An invalid
 * credential is 401, as everywhere; an API key (which has no session) is 403.
 */
export async function optionalSession(c: Ctx): Promise<{ userId: string; sessionId: string } | undefined> {
  if (c.req.header("Authorization") === undefined) return undefined;
  let caller: { userId: string; sessionId: string } | undefined;
  await requireAuth(c, async () => {
    caller = { userId: c.var.auth.userId, sessionId: callerSession(c) };
  });
  return caller;
}

/** For actions that only a person in a session may take (managing API keys, passwords): API keys get 403. */
export const requireSession: MiddlewareHandler<AccountsEnv> = async function requireSession(c, next) {
  if (c.var.auth.method !== "jwt") throw new ApiError("forbidden", "This action needs an access token from a session, not an API key");
  return next();
};

/** The caller's session id (set for access tokens, which `requireSession` guarantees). */
export const callerSession = (c: Ctx): string => {
  const sid = c.var.auth.sessionId;
  if (sid === undefined) throw new ApiError("forbidden", "This action needs an access token from a session, not an API key");
  return sid;
};

/**
 * For the admin API: the caller must hold `platform:admin` in accounts' database now. The token's
 * `roles` claim is not trusted here: accounts knows the truth, so a revoke refuses the next request.
 */
export const requirePlatformAdmin: MiddlewareHandler<AccountsEnv> = async function requirePlatformAdmin(c, next) {
  const roles = await rolesOf(serviceDeps(c).db, c.var.auth.userId);
  if (!roles.includes(PLATFORM_ADMIN)) throw new ApiError("forbidden", `This action needs the "${PLATFORM_ADMIN}" role`);
  return next();
};
