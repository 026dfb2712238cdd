import { z } from "zod";
import { isPrivateAddress } from "./ip-ranges";

/** Cloudflare's DNS-over-HTTPS JSON API (https://developers.cloudflare.com/1.1.1.1/encryption/dns-over-https/make-api-requests/dns-json/). */
export const DOH_ENDPOINT = "https://cloudflare-dns.com/dns-query";
/** How long one lookup may take before the URL is refused (fail closed). */
export const DOH_TIMEOUT_MS = 2000;
/** Answers are cached for their TTL, within these bounds (KV's minimum TTL is 60 s). */
export const DNS_CACHE_TTL = { min: 60, max: 3600, empty: 300 } as const;

/** What a lookup needs: the cache (KV, or null), the outbound fetch, a way to write back later. */
export interface DnsDeps {
  cache: KVNamespace | null;
  fetch: (request: Request) => Promise<Response>;
  defer: (work: Promise<unknown>) => void;
  timeoutMs: number;
  /** Verdicts already asked for in this request (100 URLs to one host look it up once). */
  seen?: Map<string, Promise<Verdict>>;
}

/** A lookup that failed (network, timeout, non-2xx, SERVFAIL): callers fail closed (links: 503). */
export class DnsLookupError extends Error {
  override name = "DnsLookupError";
  constructor(readonly host: string) {
    super(`Could not check where ${host} points (DNS over HTTPS failed); try again`);
  }
}

/**
 * Whether hosts are resolved: `URL_DNS_CHECK` "doh" (always) or "off" (never); "auto" (the default)
 * is doh except in development (`DEV_MODE` "true"), which runs offline.
 *
 * @example dnsCheckEnabled({ URL_DNS_CHECK: "auto", DEV_MODE: "true" }) // false
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

/** One DoH question; throws {@link DnsLookupError} on a network error, a timeout, a non-2xx or a SERVFAIL. */
async function lookup(host: string, type: keyof typeof RECORD_TYPE, deps: DnsDeps): Promise<{ addresses: string[]; ttl: number }> {
  const url = `${DOH_ENDPOINT}?name=${encodeURIComponent(host)}&type=${type}`;
  const signal = AbortSignal.timeout(deps.timeoutMs);
  const body = await deps
    .fetch(new Request(url, { headers: { accept: "application/dns-json" }, signal }))
    .then((res) => (res.ok ? res.json() : null))
    .catch(() => null);
  const parsed = dohAnswer.safeParse(body);
  // NOERROR (0) and NXDOMAIN (3) are answers; anything else (SERVFAIL, REFUSED, …) is a failure
  if (!parsed.success || (parsed.data.Status !== 0 && parsed.data.Status !== 3)) throw new DnsLookupError(host);
  const records = (parsed.data.Answer ?? []).filter((r) => r.type === RECORD_TYPE[type]);
  const ttl = records.length ? Math.min(...records.map((r) => r.TTL)) : DNS_CACHE_TTL.empty;
  return { addresses: records.map((r) => r.data), ttl };
}

async function verdictOf(host: string, deps: DnsDeps): Promise<Verdict> {
  const key = dnsCacheKey(host);
  const cached = deps.cache ? cachedVerdict.safeParse(await deps.cache.get(key, "json").catch(() => null)) : null;
  if (cached?.success) return cached.data;
  const [a, aaaa] = await Promise.all([lookup(host, "A", deps), lookup(host, "AAAA", deps)]);
  const verdict = { privateAddress: [...a.addresses, ...aaaa.addresses].find(isPrivateAddress) ?? null };
  const ttl = Math.max(DNS_CACHE_TTL.min, Math.min(DNS_CACHE_TTL.max, a.ttl, aaaa.ttl));
  if (deps.cache) deps.defer(deps.cache.put(key, JSON.stringify(verdict), { expirationTtl: ttl }).catch(() => undefined));
  return verdict;
}

/**
 * Where a host points: from the cache, else A and AAAA over DoH at once (written back to the cache
 * afterwards, for the answers' TTL). Each host is asked once per `deps.seen`. A name with no
 * addresses (NXDOMAIN) is public: there is nothing private to refuse. Throws {@link DnsLookupError}.
 *
 * @example (await resolveVerdict("intranet.example.com", deps)).privateAddress // "10.0.0.5"
 */
export function resolveVerdict(host: string, deps: DnsDeps): Promise<Verdict> {
  const seen = deps.seen;
  if (!seen) return verdictOf(host, deps);
  if (!seen.has(host)) seen.set(host, verdictOf(host, deps));
  return seen.get(host) as Promise<Verdict>;
}

/** The host of a URL that needs resolving (a name, not an IP literal), lower-case without a trailing dot; null otherwise. */
export function hostToResolve(raw: string): string | null {
  const host = new URL(raw).hostname.toLowerCase().replace(/\.$/, "");
  return host.startsWith("[") || /^[\d.]+$/.test(host) ? null : host;
}
