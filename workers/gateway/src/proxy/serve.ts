// One proxied request of a known workspace: route it, build its ProxyContext, run the route's plugins around
// the upstream call, add the plugins' response headers, and leave the log record (off the response's path).

import { clientIpOf } from "@edgeworks/ratelimit";
import { logRequest } from "../analytics/log";
import type { ProxyContext, ProxyLogRecord, Snapshot } from "../contract";
import { runPipeline } from "./pipeline";
import { problem } from "./problem";
import { matchRoute } from "./router";
import { createSend } from "./upstream";

/** What the handler already knows about the request. */
export interface Arrival {
  /** The path under the workspace (`/v1/users/7`), raw. */
  path: string;
  url: URL;
  receivedAt: number;
  requestId: string;
}

/** The plugins' response headers on the response (copied onto a mutable one when it is not). */
function withHeaders(res: Response, extra: Headers): Response {
  let empty = true;
  for (const _ of extra) {
    empty = false;
    break;
  }
  if (empty) return res;
  try {
    for (const [name, value] of extra) res.headers.set(name, value);
    return res;
  } catch {
    const copy = new Response(res.body, res);
    for (const [name, value] of extra) copy.headers.set(name, value);
    return copy;
  }
}

/** Finishes the record with what the response says and sends it (waitUntil). */
function finish(ctx: Pick<ProxyContext, "env" | "exec">, log: ProxyLogRecord, res: Response): Response {
  log.status = res.status;
  log.latencyMs = Date.now() - log.at;
  log.bytesOut = Number(res.headers.get("content-length") ?? 0) || 0;
  logRequest(ctx.env, ctx.exec, log);
  return res;
}

/**
 * Answers a request to `snapshot`'s workspace: 404 when no route matches, 405 (with Allow) when only the
 * method does not, else the route's pipeline.
 *
 * @example return serveWorkspace(request, env, exec, snapshot, { path: "/v1/x", url, receivedAt: Date.now(), requestId });
 */
export async function serveWorkspace(
  request: Request,
  env: Env,
  exec: ExecutionContext,
  snapshot: Snapshot,
  arrival: Arrival,
): Promise<Response> {
  const { path, url, requestId } = arrival;
  const log: ProxyLogRecord = {
    workspaceId: snapshot.workspaceId,
    requestId,
    at: arrival.receivedAt,
    routeId: null,
    serviceId: null,
    consumerId: null,
    method: request.method,
    path: path.slice(0, 512),
    status: 0,
    latencyMs: 0,
    upstreamLatencyMs: null,
    targetId: null,
    cache: null,
    bytesIn: Number(request.headers.get("content-length") ?? 0) || 0,
    bytesOut: 0,
    error: null,
  };
  const preflight = request.method === "OPTIONS" && request.headers.has("access-control-request-method");
  const match = matchRoute(snapshot, request.method, url.hostname.toLowerCase(), path, preflight);
  if (match === null) {
    log.error = "no_route";
    return finish({ env, exec }, log, problem("not_found", `No route matches ${request.method} ${path.slice(0, 200)}`, requestId));
  }
  if ("allow" in match) {
    log.error = "method_not_allowed";
    const allow = match.allow.join(", ");
    return finish(
      { env, exec },
      log,
      problem("method_not_allowed", `${request.method} is not allowed here (${allow})`, requestId, { Allow: allow }),
    );
  }
  log.routeId = match.route.id;
  log.serviceId = match.route.serviceId;
  const query = url.searchParams;
  const clientIp = clientIpOf(request, env);
  const ctx: ProxyContext = {
    env,
    exec,
    snapshot,
    route: match.route,
    params: match.params,
    requestId,
    clientIp,
    receivedAt: arrival.receivedAt,
    request,
    upstreamPath: path,
    upstreamQuery: query,
    consumer: null,
    log,
    responseHeaders: new Headers(),
    send: createSend({
      env,
      exec,
      snapshot,
      clientIp,
      log,
      requestId,
      clientUrl: url,
      originalQuery: { raw: url.search, serialised: query.toString() },
    }),
  };
  const res = withHeaders(await runPipeline(ctx), ctx.responseHeaders);
  log.consumerId = ctx.consumer?.id ?? null;
  return finish(ctx, log, res);
}
