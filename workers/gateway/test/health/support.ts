// Helpers of the health tests: a monitored service, attempt outcomes, a fresh ServiceHealth object per test
// with a clock the test moves (no sleeping), and a scope of the fake upstream Workers per test.
import { env, runInDurableObject } from "cloudflare:test";
import type { AttemptOutcome, CompiledBreaker, CompiledHealthCheck, CompiledService, Snapshot } from "../../src/contract";
import type { ServiceHealth } from "../../src/do/service-health";

/** The time every test starts at (epoch ms, a whole second). */
export const T0 = 1_800_000_000_000;

export const BREAKER: CompiledBreaker = {
  windowSeconds: 10,
  minRequests: 10,
  errorRatePercent: 50,
  p95LatencyMs: null,
  openSeconds: 30,
  halfOpenProbes: 2,
};

export const CHECK: CompiledHealthCheck = {
  path: "/health",
  intervalSeconds: 10,
  timeoutMs: 1000,
  healthyThreshold: 2,
  unhealthyThreshold: 3,
  healthyStatuses: [200],
};

/** A service with targets tgt_a and tgt_b (bound to UPSTREAM_A/B) and no health config; `overrides` replace fields. */
export function service(overrides: Partial<CompiledService> = {}): CompiledService {
  return {
    id: `svc_${crypto.randomUUID().slice(0, 8)}`,
    name: "svc",
    targets: [
      { id: "tgt_a", url: null, binding: "UPSTREAM_A", weight: 100 },
      { id: "tgt_b", url: null, binding: "UPSTREAM_B", weight: 100 },
    ],
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

/** `n` outcomes for a target at time `at`: `failed` of them failed, each taking `latencyMs`. */
export function outcomes(targetId: string, n: number, opts: { failed?: number; latencyMs?: number; at?: number } = {}): AttemptOutcome[] {
  const failed = opts.failed ?? 0;
  return Array.from({ length: n }, (_, i) => ({
    targetId,
    at: opts.at ?? T0,
    failed: i < failed,
    timedOut: false,
    latencyMs: opts.latencyMs ?? 20,
    status: i < failed ? 503 : 200,
  }));
}

/** A ServiceHealth object of its own, a clock starting at T0 that only the test moves, and helpers. */
export async function healthObject(workspaceId = `ws_${crypto.randomUUID()}`) {
  const stub = env.SERVICE_HEALTH.get(env.SERVICE_HEALTH.idFromName(`${workspaceId}/${crypto.randomUUID()}`));
  const clock = { now: T0 };
  await runInDurableObject(stub, (instance: ServiceHealth) => {
    instance.now = () => clock.now;
  });
  return {
    stub,
    clock,
    /** Moves the object's clock forward. */
    advance(ms: number) {
      clock.now += ms;
    },
  };
}

/** The fake upstream's control endpoint for one scope (see test/upstream/worker.ts). */
export async function controlUpstream(binding: "UPSTREAM_A" | "UPSTREAM_B" | "UPSTREAM_C", body: Record<string, unknown>): Promise<void> {
  const upstream = (env as unknown as Record<string, Fetcher>)[binding] as Fetcher;
  const response = await upstream.fetch("https://upstream/__control", { method: "POST", body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`control of ${binding} answered ${response.status}`);
}

/** A snapshot of workspace `workspaceId` holding `services` (only the fields health reads matter). */
export function snapshotOf(workspaceId: string, services: CompiledService[], version = 1): Snapshot {
  return {
    workspaceId,
    slug: workspaceId
      .toLowerCase()
      .replace(/[^a-z0-9]/g, "")
      .slice(0, 30),
    version,
    revision: version,
    hosts: [],
    services: Object.fromEntries(services.map((s) => [s.id, s])),
    routes: [],
    consumers: {},
    keyHashes: {},
    issuers: {},
    cacheGenerations: {},
  };
}

type HealthStub = DurableObjectStub<ServiceHealth>;

/**
 * The test Worker's env with a SERVICE_HEALTH that records every RPC the code under test makes (by method
 * and object name) before passing it on; `broken` makes every RPC fail, as an unreachable object would.
 */
export function recordingEnv(options: { broken?: boolean } = {}) {
  const calls: string[] = [];
  const names = new Map<string, string>();
  const namespace = {
    idFromName(name: string) {
      const id = env.SERVICE_HEALTH.idFromName(name);
      names.set(id.toString(), name);
      return id;
    },
    get(id: DurableObjectId) {
      const stub = env.SERVICE_HEALTH.get(id);
      const name = names.get(id.toString()) ?? "?";
      const call =
        <M extends "states" | "report" | "configure" | "acquireProbe">(method: M) =>
        (...args: Parameters<HealthStub[M]>) => {
          calls.push(`${method} ${name}`);
          if (options.broken) return Promise.reject(new Error("object unreachable"));
          return (stub[method] as (...a: unknown[]) => unknown)(...args);
        };
      return { states: call("states"), report: call("report"), configure: call("configure"), acquireProbe: call("acquireProbe") };
    },
  };
  return { env: { ...env, SERVICE_HEALTH: namespace } as unknown as Env, calls };
}
