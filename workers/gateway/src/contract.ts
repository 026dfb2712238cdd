// The shared shapes of the gateway's parts, agreed before they were built side by side: the compiled
// config the proxy runs on (config/ builds it, proxy/ reads it), the per-request context plugins see,
// the plugin definition every plugins/<name>/ module exports, the health view the proxy asks, and the
// log record every proxied request leaves. Change a shape here first, then its producers and consumers.

import type { z } from "zod";

/** The plugins a route (or a consumer override) may name, in the registry's order. */
export const PLUGIN_NAMES = [
  "request-id",
  "cors",
  "ip-restriction",
  "request-size-limit",
  "auth",
  "acl",
  "rate-limit",
  "cache",
  "transform",
  "aggregate",
] as const;
export type PluginName = (typeof PLUGIN_NAMES)[number];

/** Load-balancing algorithms of a service. */
export const ALGORITHMS = ["round-robin", "weighted", "least-outstanding", "consistent-hash"] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

/** One upstream target, compiled. `url` targets are fetched; `binding` targets go over an allow-listed service binding. */
export interface CompiledTarget {
  id: string;
  /** `https://host[:port][/base]` (or a dev loopback `http://127.0.0.1:port`), no query, no fragment; or null for a binding. */
  url: string | null;
  /** The service binding's name (one of the Worker's allow-listed `UPSTREAM_BINDINGS`), or null for a URL. */
  binding: string | null;
  /** 1..1000; 0 drains it (no new traffic). */
  weight: number;
}

export interface CompiledHealthCheck {
  path: string;
  intervalSeconds: number;
  timeoutMs: number;
  /** Consecutive successful probes that bring an unhealthy target back. */
  healthyThreshold: number;
  /** Consecutive failed probes (or, passively, failed live requests) that take it out. */
  unhealthyThreshold: number;
  /** Statuses that count as healthy (default 200..399). */
  healthyStatuses: number[];
}

export interface CompiledBreaker {
  windowSeconds: number;
  /** Requests in the window before the error rate or p95 is judged. */
  minRequests: number;
  /** Opens when errors (5xx, timeouts, connection failures) / requests ≥ this, 1..100. */
  errorRatePercent: number;
  /** Opens when the window's p95 latency ≥ this (null: latency never opens it). */
  p95LatencyMs: number | null;
  /** Open this long, then half-open. */
  openSeconds: number;
  /** Half-open probes allowed at once; that many successes in a row close it, one failure reopens. */
  halfOpenProbes: number;
}

export interface CompiledService {
  id: string;
  name: string;
  targets: CompiledTarget[];
  algorithm: Algorithm;
  /** For consistent-hash: what is hashed. */
  hashOn: { source: "header" | "cookie" | "ip"; name: string | null } | null;
  connectTimeoutMs: number;
  readTimeoutMs: number;
  /** Extra attempts on another target, for idempotent methods only (GET, HEAD, OPTIONS, PUT, DELETE). */
  retries: number;
  healthCheck: CompiledHealthCheck | null;
  /** Consecutive live failures that mark a target unhealthy (0: passive checks off). */
  passiveUnhealthyThreshold: number;
  breaker: CompiledBreaker | null;
}

/** One plugin instance on a route: its validated config (the plugin's own schema's output). */
export interface PluginInstance {
  name: PluginName;
  config: unknown;
}

export interface CompiledRoute {
  id: string;
  name: string;
  /** Lower-case host names (exact or `*.example.com`); empty: any host. */
  hosts: string[];
  /** Path patterns under the workspace: `/v1/users/:id`, `/v1/files/*` (the rest), `/v1/exact`. */
  paths: string[];
  /** Upper-case methods; empty: any. */
  methods: string[];
  /** Higher first; then the more specific pattern; then definition order. */
  priority: number;
  /** The service id, or null for a route whose `aggregate` plugin makes its own upstream calls. */
  serviceId: string | null;
  /** In the order given: they run in this order (config validation refuses an order that skips security, e.g. acl before auth). */
  plugins: PluginInstance[];
}

export interface CompiledConsumer {
  id: string;
  username: string;
  groups: string[];
  /** A JWT whose (iss, sub) is one of these is this consumer. */
  jwt: { issuer: string; subject: string }[];
  /** Per-consumer plugin configs that replace the route's config of the same plugin once the consumer is known. */
  plugins: PluginInstance[];
}

/** A JWT issuer the `auth` plugin may accept (workspace-level, referred to by name). */
export interface CompiledIssuer {
  name: string;
  issuer: string;
  jwksUrl: string;
  audiences: string[];
  /** Claims that must be present and, where a value is given, equal it. */
  requiredClaims: Record<string, string | number | boolean | null>;
  algorithms: string[];
}

/**
 * Everything the proxy needs for one workspace, built from the current config version plus the live API
 * keys. Immutable once built: the proxy keeps it in isolate memory; KV holds it by revision.
 */
export interface Snapshot {
  workspaceId: string;
  slug: string;
  /** The config version it was built from. */
  version: number;
  /** Bumped by every config version and every key change: the cache's key. */
  revision: number;
  /** Host names that reach this workspace directly in production (the gateway Worker owns their route). */
  hosts: string[];
  services: Record<string, CompiledService>;
  /** Sorted: the first match wins. */
  routes: CompiledRoute[];
  consumers: Record<string, CompiledConsumer>;
  /** SHA-256 (hex) of each live API key → consumer id. Keys of another workspace are simply not here. */
  keyHashes: Record<string, string>;
  issuers: Record<string, CompiledIssuer>;
  /** Per route id: a generation number in every cache key, bumped to purge the route. */
  cacheGenerations: Record<string, number>;
}

/** The consumer identified by `auth` (null while anonymous). */
export interface ConsumerIdentity {
  id: string;
  username: string;
  groups: string[];
  /** How it proved itself. */
  via: "key" | "jwt";
  /** The verified JWT's claims (via "jwt"). */
  claims?: Record<string, unknown>;
}

/** What every proxied request leaves behind (sent to LOGS_QUEUE, batched into D1 by analytics/). */
export interface ProxyLogRecord {
  workspaceId: string;
  requestId: string;
  /** Epoch ms when the gateway received it. */
  at: number;
  routeId: string | null;
  serviceId: string | null;
  consumerId: string | null;
  method: string;
  /** The path under the workspace, without query, cut to 512 characters. */
  path: string;
  status: number;
  /** Whole request as the client saw it, ms. */
  latencyMs: number;
  /** Time spent waiting on the upstream, ms (null when none was called). */
  upstreamLatencyMs: number | null;
  /** The target id that answered last (null when none). */
  targetId: string | null;
  cache: "HIT" | "MISS" | "BYPASS" | null;
  bytesIn: number;
  bytesOut: number;
  /** A short code when the gateway itself refused or failed: "rate_limited", "unauthorized", "breaker_open", "timeout", … */
  error: string | null;
}

/** The per-request context every plugin and the upstream call share. */
export interface ProxyContext {
  readonly env: Env;
  readonly exec: ExecutionContext;
  readonly snapshot: Snapshot;
  readonly route: CompiledRoute;
  /** Route parameters from the matched pattern (`:id` → "7"; `*` → the rest as "*"). */
  readonly params: Record<string, string>;
  readonly requestId: string;
  readonly clientIp: string;
  readonly receivedAt: number;
  /** The request as it will go upstream; plugins may replace it. Its URL is the gateway's own. */
  request: Request;
  /** The path (under the workspace) and query that go upstream; transform may rewrite them. Starts as the client's. */
  upstreamPath: string;
  upstreamQuery: URLSearchParams;
  /** Set by `auth`. */
  consumer: ConsumerIdentity | null;
  /** Plugins and the upstream call fill in their parts. */
  log: ProxyLogRecord;
  /** Response headers any plugin wants on the final response (RateLimit-*, X-Request-Id, X-Cache, CORS…). */
  responseHeaders: Headers;
  /**
   * Calls a service of this workspace (load balancing, breaker, retries, timeouts, passive health) with
   * `request` sent to `path` + `query` of the chosen target. The proxy's own final step and `aggregate` use it.
   */
  send(serviceId: string, request: Request, path: string, query: URLSearchParams): Promise<Response>;
}

export type Next = () => Promise<Response>;
/** One plugin bound to its config: Koa-style, it may answer itself, or call `next` and adjust what comes back. */
export type GatewayMiddleware = (ctx: ProxyContext, next: Next) => Promise<Response>;

/** What every `plugins/<name>/index.ts` exports as `plugin`. */
export interface PluginDefinition<S extends z.ZodType = z.ZodType> {
  name: PluginName;
  /** Its config, strict (unknown keys refused), with defaults; config validation reports its issues under `plugins[i].config`. */
  schema: S;
  /** Builds the middleware once per (route, config); the proxy memoises it. */
  create(config: z.output<S>, route: CompiledRoute): GatewayMiddleware;
}

/** A target's state as the proxy sees it (isolate view of the service's ServiceHealth object, ≤ 1 s old). */
export interface TargetState {
  healthy: boolean;
  breaker: "closed" | "open" | "half-open";
}

/** The outcome of one upstream attempt, reported to the service's ServiceHealth object (batched). */
export interface AttemptOutcome {
  targetId: string;
  at: number;
  /** Network error, timeout or a 5xx. */
  failed: boolean;
  timedOut: boolean;
  latencyMs: number;
  status: number | null;
}
