import type { DnsDeps } from "@edgeworks/egress";
import { canParseUrl, parseBlockedDomains, type UrlPolicy } from "@edgeworks/egress";
import type { DrizzleD1Database } from "drizzle-orm/d1";

/** The drizzle database of this Worker. */
export type Db = DrizzleD1Database;

/** What the link services need; never a Hono Context. */
export interface LinkDeps {
  db: Db;
  /** The slug → link cache (KV), invalidated on every write. */
  cache: KVNamespace;
  /** The caller; every owner query is scoped to this user's live links. Null: anonymous (create only). */
  userId: string | null;
  /** Epoch milliseconds; injected so tests can control time. */
  now: () => number;
  /** The origin short URLs are built on (`PUBLIC_ORIGIN`, else the request's origin). */
  origin: string;
  /** Hosts and domains targets may not point at. */
  urlPolicy: UrlPolicy;
  /** Where target hosts are resolved (DNS over HTTPS, cached); null when `URL_DNS_CHECK` turns it off. */
  dns: DnsDeps | null;
  /** Runs work after the response (`ctx.waitUntil`). */
  defer: (work: Promise<unknown>) => void;
}

/** LinkDeps for an authenticated caller (owner routes). */
export type OwnerDeps = LinkDeps & { userId: string };

/** `PUBLIC_ORIGIN` when set (production short domain), else the origin the request came to. */
export const shortOrigin = (env: Env, requestUrl: string): string => {
  let configured = env.PUBLIC_ORIGIN?.trim() ?? "";
  // trailing slashes dropped with a loop, not /\/+$/ (quadratic on a long run of slashes)
  while (configured.endsWith("/")) configured = configured.slice(0, -1);
  return configured || new URL(requestUrl).origin;
};

/**
 * `SHORT_LINK_HOST` as a bare lower-case host name (a scheme, path, port or trailing dot someone
 * wrote is dropped), or null when it is empty: the short-link domain served by this Worker directly.
 *
 * @example shortLinkHostOf({ SHORT_LINK_HOST: "https://Edgew.rk/" }) // "edgew.rk"
 */
export function shortLinkHostOf(env: { SHORT_LINK_HOST?: string }): string | null {
  let host = (env.SHORT_LINK_HOST ?? "").trim().toLowerCase().slice(0, 256);
  const scheme = host.indexOf("://");
  if (scheme !== -1) host = host.slice(scheme + 3);
  for (const end of ["/", "?", "#", ":"]) {
    const at = host.indexOf(end);
    if (at !== -1) host = host.slice(0, at);
  }
  while (host.endsWith(".")) host = host.slice(0, -1);
  return host || null;
}

/** Targets may not loop back to this shortener (configured, short-link or actual host) or hit a blocked domain. */
export const urlPolicyOf = (env: Env, requestUrl: string): UrlPolicy => {
  const ownHosts = [new URL(requestUrl).hostname];
  const shortHost = shortLinkHostOf(env);
  if (shortHost) ownHosts.push(shortHost);
  const configured = env.PUBLIC_ORIGIN?.trim();
  if (configured && canParseUrl(configured)) ownHosts.push(new URL(configured).hostname);
  return { ownHosts, blockedDomains: parseBlockedDomains(env.BLOCKED_DOMAINS) };
};
