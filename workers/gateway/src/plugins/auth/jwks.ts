// Issuers' signing keys, fetched with the egress guard (an issuer's jwksUrl is workspace config, so it is
// treated like any user-given URL: no private addresses, no redirects into them) and kept per isolate.
import { type DnsDeps, DOH_TIMEOUT_MS, dnsCheckEnabled, EgressError, safeFetch } from "@edgeworks/egress";
import type { JSONWebKeySet } from "jose";

/** Keys are used this long before they are fetched again. */
export const JWKS_TTL_MS = 5 * 60_000;
/** An unknown `kid` refetches the set, but not more often than this per URL (a stream of made-up kids is one fetch). */
export const JWKS_REFETCH_FLOOR_MS = 30_000;
const FETCH_TIMEOUT_MS = 5000;
const MAX_JWKS_BYTES = 256 * 1024;
const MAX_CACHED_URLS = 500;

interface Entry {
  keys: JSONWebKeySet | null;
  fetchedAt: number;
  pending: Promise<JSONWebKeySet> | null;
}

const cache = new Map<string, Entry>();

/** The issuer's key set could not be had (unreachable, refused, not a JWKS): the gateway's problem, not the caller's. */
export class JwksUnavailable extends Error {
  override name = "JwksUnavailable";
}

export interface JwksDeps {
  env: Env;
  exec: ExecutionContext;
  /** The request's clock (epoch ms). */
  now: number;
}

function dnsOf(deps: JwksDeps): DnsDeps | null {
  if (!dnsCheckEnabled(deps.env as { URL_DNS_CHECK?: string; DEV_MODE?: string })) return null;
  return { cache: deps.env.CACHE, fetch: (r) => fetch(r), defer: (p) => deps.exec.waitUntil(p), timeoutMs: DOH_TIMEOUT_MS };
}

async function download(url: string, deps: JwksDeps): Promise<JSONWebKeySet> {
  try {
    const res = await safeFetch(
      url,
      { headers: { Accept: "application/json" } },
      {
        dns: dnsOf(deps),
        timeoutMs: FETCH_TIMEOUT_MS,
        maxBytes: MAX_JWKS_BYTES,
        maxRedirects: 0,
      },
    );
    if (res.status !== 200) throw new JwksUnavailable(`the issuer's JWKS answered ${res.status}`);
    const body = JSON.parse(new TextDecoder().decode(res.body)) as unknown;
    const keys = (body as { keys?: unknown })?.keys;
    if (!Array.isArray(keys) || keys.length > 100) throw new JwksUnavailable("the issuer's JWKS is not a key set");
    return { keys: keys.filter((k) => typeof k === "object" && k !== null) } as JSONWebKeySet;
  } catch (error) {
    if (error instanceof JwksUnavailable) throw error;
    if (error instanceof EgressError || error instanceof SyntaxError) throw new JwksUnavailable(`the issuer's JWKS: ${error.message}`);
    throw error;
  }
}

/** One fetch at a time per URL; a failed fetch keeps the keys already known (they still verify older tokens). */
function refresh(url: string, entry: Entry, deps: JwksDeps): Promise<JSONWebKeySet> {
  if (entry.pending) return entry.pending;
  entry.fetchedAt = deps.now;
  entry.pending = download(url, deps)
    .then((keys) => {
      entry.keys = keys;
      return keys;
    })
    .finally(() => {
      entry.pending = null;
    });
  return entry.pending;
}

/**
 * The issuer's keys: cached ones while fresh ({@link JWKS_TTL_MS}); with `unknownKid`, a refetch unless the last
 * fetch was under {@link JWKS_REFETCH_FLOOR_MS} ago. Throws {@link JwksUnavailable} when there are none to use.
 *
 * @example const set = await jwksFor(issuer.jwksUrl, { env, exec, now: Date.now() });
 */
export async function jwksFor(url: string, deps: JwksDeps, unknownKid = false): Promise<JSONWebKeySet> {
  let entry = cache.get(url);
  if (!entry) {
    if (cache.size >= MAX_CACHED_URLS) cache.delete(cache.keys().next().value as string);
    entry = { keys: null, fetchedAt: 0, pending: null };
    cache.set(url, entry);
  }
  const age = deps.now - entry.fetchedAt;
  const stale = entry.keys === null || age >= JWKS_TTL_MS || age < 0;
  if (!stale && !(unknownKid && age >= JWKS_REFETCH_FLOOR_MS)) return entry.keys as JSONWebKeySet;
  try {
    return await refresh(url, entry, deps);
  } catch (error) {
    if (entry.keys && error instanceof JwksUnavailable) return entry.keys;
    throw error;
  }
}

/** Forgets every cached key set (tests). */
export function clearJwksCache(): void {
  cache.clear();
}
