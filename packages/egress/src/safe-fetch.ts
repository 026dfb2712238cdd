import { type DnsDeps, DnsLookupError, hostToResolve, resolveVerdict, type Verdict } from "./dns";
import { targetUrlProblem, type UrlPolicy } from "./url-safety";

/** Ports an outbound request may use unless the caller says otherwise: web ports only (no SMTP, Redis, …). */
export const SAFE_PORTS: readonly number[] = [80, 443, 8080, 8443];
/** Redirects followed before giving up. */
export const MAX_REDIRECTS = 3;

export type EgressErrorCode = "refused" | "dns_failed" | "timeout" | "aborted" | "network" | "too_large" | "too_many_redirects";

/**
 * Why an outbound request did not produce a response. `permanent` says whether trying again could
 * help: a refused URL or a redirect loop will not; a timeout, a network error or a failed DNS lookup may.
 */
export class EgressError extends Error {
  override name = "EgressError";
  constructor(
    readonly code: EgressErrorCode,
    message: string,
    readonly permanent = code === "refused" || code === "too_many_redirects" || code === "too_large",
  ) {
    super(message);
  }
}

export interface SafeFetchOptions {
  /** Loops and blocked domains (none by default) and ports ({@link SAFE_PORTS} by default). */
  policy?: Partial<UrlPolicy>;
  /** Where hosts are resolved before each hop (DoH, cached); null skips the lookup (development only). */
  dns: DnsDeps | null;
  /** The outbound fetch; the runtime's by default. */
  fetch?: (request: Request) => Promise<Response>;
  /** The whole exchange, every hop and the body included. */
  timeoutMs: number;
  /** The caller's own abort (a cancelled job): rejects with code `aborted`. */
  signal?: AbortSignal;
  maxRedirects?: number;
  /** Response bodies are read up to this many bytes (default 1 MiB)… */
  maxBytes?: number;
  /** …then cut there (`truncated: true`) instead of failing with `too_large`. */
  truncate?: boolean;
}

export interface SafeRequestInit {
  method?: string;
  headers?: HeadersInit;
  body?: string | Uint8Array | null;
}

export interface SafeResponse {
  status: number;
  headers: Headers;
  body: Uint8Array;
  truncated: boolean;
  /** The URL that answered (after redirects). */
  url: string;
  redirects: number;
}

/** Headers that must not follow a redirect to another origin (as the Fetch standard does for Authorization). */
const CREDENTIAL_HEADERS = ["authorization", "cookie", "proxy-authorization"];

/** Refuses the URL by its text, then by where its host resolves. */
async function assertSafe(raw: string, options: SafeFetchOptions): Promise<void> {
  const policy: UrlPolicy = { ownHosts: [], blockedDomains: [], ports: SAFE_PORTS, ...options.policy };
  const problem = targetUrlProblem(raw, policy);
  if (problem) throw new EgressError("refused", `${problem}: ${raw.slice(0, 200)}`);
  const host = hostToResolve(raw);
  if (host === null || !options.dns) return;
  let verdict: Verdict;
  try {
    verdict = await resolveVerdict(host, options.dns);
  } catch (error) {
    if (error instanceof DnsLookupError) throw new EgressError("dns_failed", error.message);
    throw error;
  }
  if (verdict.privateAddress) throw new EgressError("refused", `${host} resolves to a private address (${verdict.privateAddress})`);
}

/** Reads at most `max` bytes of the body; past that cancels it and cuts (truncate) or throws. */
async function readCapped(response: Response, max: number, truncate: boolean): Promise<{ body: Uint8Array; truncated: boolean }> {
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (!truncate && declared > max) {
    await response.body?.cancel();
    throw new EgressError("too_large", `The response is over ${max} bytes`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  const reader = response.body?.getReader();
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    if (size + value.byteLength > max) {
      await reader.cancel();
      if (!truncate) throw new EgressError("too_large", `The response is over ${max} bytes`);
      chunks.push(value.subarray(0, max - size));
      size = max;
      truncated = true;
      break;
    }
    chunks.push(value);
    size += value.byteLength;
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return { body, truncated };
}

const isRedirect = (status: number) => [301, 302, 303, 307, 308].includes(status);

/**
 * `fetch` for URLs that come from users: refuses non-http(s) schemes, credentials in the URL, ports
 * outside the policy, private, loopback, link-local and metadata addresses in any spelling, wildcard-DNS
 * and look-alike names (`targetUrlProblem`), and names that resolve to a private address (DoH,
 * `resolveVerdict`). Redirects are followed by hand (`redirect: "manual"`), each hop checked the same
 * way, at most `maxRedirects`; 303 (and 301/302 after a POST) continue as GET without a body, as
 * browsers do, and credentials are dropped when the origin changes. One timeout covers everything; the
 * body is read up to `maxBytes`. Failures are {@link EgressError}s.
 *
 * Known limit: the address is checked by a lookup of its own, so a name that answers differently to
 * the runtime's resolver a moment later (DNS rebinding) is not caught here; Cloudflare's egress does
 * not reach private networks, which closes that gap in production.
 *
 * @example
 * const res = await safeFetch("https://hooks.example.com/in", { method: "POST", body: "{}" }, { dns, timeoutMs: 10_000 });
 */
export async function safeFetch(input: string, init: SafeRequestInit, options: SafeFetchOptions): Promise<SafeResponse> {
  const send = options.fetch ?? ((request: Request) => fetch(request));
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  const maxRedirects = options.maxRedirects ?? MAX_REDIRECTS;
  let url = input;
  let method = (init.method ?? "GET").toUpperCase();
  let body = init.body ?? null;
  const headers = new Headers(init.headers);
  const failure = (error: unknown): EgressError => {
    if (error instanceof EgressError) return error;
    if (options.signal?.aborted) return new EgressError("aborted", "The request was cancelled", false);
    if (timeout.aborted) return new EgressError("timeout", `No complete answer within ${options.timeoutMs} ms`);
    return new EgressError("network", `The request failed: ${error instanceof Error ? error.message : String(error)}`);
  };
  try {
    for (let redirects = 0; ; redirects++) {
      await assertSafe(url, options);
      if (signal.aborted) throw signal.reason;
      const response = await send(new Request(url, { method, headers, body, redirect: "manual", signal }));
      const location = response.headers.get("location");
      if (!isRedirect(response.status) || location === null) {
        const { body: bytes, truncated } = await readCapped(response, options.maxBytes ?? 1024 * 1024, options.truncate ?? false);
        return { status: response.status, headers: response.headers, body: bytes, truncated, url, redirects };
      }
      await response.body?.cancel();
      if (redirects >= maxRedirects) throw new EgressError("too_many_redirects", `More than ${maxRedirects} redirects`);
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        throw new EgressError("refused", `The redirect to ${location.slice(0, 200)} is not a URL`);
      }
      if (next.origin !== new URL(url).origin) for (const name of CREDENTIAL_HEADERS) headers.delete(name);
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === "POST")) {
        if (method !== "HEAD") method = "GET";
        body = null;
        headers.delete("content-type");
      }
      url = next.href;
    }
  } catch (error) {
    throw failure(error);
  }
}
