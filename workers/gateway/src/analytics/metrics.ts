import type { Snapshot } from "../contract";
import type { ServiceStatus } from "../health/status";
import { BUCKETS_MS, type TotalsLine } from "./totals";

// The workspace's metrics in Prometheus' text exposition format 0.0.4: request counters and the latency
// histogram from the running totals (never pruned, so counters only go up), and target health and breaker
// state from the services' ServiceHealth objects.

/** The content type of the text exposition format 0.0.4. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** The route label of requests that matched no route (route names can never contain parentheses). */
export const UNMATCHED_ROUTE = "(unmatched)";
const BREAKER_STATES = ["closed", "open", "half-open"] as const;

/** A label value escaped as the format requires: backslash, double quote and line feed. */
export const escapeLabel = (value: string): string => value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");

const labels = (pairs: Record<string, string>): string =>
  `{${Object.entries(pairs)
    .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
    .join(",")}}`;

/** What the metrics are rendered from. */
export interface MetricsInput {
  totals: TotalsLine[];
  /** For route names (a route no longer in the config is labelled by its id). */
  snapshot: Pick<Snapshot, "routes">;
  services: ServiceStatus[];
}

/**
 * Renders the exposition: `gateway_requests_total{route,route_id,status}` and
 * `gateway_request_errors_total{route,route_id}` (counters), `gateway_request_duration_seconds{route,route_id}`
 * (histogram), `gateway_upstream_target_healthy{service,target}` (gauge 1/0) and
 * `gateway_circuit_breaker_state{service,target,state}` (gauge: 1 for the current state, 0 for the others).
 *
 * @example renderMetrics({ totals, snapshot, services }) // "# HELP gateway_requests_total …"
 */
export function renderMetrics({ totals, snapshot, services }: MetricsInput): string {
  const names = new Map(snapshot.routes.map((r) => [r.id, r.name]));
  const routeLabels = (routeId: string | null) =>
    routeId === null ? { route: UNMATCHED_ROUTE, route_id: "" } : { route: names.get(routeId) ?? routeId, route_id: routeId };
  const out: string[] = [];
  const family = (name: string, type: string, help: string) => out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);

  family("gateway_requests_total", "counter", "Proxied requests, by route and response status.");
  for (const t of totals)
    out.push(`gateway_requests_total${labels({ ...routeLabels(t.routeId), status: String(t.status) })} ${t.requests}`);

  const byRoute = new Map<string | null, { errors: number; count: number; sumMs: number; buckets: number[] }>();
  for (const t of totals) {
    const acc = byRoute.get(t.routeId) ?? { errors: 0, count: 0, sumMs: 0, buckets: BUCKETS_MS.map(() => 0) };
    acc.errors += t.errors;
    acc.count += t.requests;
    acc.sumMs += t.latencyMsSum;
    t.buckets.forEach((n, i) => {
      acc.buckets[i] = (acc.buckets[i] ?? 0) + n;
    });
    byRoute.set(t.routeId, acc);
  }
  family("gateway_request_errors_total", "counter", "Proxied requests answered with a 5xx, by route.");
  for (const [routeId, acc] of byRoute) out.push(`gateway_request_errors_total${labels(routeLabels(routeId))} ${acc.errors}`);

  const hist = "gateway_request_duration_seconds";
  family(hist, "histogram", "Whole-request latency as the client saw it, by route.");
  for (const [routeId, acc] of byRoute) {
    const route = routeLabels(routeId);
    BUCKETS_MS.forEach((le, i) => {
      out.push(`${hist}_bucket${labels({ ...route, le: String(le / 1000) })} ${acc.buckets[i] ?? 0}`);
    });
    out.push(
      `${hist}_bucket${labels({ ...route, le: "+Inf" })} ${acc.count}`,
      `${hist}_sum${labels(route)} ${acc.sumMs / 1000}`,
      `${hist}_count${labels(route)} ${acc.count}`,
    );
  }

  family("gateway_upstream_target_healthy", "gauge", "1 when the target is in rotation (health checks), else 0.");
  for (const s of services)
    for (const t of s.targets)
      out.push(`gateway_upstream_target_healthy${labels({ service: s.name, target: t.targetId })} ${t.healthy ? 1 : 0}`);
  family("gateway_circuit_breaker_state", "gauge", "The target's circuit breaker: 1 for its current state, 0 for the others.");
  for (const s of services)
    for (const t of s.targets)
      for (const state of BREAKER_STATES)
        out.push(`gateway_circuit_breaker_state${labels({ service: s.name, target: t.targetId, state })} ${t.breaker === state ? 1 : 0}`);
  return `${out.join("\n")}\n`;
}
