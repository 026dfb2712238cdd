import { ApiError, type FieldError } from "@edgeworks/http";
import { z } from "@hono/zod-openapi";
import { isPrivateAddress } from "./ip-ranges";
import type { LinkRule } from "./validation";

/** Cloudflare's DNS-over-HTTPS JSON API (https://developers.cloudflare.com/1.1.1.1/encryption/dns-over-https/make-api-requests/dns-json/). */
export const DOH_ENDPOINT = "https://cloudflare-dns.com/dns-query";
/** How long one lookup may take before the link is refused (fail closed). */
export const DOH_TIMEOUT_MS = 2000;
/** Answers are cached for their TTL, within these bounds (KV's minimum TTL is 60 s). */
export const DNS_CACHE_TTL = { min: 60, max: 3600, empty: 300 } as const;

/** What a lookup needs: the cache (KV), the outbound fetch, a way to write back after the response. */
export interface DnsDeps {
  cache: KVNamespace;
  fetch: (request: Request) => Promise<Response>;
  defer: (work: Promise<unknown>) => void;
  timeoutMs: number;
  /** Verdicts already asked for in this request (a bulk create of 100 links to one host looks it up once). */
  seen?: Map<string, Promise<Verdict>>;
}

/**
 * Whether target hosts are resolved: `URL_DNS_CHECK` "doh" (always) or "off" (never); "auto" (the
 * default) is doh except in development (`DEV_MODE` "true"), which runs offline.
 */
export function dnsCheckEnabled(env: { URL_DNS_CHECK?: string; DEV_MODE?: string }): boolean {
  const mode = (env.URL_DNS_CHECK ?? "auto").trim().toLowerCase();
  if (mode === "off") return false;
  if (mode === "doh") return true;
  return env.DEV_MODE !== "true";
}

const dohAnswer = z.object({
  Status: z.number().int(),
  Answer: z
    .array(z.object({ type: z.number().int(), TTL: z.number().nonnegative(), data: z.string().max(1024) }))
    .max(256)
    .optional(),
});

/** The cached verdict of one host: the first private address it resolved to, or null (public). */
const cachedVerdict = z.object({ privateAddress: z.string().max(64).nullable() });
/** Where a host points: the first private address among its answers, or null. */
export type Verdict = z.infer<typeof cachedVerdict>;

export const dnsCacheKey = (host: string): string => `dns:v1:${host}`;

const RECORD_TYPE = { A: 1, AAAA: 28 } as const;

const unavailable = (host: string) =>
  new ApiError("service_unavailable", `Could not check where ${host} points (DNS over HTTPS failed); try again`, {
    headers: { "Retry-After": "5" },
  });

/** One DoH question; throws {@link unavailable} on a network error, a timeout, a non-2xx or a SERVFAIL. */
async function lookup(host: string, type: keyof typeof RECORD_TYPE, deps: DnsDeps): Promise<{ addresses: string[]; ttl: number }> {
  const url = `${DOH_ENDPOINT}?name=${encodeURIComponent(host)}&type=${type}`;
  const signal = AbortSignal.timeout(deps.timeoutMs);
  const body = await deps
    .fetch(new Request(url, { headers: { accept: "application/dns-json" }, signal }))
    .then((res) => (res.ok ? res.json() : null))
    .catch(() => null);
  const parsed = dohAnswer.safeParse(body);
  // NOERROR (0) and NXDOMAIN (3) are answers; anything else (SERVFAIL, REFUSED, …) is a failure
  if (!parsed.success || (parsed.data.Status !== 0 && parsed.data.Status !== 3)) throw unavailable(host);
  const records = (parsed.data.Answer ?? []).filter((r) => r.type === RECORD_TYPE[type]);
  const ttl = records.length ? Math.min(...records.map((r) => r.TTL)) : DNS_CACHE_TTL.empty;
  return { addresses: records.map((r) => r.data), ttl };
}

/** The host's verdict: from the cache, else both lookups at once (written back to the cache afterwards). */
async function verdictOf(host: string, deps: DnsDeps): Promise<Verdict> {
  const key = dnsCacheKey(host);
  const cached = cachedVerdict.safeParse(await deps.cache.get(key, "json").catch(() => null));
  if (cached.success) return cached.data;
  const [a, aaaa] = await Promise.all([lookup(host, "A", deps), lookup(host, "AAAA", deps)]);
  const verdict = { privateAddress: [...a.addresses, ...aaaa.addresses].find(isPrivateAddress) ?? null };
  const ttl = Math.max(DNS_CACHE_TTL.min, Math.min(DNS_CACHE_TTL.max, a.ttl, aaaa.ttl));
  deps.defer(deps.cache.put(key, JSON.stringify(verdict), { expirationTtl: ttl }).catch(() => undefined));
  return verdict;
}

/** The host of a URL that needs resolving (a name, not an IP literal), lower-case without a trailing dot. */
function nameOf(raw: string): string | null {
  const host = new URL(raw).hostname.toLowerCase().replace(/\.$/, "");
  return host.startsWith("[") || /^[\d.]+$/.test(host) ? null : host;
}

/**
 * Resolves the host of every URL of a create or update body (A and AAAA over DoH, cached) and throws
 * one 422 listing each URL whose host answers with a private, loopback, link-local, metadata, CGNAT
 * or unique-local address. A name with no addresses (NXDOMAIN) passes: nothing private to refuse.
 * If a lookup fails or times out the whole request is a 503 (fail closed): a check that cannot run
 * must not let a link through. Call after the synchronous checks, which reject unparseable URLs.
 */
export async function assertTargetsResolvePublic(
  input: { url?: string; expiredUrl?: string | null; rules?: LinkRule[] },
  deps: DnsDeps | null,
  location = "body",
): Promise<void> {
  if (!deps) return;
  const candidates: [string, string][] = [];
  if (input.url) candidates.push(["url", input.url]);
  if (input.expiredUrl) candidates.push(["expiredUrl", input.expiredUrl]);
  for (const [i, r] of (input.rules ?? []).entries()) candidates.push([`rules.${i}.url`, r.url]);
  const hosts = deps.seen ?? new Map<string, Promise<Verdict>>();
  const checks = candidates.flatMap(([path, raw]) => {
    const host = nameOf(raw);
    if (host === null) return [];
    if (!hosts.has(host)) hosts.set(host, verdictOf(host, deps));
    return [{ path, host, verdict: hosts.get(host) as Promise<Verdict> }];
  });
  await Promise.all(checks.map((c) => c.verdict)); // a failed lookup is the 503, whichever URL it belongs to
  const errors: FieldError[] = [];
  for (const { path, host, verdict } of checks) {
    const { privateAddress } = await verdict;
    if (privateAddress) errors.push({ path, location, message: `${host} resolves to a private address (${privateAddress})` });
  }
  if (errors.length) throw new ApiError("validation_failed", "The request has unsafe URLs", { errors });
}
