// The one way the gateway reaches a target: the proxy's upstream calls and the active health checks both come
// here, so the SSRF rules hold for both. URL targets are checked by their text (egress's targetUrlProblem, once
// per URL per isolate) and by where their host resolves (egress's DoH verdict, cached ~60 s per isolate on top
// of egress's KV cache); a dev loopback target passes only when DEV_MODE is "true". Binding targets are fetched
// over the service binding, only when it is listed in UPSTREAM_BINDINGS.

import { DnsLookupError, DOH_TIMEOUT_MS, dnsCheckEnabled, hostToResolve, resolveVerdict, targetUrlProblem } from "@edgeworks/egress";
import type { CompiledTarget } from "../contract";

export type TargetFetchErrorCode = "refused" | "dns_failed" | "timeout" | "network" | "aborted";

/**
 * Why a target produced no response: refused by the SSRF rules, DNS failed, no headers in time, a network
 * error, or the caller's own signal aborted it.
 */
export class TargetFetchError extends Error {
  override name = "TargetFetchError";
  constructor(
    readonly code: TargetFetchErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface TargetFetchOptions {
  /** Until the response headers (the body is the caller's to time). */
  timeoutMs: number;
  /** The caller's own abort (e.g. the client went away). */
  signal?: AbortSignal;
  /** Where the DNS cache write-back may run after the response (exec.waitUntil); dropped otherwise. */
  defer?: (work: Promise<unknown>) => void;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);
const VERDICT_TTL_MS = 60_000;
const CACHE_CAP = 1000;

/** Static verdicts per target URL (null: fine), and DNS verdicts per host with their expiry. */
const urlProblems = new Map<string, string | null>();
const dnsVerdicts = new Map<string, { privateAddress: string | null; until: number } | Promise<string | null>>();

const allowedBindings = new Map<string, Set<string>>();
/** The allow-listed binding names of `UPSTREAM_BINDINGS` (parsed once per distinct value). */
export function upstreamBindings(env: Env): Set<string> {
  const raw = env.UPSTREAM_BINDINGS ?? "";
  let set = allowedBindings.get(raw);
  if (!set) {
    set = new Set(
      raw
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    );
    allowedBindings.set(raw, set);
  }
  return set;
}

/** `http://127.0.0.1:PORT`-style targets, allowed only while DEV_MODE is "true". */
export const isDevLoopback = (env: Env, url: URL): boolean =>
  env.DEV_MODE === "true" && (url.protocol === "http:" || url.protocol === "https:") && LOOPBACK.has(url.hostname);

function staticProblem(base: string): string | null {
  let problem = urlProblems.get(base);
  if (problem === undefined) {
    problem = base.startsWith("https://") ? targetUrlProblem(base, { ownHosts: [], blockedDomains: [] }) : "Only https targets are allowed";
    if (urlProblems.size >= CACHE_CAP) urlProblems.clear();
    urlProblems.set(base, problem);
  }
  return problem;
}

/** The private address `host` resolves to, or null; one lookup per host per minute in this isolate. */
async function privateAddressOf(env: Env, host: string, defer: (p: Promise<unknown>) => void): Promise<string | null> {
  const cached = dnsVerdicts.get(host);
  if (cached instanceof Promise) return cached;
  if (cached && cached.until > Date.now()) return cached.privateAddress;
  const pending = resolveVerdict(host, { cache: env.CACHE, fetch: (r) => fetch(r), defer, timeoutMs: DOH_TIMEOUT_MS }).then(
    (v) => {
      if (dnsVerdicts.size >= CACHE_CAP) dnsVerdicts.clear();
      dnsVerdicts.set(host, { privateAddress: v.privateAddress, until: Date.now() + VERDICT_TTL_MS });
      return v.privateAddress;
    },
    (error) => {
      dnsVerdicts.delete(host);
      throw error;
    },
  );
  dnsVerdicts.set(host, pending);
  return pending;
}

/** What is known about a URL target without I/O: refused (why), dev loopback (no DNS), or a host to resolve. */
type UrlVerdict = { problem: string } | { dev: true } | { host: string | null };
const urlVerdicts = new WeakMap<CompiledTarget, { devMode: string; verdict: UrlVerdict }>();

function urlVerdictOf(env: Env, target: CompiledTarget, url: string): UrlVerdict {
  const cached = urlVerdicts.get(target);
  if (cached && cached.devMode === env.DEV_MODE) return cached.verdict;
  let verdict: UrlVerdict;
  if (isDevLoopback(env, new URL(url))) verdict = { dev: true };
  else {
    const problem = staticProblem(url);
    verdict = problem ? { problem } : { host: hostToResolve(url) };
  }
  urlVerdicts.set(target, { devMode: env.DEV_MODE, verdict });
  return verdict;
}

/** Throws a `refused`/`dns_failed` TargetFetchError unless the target may be requested now. */
export async function assertTargetAllowed(env: Env, target: CompiledTarget, defer: (p: Promise<unknown>) => void): Promise<void> {
  if (target.binding !== null) {
    if (!upstreamBindings(env).has(target.binding) || !(env as unknown as Record<string, unknown>)[target.binding])
      throw new TargetFetchError("refused", `The binding ${target.binding} is not an allowed upstream`);
    return;
  }
  if (!target.url) throw new TargetFetchError("refused", "The target has neither a URL nor a binding");
  const verdict = urlVerdictOf(env, target, target.url);
  if ("problem" in verdict) throw new TargetFetchError("refused", verdict.problem);
  if ("dev" in verdict || verdict.host === null || !dnsCheckEnabled(env)) return;
  let privateAddress: string | null;
  try {
    privateAddress = await privateAddressOf(env, verdict.host, defer);
  } catch (error) {
    if (error instanceof DnsLookupError) throw new TargetFetchError("dns_failed", error.message);
    throw error;
  }
  if (privateAddress) throw new TargetFetchError("refused", `${verdict.host} resolves to a private address`);
}

/**
 * The URL a request to `path` + `search` of the target goes to: the target's URL (its base path kept) or, for a
 * binding, a placeholder origin named after it (a service binding ignores the host).
 *
 * @example targetUrl({ url: "https://api.example.com/base", … }, "/v1/x", "?a=1") // "https://api.example.com/base/v1/x?a=1"
 */
export function targetUrl(target: CompiledTarget, path: string, search: string): string {
  const base = target.url ?? `https://${(target.binding ?? "upstream").toLowerCase()}.binding`;
  const trimmed = base.endsWith("/") ? base.slice(0, -1) : base;
  return `${trimmed}${path.startsWith("/") ? path : `/${path}`}${search && !search.startsWith("?") ? `?${search}` : search}`;
}

const ignore = (p: Promise<unknown>) => void p.catch(() => undefined);

/**
 * Sends `request` to `target`: its method, headers and body to the target's URL + the request URL's path and
 * query (the request's own origin is ignored). SSRF-checked, `redirect: "manual"` (a 3xx comes back as is),
 * `timeoutMs` until the response headers. Throws a {@link TargetFetchError} (refused, dns_failed, timeout,
 * network); the response body is not timed (the caller streams it).
 *
 * @example
 * const res = await fetchTarget(env, target, new Request(`https://probe${service.healthCheck.path}`), { timeoutMs: 2000 });
 */
export async function fetchTarget(env: Env, target: CompiledTarget, request: Request, options: TargetFetchOptions): Promise<Response> {
  const defer = options.defer ?? ignore;
  await assertTargetAllowed(env, target, defer);
  const source = new URL(request.url);
  const url = targetUrl(target, source.pathname, source.search);
  return sendWithTimeout(env, target, url, { method: request.method, headers: request.headers, body: request.body }, options);
}

/** What goes to the target besides its URL. */
export interface OutgoingRequest {
  method: string;
  headers: Headers;
  body: BodyInit | null;
}

/** The fetch itself (the target already allowed): the proxy's hot path calls it with its own URL. */
export async function sendWithTimeout(
  env: Env,
  target: CompiledTarget,
  url: string,
  request: OutgoingRequest,
  options: TargetFetchOptions,
): Promise<Response> {
  const controller = new AbortController();
  const timeout = new TargetFetchError("timeout", `No response headers within ${options.timeoutMs} ms`);
  let timer: ReturnType<typeof setTimeout> | null = null;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort(timeout);
      reject(timeout);
    }, options.timeoutMs);
  });
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onAbort);
  const init: RequestInit = {
    method: request.method,
    headers: request.headers,
    body: request.body,
    redirect: "manual",
    signal: controller.signal,
  };
  try {
    const fetcher = target.binding ? (env as unknown as Record<string, Fetcher>)[target.binding] : null;
    const sent = fetcher ? fetcher.fetch(url, init) : fetch(url, init);
    return await Promise.race([sent, timedOut]);
  } catch (error) {
    if (error instanceof TargetFetchError) throw error;
    if (options.signal?.aborted) throw new TargetFetchError("aborted", "The caller gave up");
    throw new TargetFetchError("network", error instanceof Error ? error.message : String(error));
  } finally {
    if (timer !== null) clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
}
