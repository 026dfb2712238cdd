// `ctx.send`: one call to a service of the workspace. Targets come from the service's balancer minus those the
// health view takes out (unhealthy, breaker open; a half-open one only with a probe granted); an attempt is
// timed until its response headers (connectMs) and its body between chunks (readMs); idempotent methods are
// retried on another target after a network error, a header timeout or a 502/503/504. Every attempt's outcome
// goes to the health view, flushed once per call. The response streams through: nothing is buffered except a
// request body that a retry may have to send again.

import type { CompiledService, CompiledTarget, ProxyContext } from "../contract";
import { healthView } from "../health/view";
import { acquire, balancerOf, hashKey } from "./balancer";
import { replayableBody } from "./body";
import { downstreamHeaders, upstreamHeaders } from "./headers";
import { problem } from "./problem";
import { watchdog } from "./stream";
import { assertTargetAllowed, type OutgoingRequest, sendWithTimeout, TargetFetchError, targetUrl } from "./target-fetch";

/** Methods a retry may repeat (RFC 9110 §9.2.2); POST and PATCH are never sent twice. */
export const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);
/** Statuses that send an idempotent request to the next target. */
const RETRY_STATUSES = new Set([502, 503, 504]);

/** What `send` needs of the request's context. */
export type SendContext = Pick<ProxyContext, "env" | "exec" | "snapshot" | "clientIp" | "log" | "requestId"> & {
  /** The URL the client used (X-Forwarded-Host/Proto). */
  clientUrl: URL;
  /** The client's query as it came, and as URLSearchParams serialised it: an untouched query goes up as sent. */
  originalQuery: { raw: string; serialised: string };
};

const positive = new WeakMap<CompiledService, CompiledTarget[]>();
/** The targets that take traffic at all (weight > 0), computed once per service object. */
function weighted(service: CompiledService): CompiledTarget[] {
  let list = positive.get(service);
  if (!list) {
    list = service.targets.filter((t) => t.weight > 0);
    positive.set(service, list);
  }
  return list;
}

/** The query string to send: the client's own text when no plugin changed it. */
function searchOf(ctx: SendContext, query: URLSearchParams): string {
  if (query.size === 0) return "";
  const serialised = query.toString();
  return serialised === ctx.originalQuery.serialised ? ctx.originalQuery.raw : `?${serialised}`;
}

/**
 * The `send` of one request's ProxyContext.
 *
 * @example ctx.send = createSend(ctx); await ctx.send(route.serviceId, ctx.request, ctx.upstreamPath, ctx.upstreamQuery);
 */
export function createSend(ctx: SendContext): ProxyContext["send"] {
  return async (serviceId, request, path, query) => {
    const service = ctx.snapshot.services[serviceId];
    if (!service) return problem("bad_gateway", "The route's service does not exist", ctx.requestId);
    ctx.log.serviceId ??= service.id;
    const health = await healthView(ctx.env, ctx.exec, ctx.snapshot, service);
    const all = weighted(service);
    const eligible = health.monitored
      ? all.filter((t) => {
          const state = health.state(t.id);
          return state.healthy && state.breaker !== "open";
        })
      : all;
    if (eligible.length === 0) return noTarget(ctx, service);
    const order = balancerOf(service).order(eligible, hashKey(service, request, ctx.clientIp));
    const method = request.method;
    const planned = IDEMPOTENT.has(method) ? 1 + service.retries : 1;
    const { body, attempts } = await replayableBody(request, planned);
    const headers = upstreamHeaders(request, ctx.clientIp, ctx.clientUrl);
    const search = searchOf(ctx, query);
    const outgoing: OutgoingRequest = { method, headers, body };
    const defer = (p: Promise<unknown>) => ctx.exec.waitUntil(p.catch(() => undefined));
    let last: Response | null = null;
    let lastError: TargetFetchError | null = null;
    let waited = 0;
    try {
      for (let attempt = 0, i = 0; attempt < attempts && order.length > 0; i++) {
        const target = order[i % order.length] as CompiledTarget;
        if (health.monitored && health.state(target.id).breaker === "half-open" && !(await health.acquireProbe(target.id))) {
          order.splice(order.indexOf(target), 1);
          i--;
          continue;
        }
        attempt++;
        ctx.log.targetId = target.id;
        const release = acquire(target.id);
        const started = Date.now();
        let res: Response | null = null;
        let error: TargetFetchError | null = null;
        try {
          await assertTargetAllowed(ctx.env, target, defer);
          const init = { timeoutMs: service.connectTimeoutMs, defer, signal: request.signal };
          res = await sendWithTimeout(ctx.env, target, targetUrl(target, path, search), outgoing, init);
        } catch (thrown) {
          error = thrown instanceof TargetFetchError ? thrown : new TargetFetchError("network", String(thrown));
        }
        const latencyMs = Date.now() - started;
        waited += latencyMs;
        // the caller gave up (aggregate's timeout, a client gone): not the target's fault, nothing more to try
        if (error?.code === "aborted") {
          release();
          lastError = error;
          break;
        }
        // a refused target is a config matter, not the target's health
        if (error?.code !== "refused") {
          const failed = res === null || res.status >= 500;
          const timedOut = error?.code === "timeout";
          health.report({ targetId: target.id, at: started, failed, timedOut, latencyMs, status: res?.status ?? null });
        }
        if (res !== null && (!RETRY_STATUSES.has(res.status) || attempt >= attempts)) {
          last?.body?.cancel().catch(() => undefined);
          return stream(res, service, release);
        }
        release();
        if (res !== null) {
          last?.body?.cancel().catch(() => undefined);
          last = res;
        }
        lastError = error;
      }
      if (last !== null) return stream(last, service, () => undefined);
      return lastError === null ? noTarget(ctx, service) : failure(ctx, service, lastError);
    } finally {
      ctx.log.upstreamLatencyMs = (ctx.log.upstreamLatencyMs ?? 0) + waited;
      health.flush();
    }
  };
}

/** No attempt produced a response: 504 after a header timeout (or the caller's abort), else 502. */
function failure(ctx: SendContext, service: CompiledService, error: TargetFetchError): Response {
  const timedOut = error.code === "timeout" || error.code === "aborted";
  ctx.log.error = error.code === "network" ? "bad_gateway" : error.code;
  return timedOut
    ? problem("gateway_timeout", `No answer from service ${service.name} within ${service.connectTimeoutMs} ms`, ctx.requestId)
    : problem("bad_gateway", `Service ${service.name} could not be reached`, ctx.requestId);
}

/** 503: every target is out (unhealthy, breaker open, or half-open with no probe left). */
function noTarget(ctx: SendContext, service: CompiledService): Response {
  ctx.log.error = "no_healthy_target";
  return problem("service_unavailable", `No healthy target in service ${service.name}`, ctx.requestId, { "Retry-After": "1" });
}

/** The upstream response as the client gets it: hop-by-hop headers out, Via in, body under the read watchdog. */
function stream(res: Response, service: CompiledService, release: () => void): Response {
  const headers = downstreamHeaders(res.headers);
  if (res.body === null) {
    release();
    return new Response(null, { status: res.status, statusText: res.statusText, headers });
  }
  return new Response(watchdog(res.body, service.readTimeoutMs, release), { status: res.status, statusText: res.statusText, headers });
}
