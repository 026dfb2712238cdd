import type { AuthVariables } from "@edgeworks/auth";
import type { AppEnv } from "@edgeworks/http";
import { drizzle } from "drizzle-orm/d1";
import type { Context } from "hono";
import type { LinkDeps, OwnerDeps } from "./deps";
import { canParseUrl, parseBlockedDomains, type UrlPolicy } from "./url-safety";

/** The Hono environment of the authenticated API: generated bindings plus the principal. */
export type LinksEnv = AppEnv<Env, AuthVariables>;
/** The Hono environment of routes that also serve anonymous callers (create). */
export type MaybeAuthEnv = AppEnv<Env, Partial<AuthVariables>>;

/** `PUBLIC_ORIGIN` when set (production short domain), else the origin the request came to. */
export const shortOrigin = (env: Env, requestUrl: string): string => {
  const configured = env.PUBLIC_ORIGIN?.trim();
  return configured ? configured.replace(/\/+$/, "") : new URL(requestUrl).origin;
};

/** Targets may not loop back to this shortener (configured or actual host) or hit a blocked domain. */
export const urlPolicyOf = (env: Env, requestUrl: string): UrlPolicy => {
  const ownHosts = [new URL(requestUrl).hostname];
  const configured = env.PUBLIC_ORIGIN?.trim();
  if (configured && canParseUrl(configured)) ownHosts.push(new URL(configured).hostname);
  return { ownHosts, blockedDomains: parseBlockedDomains(env.BLOCKED_DOMAINS) };
};

/** The service dependencies of a request; `userId` is null for anonymous callers. */
export const depsOf = (c: Context<MaybeAuthEnv>): LinkDeps => ({
  db: drizzle(c.env.DB),
  cache: c.env.LINK_CACHE,
  userId: c.var.auth?.userId ?? null,
  now: Date.now,
  origin: shortOrigin(c.env, c.req.url),
  urlPolicy: urlPolicyOf(c.env, c.req.url),
  defer: (work) => c.executionCtx.waitUntil(work),
});

/** The service dependencies of an authenticated request. */
export const ownerDepsOf = (c: Context<LinksEnv>): OwnerDeps => ({ ...depsOf(c as Context<MaybeAuthEnv>), userId: c.var.auth.userId });
