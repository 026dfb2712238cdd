// Active health checks: one GET of the check's path on each target, through the proxy's own fetchTarget (so the
// SSRF rules hold for probes too).

import type { CompiledHealthCheck, CompiledTarget } from "../contract";
import { fetchTarget, type TargetFetchOptions } from "../proxy/target-fetch";
import type { ProbeResult } from "./types";

/** How a probe reaches a target (fetchTarget; tests may inject another). */
export type TargetFetcher = (env: Env, target: CompiledTarget, request: Request, options: TargetFetchOptions) => Promise<Response>;

/** The probe's User-Agent, so an upstream can tell health checks from traffic. */
export const PROBE_USER_AGENT = "edgeworks-gateway-health/1";

/**
 * Probes one target: healthy when it answers one of `healthyStatuses` within `timeoutMs`; a refused target
 * (SSRF rules), a DNS failure, a timeout or a network error is a failed probe. The body is discarded.
 *
 * @example const result = await probeTarget(env, fetchTarget, target, service.healthCheck, Date.now);
 */
export async function probeTarget(
  env: Env,
  fetcher: TargetFetcher,
  target: CompiledTarget,
  check: CompiledHealthCheck,
  now: () => number,
): Promise<ProbeResult> {
  const request = new Request(`https://health-check.invalid${check.path}`, { headers: { "User-Agent": PROBE_USER_AGENT } });
  try {
    const response = await fetcher(env, target, request, { timeoutMs: check.timeoutMs });
    // drain without reading a possibly endless body into memory
    await response.body?.cancel();
    const ok = isHealthyStatus(check, response.status);
    return { at: now(), ok, status: response.status, error: ok ? null : `status ${response.status}` };
  } catch (error) {
    const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : "network";
    const message = error instanceof Error ? error.message : String(error);
    return { at: now(), ok: false, status: null, error: `${code}: ${message}`.slice(0, 200) };
  }
}

/**
 * The default fetcher: the proxy's SSRF-checked fetchTarget.
 *
 * @example new ServiceHealth(ctx, env).fetcher === defaultFetcher
 */
export const defaultFetcher: TargetFetcher = fetchTarget;

/**
 * Whether a probe's status counts as healthy: one of `healthyStatuses`, or 200..399 when none are listed.
 *
 * @example isHealthyStatus(check, 204) // true by default
 */
export function isHealthyStatus(check: CompiledHealthCheck, status: number): boolean {
  return check.healthyStatuses.length === 0 ? status >= 200 && status < 400 : check.healthyStatuses.includes(status);
}
