import { hasScope, type Principal, verifyWithAccounts } from "@edgeworks/auth";
import { type AppEnv, DEFAULT_BODY_LIMIT } from "@edgeworks/http";
import { defineProduct } from "@edgeworks/product";
import { consumeRateLimit, throwIfLimited } from "@edgeworks/ratelimit";
import type { MiddlewareHandler } from "hono";
import { getAccountUsers } from "./accounts";
import { AVATAR_MAX_BYTES } from "./avatars.service";
import { blogDb } from "./db";
import { ensureProfile, findProfileByUserId } from "./profiles.service";

/** Who is calling, with the credential they presented (returned as `user.token` by `GET /api/user`). */
export interface Viewer extends Principal {
  token: string;
}

/** Context variables: the viewer when a credential was given (optional on public RealWorld routes). */
export type BlogVariables = { viewer?: Viewer };

/** The Hono environment of this Worker's routers: generated bindings plus the (optional) viewer. */
export type BlogEnv = AppEnv<Env, BlogVariables>;

/** The viewer of a route that required authentication (the middleware guarantees it). */
export const viewerOf = (c: { var: BlogVariables }): Viewer => {
  const viewer = c.var.viewer;
  if (!viewer) throw new Error("route requires authentication but no viewer was set");
  return viewer;
};

/**
 * The blog: health at `/blog/health`, docs at `/blog/docs`. No guard on `/blog/v1`: like the RealWorld
 * routes under `/blog/api`, each route authenticates itself (`authenticate` below), because reads are
 * public with an optional viewer and RealWorld clients send `Token <jwt>`. Its routers go on `blog.open`.
 */
export const blog = defineProduct<Env>({
  prefix: "/blog",
  title: "Blog API",
  version: "1.0.0",
  description:
    'A RealWorld (Conduit) compatible blog. `/blog/api/...` is the RealWorld API exactly (errors `{"errors": {field: [message]}}`); ' +
    "accounts are Edgeworks accounts (workers/accounts), so one login works in every product. `/blog/v1/...` adds drafts, " +
    "scheduled publishing, categories, full-text search, likes, RSS/Atom feeds and avatars (errors: problem+json).",
  guard: false,
  // 2 MiB for avatar uploads; every other body keeps the platform's 1 MiB
  app: {
    maxBodyBytes: DEFAULT_BODY_LIMIT,
    uploads: { maxBytes: AVATAR_MAX_BYTES, when: (c) => c.req.path === "/blog/v1/user/avatar" },
  },
});

/** Why a credential was refused: missing, unreadable, or not valid (expired, tampered, revoked). */
export type AuthFailure = "missing" | "invalid";

export class AuthError extends Error {
  constructor(readonly reason: AuthFailure) {
    super(reason === "missing" ? "is missing" : "is invalid");
    this.name = "AuthError";
  }
}

// RealWorld clients send `Token <jwt>`; everything else on the platform sends `Bearer <jwt>`. Both work.
const SCHEME = /^(?:Token|Bearer)[ ]+([A-Za-z0-9._~+/=-]{1,4096})$/i;
// Some RealWorld frontends send the scheme with no token, or "null"/"undefined", when logged out:
// that is no credential (anonymous, or "is missing" where one is required), not a bad one.
// Tested on the trimmed header: a `\s*` at both ends around optional words backtracks quadratically.
const NO_CREDENTIAL = /^(?:(?:Token|Bearer)(?:\s+(?:null|undefined))?)?$/i;

/**
 * The caller of this request, or null when no Authorization header was sent. A header that is
 * present but unusable (wrong scheme, bad signature, expired, unknown API key, lacking the blog
 * scope) throws AuthError("invalid"): a client that sends a credential should learn it is bad.
 */
async function identify(env: Env, header: string | undefined, method: string): Promise<Viewer | null> {
  if (header === undefined || NO_CREDENTIAL.test(header.trim())) return null;
  const credential = SCHEME.exec(header.trim())?.[1];
  if (!credential) throw new AuthError("invalid");
  const principal = await verifyWithAccounts(env, credential);
  if (!principal) throw new AuthError("invalid");
  const scope = method === "GET" || method === "HEAD" ? "blog:read" : "blog:write";
  if (!hasScope(principal, scope)) throw new AuthError("invalid");
  return { ...principal, token: credential };
}

/**
 * Sets `c.var.viewer` from the Authorization header; with `required`, a request without one fails.
 * Errors are AuthError, rendered by each API in its own shape.
 *
 * @example router.use("/user", authenticate({ required: true }));
 */
export function authenticate({ required }: { required: boolean }): MiddlewareHandler<BlogEnv> {
  return async function authenticate(c, next) {
    const viewer = await identify(c.env, c.req.header("Authorization"), c.req.method);
    if (!viewer && required) throw new AuthError("missing");
    if (viewer) {
      c.set("viewer", viewer);
      if (c.req.method !== "GET" && c.req.method !== "HEAD") {
        await limitWrites(c.env, viewer.userId);
        // an account made in another product has no blog profile yet; whatever it writes needs one
        await ensureViewerProfile(c.env, viewer.userId);
      }
    }
    await next();
  };
}

// user ids known to have a profile in this isolate (profiles are never deleted)
const withProfile = new Set<string>();

/** Creates the blog profile of an accounts user on first use (username from their name or email). */
async function ensureViewerProfile(env: Env, userId: string): Promise<void> {
  if (withProfile.has(userId)) return;
  const existing = await findProfileByUserId(blogDb(env.DB), userId);
  if (!existing) {
    const [account] = await getAccountUsers(env, [userId]);
    await ensureProfile(blogDb(env.DB), userId, account?.name ?? account?.email ?? userId, Date.now());
  }
  if (withProfile.size > 10_000) withProfile.clear();
  withProfile.add(userId);
}

/** Writes per user per minute: generous for people and scripts, a ceiling for a runaway client. */
export const WRITES_PER_MINUTE = 600;
export const writeLimitKey = (userId: string) => `blog-write:${userId}`;

/** 429 (with Retry-After and RateLimit-* headers) past the user's write budget. */
async function limitWrites(env: Env, userId: string): Promise<void> {
  const decision = await consumeRateLimit(env.RATE_LIMITER, writeLimitKey(userId), { limit: WRITES_PER_MINUTE, periodMs: 60_000 });
  throwIfLimited(decision, "writes");
}
