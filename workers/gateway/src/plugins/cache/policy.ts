import type { CompiledRoute, ProxyContext } from "../../contract";
import type { CacheConfig } from "./schema";

// Plugins that decide who may see a response: a cache answering before them would serve a stored
// response to a caller they would have refused.
const GATEKEEPERS = new Set(["auth", "acl", "ip-restriction"]);

/**
 * True when the route runs a gatekeeper (auth, acl, ip-restriction) after the cache: then the cache never
 * answers (config validation should refuse that order; this keeps it safe meanwhile).
 *
 * @example cacheBeforeGatekeeper(route) // true for plugins [cache, auth]
 */
export function cacheBeforeGatekeeper(route: Pick<CompiledRoute, "plugins">): boolean {
  const at = route.plugins.findIndex((p) => p.name === "cache");
  return at >= 0 && route.plugins.slice(at + 1).some((p) => GATEKEEPERS.has(p.name));
}

/** Lower-cased Cache-Control directives → their value ("" when none). */
export function cacheControl(value: string | null): Map<string, string> {
  const out = new Map<string, string>();
  if (!value) return out;
  for (const part of value.split(",")) {
    const eq = part.indexOf("=");
    const name = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    const v = eq < 0 ? "" : part.slice(eq + 1).trim();
    if (name) out.set(name, v.startsWith('"') && v.endsWith('"') && v.length >= 2 ? v.slice(1, -1) : v);
  }
  return out;
}

/** What the cache does with a request: look it up (and maybe refresh), or pass it by. */
export type RequestVerdict = { kind: "bypass"; reason: string } | { kind: "lookup"; refresh: boolean };

/**
 * Whether a request may be answered from (and stored into) the cache.
 *
 * @example requestVerdict(ctx, config, route) // { kind: "bypass", reason: "method POST" }
 */
export function requestVerdict(ctx: ProxyContext, config: CacheConfig, gatekeeperAfter: boolean): RequestVerdict {
  const req = ctx.request;
  if (req.method !== "GET" && req.method !== "HEAD") return { kind: "bypass", reason: `method ${req.method}` };
  if (gatekeeperAfter) return { kind: "bypass", reason: "auth/acl run after the cache on this route" };
  if (req.headers.has("range")) return { kind: "bypass", reason: "range request" };
  // RFC 9111 §3.5: a shared cache does not reuse an answer to an authorised request unless it tells callers apart
  const separated = config.varyHeaders.includes("authorization") || (config.varyConsumer && ctx.consumer !== null);
  if (req.headers.has("authorization") && !separated) return { kind: "bypass", reason: "authorization not varied" };
  if (config.requestCacheControl === "honor") {
    const cc = cacheControl(req.headers.get("cache-control"));
    if (cc.has("no-store")) return { kind: "bypass", reason: "request no-store" };
    if (cc.has("no-cache")) return { kind: "lookup", refresh: true };
  }
  return { kind: "lookup", refresh: false };
}

/**
 * How long a response may be stored (seconds), or why it must not be: status not listed, Set-Cookie,
 * `Cache-Control: private|no-store|no-cache`, `Vary` on a header the key does not include, a body over the cap.
 *
 * @example storableFor(res, config) // { ttl: 60 } or { reason: "set-cookie" }
 */
export function storableFor(res: Response, config: CacheConfig): { ttl: number } | { reason: string } {
  if (!(config.statuses as number[]).includes(res.status)) return { reason: `status ${res.status}` };
  if (res.headers.has("set-cookie")) return { reason: "set-cookie" };
  if (res.headers.has("content-range")) return { reason: "partial content" };
  const cc = cacheControl(res.headers.get("cache-control"));
  for (const d of ["private", "no-store", "no-cache"]) if (cc.has(d)) return { reason: `cache-control ${d}` };
  for (const v of (res.headers.get("vary") ?? "").split(",")) {
    const name = v.trim().toLowerCase();
    if (name === "*") return { reason: "vary *" };
    if (name && name !== "accept-encoding" && !config.varyHeaders.includes(name)) return { reason: `vary ${name} not in varyHeaders` };
  }
  const length = Number(res.headers.get("content-length") ?? "0");
  if (length > config.maxBodyBytes) return { reason: "body over maxBodyBytes" };
  let ttl = config.ttlSeconds;
  const upstream = cc.get("s-maxage") ?? cc.get("max-age");
  if (upstream !== undefined && /^\d{1,9}$/.test(upstream)) ttl = Math.min(ttl, Number(upstream));
  return ttl > 0 ? { ttl } : { reason: "upstream max-age 0" };
}
