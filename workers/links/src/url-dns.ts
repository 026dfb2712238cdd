import { type DnsDeps, DnsLookupError, hostToResolve, resolveVerdict, type Verdict } from "@edgeworks/egress";
import { ApiError, type FieldError } from "@edgeworks/http";
import type { LinkRule } from "./validation";

const unavailable = (error: DnsLookupError) => new ApiError("service_unavailable", error.message, { headers: { "Retry-After": "5" } });

/**
 * Resolves the host of every URL of a create or update body (A and AAAA over DoH, cached; see
 * @edgeworks/egress's `resolveVerdict`) and throws one 422 listing each URL whose host answers with a
 * private, loopback, link-local, metadata, CGNAT or unique-local address. A name with no addresses
 * (NXDOMAIN) passes: nothing private to refuse. If a lookup fails or times out the whole request is a
 * 503 (fail closed): a check that cannot run must not let a link through. Call after the synchronous
 * checks, which reject unparseable URLs.
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
  const lookups = { ...deps, seen: deps.seen ?? new Map<string, Promise<Verdict>>() };
  const checks = candidates.flatMap(([path, raw]) => {
    const host = hostToResolve(raw);
    return host === null ? [] : [{ path, host, verdict: resolveVerdict(host, lookups) }];
  });
  // a failed lookup is the 503, whichever URL it belongs to
  await Promise.all(checks.map((c) => c.verdict)).catch((error: unknown) => {
    throw error instanceof DnsLookupError ? unavailable(error) : error;
  });
  const errors: FieldError[] = [];
  for (const { path, host, verdict } of checks) {
    const { privateAddress } = await verdict;
    if (privateAddress) errors.push({ path, location, message: `${host} resolves to a private address (${privateAddress})` });
  }
  if (errors.length) throw new ApiError("validation_failed", "The request has unsafe URLs", { errors });
}
