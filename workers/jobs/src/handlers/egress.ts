import { type DnsDeps, DOH_TIMEOUT_MS, dnsCheckEnabled, EgressError } from "@edgeworks/egress";
import { PermanentError } from "./context";

/**
 * DNS checks of the jobs' outbound requests: on unless `URL_DNS_CHECK` is "off" (or "auto" with
 * `DEV_MODE` "true"), verdicts cached in the CACHE KV namespace.
 */
export function egressDns(env: Env): DnsDeps | null {
  if (!dnsCheckEnabled(env as { URL_DNS_CHECK?: string; DEV_MODE?: string })) return null;
  return {
    cache: env.CACHE,
    fetch: (request) => fetch(request),
    // a queue consumer has no waitUntil: the cache write finishes on its own or is lost (it is only a cache)
    defer: (work) => void work.catch(() => undefined),
    timeoutMs: DOH_TIMEOUT_MS,
  };
}

/**
 * The job error for a failed outbound request: a refused URL, a redirect loop or an oversized body
 * will not change (PermanentError); a timeout, a network error or a DNS failure may (plain Error); a
 * cancel rethrows the job's own abort reason.
 */
export function jobErrorOf(error: unknown, signal: AbortSignal): unknown {
  if (!(error instanceof EgressError)) return error;
  if (error.code === "aborted") return signal.reason ?? error;
  return error.permanent ? new PermanentError(error.message) : new Error(error.message);
}
