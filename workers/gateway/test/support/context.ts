// A fake ProxyContext + Snapshot (contract.ts shapes) for unit tests of one plugin's middleware, without the
// proxy: the request, route, snapshot and consumer are given, `send` is a stub upstream that records what it
// got, and `run` plays the proxy's part (middlewares in order, then `send`, then ctx.responseHeaders merged in).
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import type {
  CompiledConsumer,
  CompiledRoute,
  ConsumerIdentity,
  GatewayMiddleware,
  ProxyContext,
  ProxyLogRecord,
  Snapshot,
} from "../../src/contract";

/** A snapshot with one service (`svc_1`), one route (`rte_1`, `/v1/*`) and nothing else; `overrides` replace fields. */
export function fakeSnapshot(overrides: Partial<Snapshot> = {}): Snapshot {
  const route = fakeRoute();
  return {
    workspaceId: "ws_test",
    slug: "test",
    version: 1,
    revision: 1,
    hosts: [],
    services: {
      svc_1: {
        id: "svc_1",
        name: "svc",
        targets: [{ id: "tgt_1", url: "https://upstream.example.com", binding: null, weight: 100 }],
        algorithm: "round-robin",
        hashOn: null,
        connectTimeoutMs: 5000,
        readTimeoutMs: 30_000,
        retries: 1,
        healthCheck: null,
        passiveUnhealthyThreshold: 0,
        breaker: null,
      },
    },
    routes: [route],
    consumers: {},
    keyHashes: {},
    issuers: {},
    cacheGenerations: {},
    ...overrides,
  };
}

/** A route `rte_1` on `/v1/*` to `svc_1` with no plugins; `overrides` replace fields. */
export function fakeRoute(overrides: Partial<CompiledRoute> = {}): CompiledRoute {
  return { id: "rte_1", name: "r", hosts: [], paths: ["/v1/*"], methods: [], priority: 0, serviceId: "svc_1", plugins: [], ...overrides };
}

/** A config consumer; `overrides` replace fields. */
export function fakeConsumer(overrides: Partial<CompiledConsumer> & { id: string }): CompiledConsumer {
  return { username: overrides.id, groups: [], jwt: [], plugins: [], ...overrides };
}

/** What the stub upstream received. */
export interface SentCall {
  serviceId: string;
  request: Request;
  path: string;
  query: URLSearchParams;
}

export interface FakeContextOptions {
  /** The client's request: a path under the workspace (`/v1/x?a=1`) or a whole Request (its URL is used as is). */
  request?: string | Request;
  /** Init for a request given as a path. */
  init?: RequestInit;
  snapshot?: Snapshot;
  route?: CompiledRoute;
  params?: Record<string, string>;
  clientIp?: string;
  requestId?: string;
  consumer?: ConsumerIdentity | null;
  receivedAt?: number;
  /** Overrides or extra bindings over the test Worker's env. */
  env?: Partial<Env>;
  /** The stub upstream (default: 200 JSON echo of method, path and query). */
  upstream?: (call: SentCall) => Response | Promise<Response>;
}

/** A ProxyContext plus what the test wants to inspect afterwards. */
export interface FakeContext extends ProxyContext {
  /** Every `send` call, in order. */
  readonly sent: SentCall[];
  /** Runs `middlewares` in order around `send(route.serviceId, …)` and merges ctx.responseHeaders, as the proxy does. */
  run(...middlewares: GatewayMiddleware[]): Promise<Response>;
  /** Waits for everything handed to exec.waitUntil. */
  settle(): Promise<void>;
}

const echo = async (call: SentCall): Promise<Response> =>
  Response.json({
    method: call.request.method,
    path: call.path,
    query: call.query.toString(),
    headers: Object.fromEntries(call.request.headers),
  });

/**
 * A fake ProxyContext for `path` (under the workspace) on `route` of `snapshot`.
 *
 * @example
 * const ctx = fakeContext({ request: "/v1/users/7", init: { headers: { apikey: "ewg_…" } } });
 * const res = await ctx.run(plugin.create(plugin.schema.parse({}), ctx.route));
 * expect(ctx.sent).toHaveLength(1);
 */
export function fakeContext(options: FakeContextOptions = {}): FakeContext {
  const snapshot = options.snapshot ?? fakeSnapshot(options.route ? { routes: [options.route] } : {});
  const route = options.route ?? snapshot.routes[0] ?? fakeRoute();
  const raw = options.request ?? "/v1/test";
  const request = typeof raw === "string" ? new Request(`http://gateway.test/gw/${snapshot.slug}${raw}`, options.init) : raw;
  const url = new URL(request.url);
  const prefix = `/gw/${snapshot.slug}`;
  const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) || "/" : url.pathname;
  const exec = createExecutionContext();
  const receivedAt = options.receivedAt ?? Date.now();
  const requestId = options.requestId ?? crypto.randomUUID();
  const upstream = options.upstream ?? echo;
  const sent: SentCall[] = [];
  const log: ProxyLogRecord = {
    workspaceId: snapshot.workspaceId,
    requestId,
    at: receivedAt,
    routeId: route.id,
    serviceId: route.serviceId,
    consumerId: null,
    method: request.method,
    path,
    status: 0,
    latencyMs: 0,
    upstreamLatencyMs: null,
    targetId: null,
    cache: null,
    bytesIn: 0,
    bytesOut: 0,
    error: null,
  };
  const ctx: FakeContext = {
    env: { ...env, ...options.env } as Env,
    exec,
    snapshot,
    route,
    params: options.params ?? {},
    requestId,
    clientIp: options.clientIp ?? "203.0.113.7",
    receivedAt,
    request,
    upstreamPath: path,
    upstreamQuery: new URLSearchParams(url.search),
    consumer: options.consumer ?? null,
    log,
    responseHeaders: new Headers(),
    sent,
    async send(serviceId, req, p, query) {
      const call = { serviceId, request: req, path: p, query };
      sent.push(call);
      return upstream(call);
    },
    async run(...middlewares) {
      const step = (i: number): Promise<Response> => {
        const mw = middlewares[i];
        if (mw) return mw(ctx, () => step(i + 1));
        return ctx.send(ctx.route.serviceId ?? "", ctx.request, ctx.upstreamPath, ctx.upstreamQuery);
      };
      const response = await step(0);
      const out = new Response(response.body, response);
      for (const [k, v] of ctx.responseHeaders) out.headers.set(k, v);
      return out;
    },
    settle: () => waitOnExecutionContext(exec),
  };
  return ctx;
}
