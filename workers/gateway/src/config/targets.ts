// Where a service target (or an issuer's JWKS) may point: the SSRF rules of @edgeworks/egress, https only,
// plus the two exceptions of DESIGN.md — a loopback port under `pnpm dev` (DEV_MODE=true) and a service
// binding the Worker lists in UPSTREAM_BINDINGS. Request-time DNS verdicts are the proxy's job.
import { targetUrlProblem } from "@edgeworks/egress";

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** The binding names a target may use: `UPSTREAM_BINDINGS`, comma- or space-separated. */
export const allowedBindings = (env: Pick<Env, "UPSTREAM_BINDINGS">): string[] =>
  (env.UPSTREAM_BINDINGS ?? "")
    .split(/[\s,]+/)
    .map((b) => b.trim())
    .filter(Boolean);

/** Whether `raw` is a dev loopback target (`http://127.0.0.1:PORT`, `localhost`, `[::1]`), allowed only under DEV_MODE. */
function isDevLoopback(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  return (
    url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname) && url.port !== "" && !url.username && !url.password && !raw.includes("@")
  );
}

/**
 * Why `raw` may not be a target URL, or null: https only (http only for a dev loopback port when
 * `DEV_MODE` is "true"), no credentials, no private/loopback/link-local/metadata address in any spelling,
 * a public domain name, no query or fragment, not one of the workspace's own hosts (a loop).
 *
 * @example targetProblem("https://169.254.169.254/", env, []) // "Must not point at a private, loopback or link-local address"
 */
export function targetProblem(raw: string, env: Pick<Env, "DEV_MODE">, ownHosts: readonly string[]): string | null {
  if (env.DEV_MODE === "true" && isDevLoopback(raw)) return hasQueryOrFragment(raw) ? "Must not have a query or fragment" : null;
  const problem = targetUrlProblem(raw, { ownHosts, blockedDomains: [] });
  if (problem) return problem;
  if (!raw.toLowerCase().startsWith("https://")) return "Must be an https:// URL";
  if (hasQueryOrFragment(raw)) return "Must not have a query or fragment";
  return null;
}

const hasQueryOrFragment = (raw: string): boolean => raw.includes("?") || raw.includes("#");

/**
 * Why `name` may not be a binding target, or null: it must be listed in `UPSTREAM_BINDINGS`.
 *
 * @example bindingProblem("ACCOUNTS", env) // "The binding ACCOUNTS is not in UPSTREAM_BINDINGS"
 */
export function bindingProblem(name: string, env: Pick<Env, "UPSTREAM_BINDINGS">): string | null {
  return allowedBindings(env).includes(name) ? null : `The binding ${name} is not in UPSTREAM_BINDINGS`;
}
