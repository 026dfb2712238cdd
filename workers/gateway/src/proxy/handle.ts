// The Worker's first look at every request (before the admin app): `/gw/{workspace}/…` is proxied traffic,
// `/gateway…` is the admin app's, and anything else may be a workspace's own host in production (the gateway
// Worker owns that route directly); an unknown host falls through to the app. Refusals that need no config
// (traversal, oversized headers) come first; the workspace's snapshot comes from isolate memory on the hot path.

import { log } from "@edgeworks/http";
import { loadSnapshot } from "../config";
import type { Snapshot } from "../contract";
import { gateway } from "../product";
import { problem, thrownProblem } from "./problem";
import { pathProblem, requestProblem } from "./refuse";
import { type Arrival, serveWorkspace } from "./serve";

/** How the handler finds the workspace's snapshot (tests may give their own). */
export type SnapshotSource = (env: Env, exec: ExecutionContext, lookup: { slug: string } | { host: string }) => Promise<Snapshot | null>;

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * Answers proxied traffic (`/gw/{workspace}/…`, or a workspace's own host), or null to let the admin app answer.
 *
 * @example export default gateway.worker({ fetch: proxyFetch });
 */
export function proxyFetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> | null {
  const url = new URL(request.url);
  const pathname = url.pathname;
  if (pathname.startsWith("/gw/") || pathname === "/gw") return proxyBySlug(request, env, ctx, url, loadSnapshot);
  if (pathname === "/gateway" || pathname.startsWith("/gateway/")) return null;
  return proxyByHost(request, env, ctx, url, loadSnapshot);
}

/**
 * `/gw/{slug}{path}`: the early refusals, then the workspace (404 when unknown), then its routes.
 *
 * @example await proxyBySlug(request, env, ctx, new URL(request.url), fakeSource)
 */
export async function proxyBySlug(request: Request, env: Env, ctx: ExecutionContext, url: URL, source: SnapshotSource): Promise<Response> {
  const receivedAt = Date.now();
  const requestId = crypto.randomUUID();
  const rest = url.pathname.slice(4);
  const cut = rest.indexOf("/");
  const slug = cut === -1 ? rest : rest.slice(0, cut);
  const path = cut === -1 ? "/" : rest.slice(cut);
  const refusal = requestProblem(request);
  if (refusal) return problem(refusal.code, refusal.detail, requestId);
  const bad = pathProblem(path);
  if (bad) return problem("bad_request", bad, requestId);
  if (!SLUG.test(slug)) return problem("not_found", "Workspace not found", requestId);
  let snapshot: Snapshot | null;
  try {
    snapshot = await source(env, ctx, { slug });
  } catch (error) {
    return unavailable(env, error, requestId);
  }
  if (!snapshot) return problem("not_found", "Workspace not found", requestId);
  return serveGuarded(request, env, ctx, snapshot, { path, url, receivedAt, requestId });
}

/** The config store could not be read and no copy of the workspace was at hand: 503 (retry in a second). */
function unavailable(env: Env, error: unknown, requestId: string): Response {
  log(env.LOG_LEVEL, "error", "gateway config unreadable", { requestId, error: error instanceof Error ? error.message : String(error) });
  return problem("service_unavailable", "The workspace's configuration cannot be read right now", requestId, { "Retry-After": "1" });
}

/**
 * serveWorkspace, with anything it throws answered here as a 500 problem (logged, no details): an exception
 * never escapes to the front door, which could only call the whole gateway unavailable.
 */
async function serveGuarded(request: Request, env: Env, ctx: ExecutionContext, snapshot: Snapshot, arrival: Arrival): Promise<Response> {
  try {
    return await serveWorkspace(request, env, ctx, snapshot, arrival);
  } catch (error) {
    log(env.LOG_LEVEL, "error", "gateway proxy failed", {
      requestId: arrival.requestId,
      error: error instanceof Error ? error.message : String(error),
    });
    return thrownProblem(error, arrival.requestId);
  }
}

/** A workspace's own host (production); an unknown host is the admin app's (its 404s included). */
async function proxyByHost(request: Request, env: Env, ctx: ExecutionContext, url: URL, source: SnapshotSource): Promise<Response> {
  const receivedAt = Date.now();
  const snapshot = await source(env, ctx, { host: url.hostname.toLowerCase() }).catch(() => null);
  if (!snapshot) return gateway.build().fetch(request, env, ctx);
  const requestId = crypto.randomUUID();
  const refusal = requestProblem(request);
  if (refusal) return problem(refusal.code, refusal.detail, requestId);
  const bad = pathProblem(url.pathname);
  if (bad) return problem("bad_request", bad, requestId);
  return serveGuarded(request, env, ctx, snapshot, { path: url.pathname, url, receivedAt, requestId });
}
