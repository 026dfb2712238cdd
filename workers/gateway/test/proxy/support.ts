// Snapshots built in the test (contract.ts shapes) and a way to send a request through the proxy core
// (`proxyBySlug`, exactly what proxyFetch runs for /gw/…) to the fake upstream Workers UPSTREAM_A/B/C,
// without the admin API. The end-to-end tests (proxy.e2e-ish ones) configure through the admin API instead.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import type { CompiledRoute, CompiledService, CompiledTarget, Snapshot } from "../../src/contract";
import { proxyBySlug } from "../../src/proxy/handle";

export const ORIGIN = "http://gateway.test";

/** A binding target on the fake upstream `UPSTREAM_<letter>`, id `tgt_<letter>`. */
export const upstream = (letter: "A" | "B" | "C", weight = 100): CompiledTarget => ({
  id: `tgt_${letter}`,
  url: null,
  binding: `UPSTREAM_${letter}`,
  weight,
});

/** A service `svc_1` over A, B and C (round-robin, no health config, 1 retry); `overrides` replace fields. */
export function service(overrides: Partial<CompiledService> = {}): CompiledService {
  return {
    id: "svc_1",
    name: "svc",
    targets: [upstream("A"), upstream("B"), upstream("C")],
    algorithm: "round-robin",
    hashOn: null,
    connectTimeoutMs: 5000,
    readTimeoutMs: 30_000,
    retries: 1,
    healthCheck: null,
    passiveUnhealthyThreshold: 0,
    breaker: null,
    ...overrides,
  };
}

/** A route `rte_1` on `/v1/*` to `svc_1`; `overrides` replace fields. */
export function route(overrides: Partial<CompiledRoute> = {}): CompiledRoute {
  return { id: "rte_1", name: "r", hosts: [], paths: ["/v1/*"], methods: [], priority: 0, serviceId: "svc_1", plugins: [], ...overrides };
}

/** A snapshot of workspace `ws` (slug) with the given services and routes. */
export function snapshot(parts: { services?: CompiledService[]; routes?: CompiledRoute[]; slug?: string } = {}): Snapshot {
  const services = parts.services ?? [service()];
  return {
    workspaceId: `ws_${crypto.randomUUID().slice(0, 8)}`,
    slug: parts.slug ?? "ws",
    version: 1,
    revision: 1,
    hosts: [],
    services: Object.fromEntries(services.map((s) => [s.id, s])),
    routes: parts.routes ?? [route()],
    consumers: {},
    keyHashes: {},
    issuers: {},
    cacheGenerations: {},
  };
}

/**
 * Sends `path` (under the workspace) through the proxy with `snap` as the workspace's snapshot; waits for
 * the request's waitUntil work (logs, health reports) after the response.
 */
export async function through(snap: Snapshot, path: string, init?: RequestInit, testEnv: Env = env): Promise<Response> {
  const request = new Request(`${ORIGIN}/gw/${snap.slug}${path}`, init);
  const exec = createExecutionContext();
  const res = await proxyBySlug(request, testEnv, exec, new URL(request.url), async (_e, _x, lookup) =>
    "slug" in lookup && lookup.slug === snap.slug ? snap : null,
  );
  await waitOnExecutionContext(exec);
  return res;
}

/** What the fake upstream echoed. */
export interface Echo {
  name: string;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
}

/** Which upstream (A/B/C) answered each of `n` GETs of `path`. */
export async function whoAnswers(snap: Snapshot, n: number, path = "/v1/x", init?: RequestInit): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await through(snap, path, init);
    names.push(res.headers.get("X-Upstream") ?? `status ${res.status}`);
    await res.body?.cancel();
  }
  return names;
}

/** Sets a scope's stateful controls on the fake upstream `letter` (see test/upstream/worker.ts). */
export async function control(letter: "A" | "B" | "C", body: Record<string, unknown>): Promise<void> {
  const fetcher = (env as unknown as Record<string, Fetcher>)[`UPSTREAM_${letter}`] as Fetcher;
  const res = await fetcher.fetch("https://upstream/__control", { method: "POST", body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`control ${letter}: ${res.status}`);
}

/** The methods the fake upstream `letter` saw in a scope. */
export async function seen(letter: "A" | "B" | "C", scope: string): Promise<string[]> {
  const fetcher = (env as unknown as Record<string, Fetcher>)[`UPSTREAM_${letter}`] as Fetcher;
  const res = await fetcher.fetch(`https://upstream/__control?fake-scope=${scope}`);
  return ((await res.json()) as { methods: string[] }).methods;
}

/** Counts of each value. */
export const tally = (values: string[]): Record<string, number> =>
  values.reduce<Record<string, number>>((acc, v) => {
    acc[v] = (acc[v] ?? 0) + 1;
    return acc;
  }, {});
