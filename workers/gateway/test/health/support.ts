// Helpers of the health tests: a monitored service, attempt outcomes, a fresh ServiceHealth object per test
// with a clock the test moves (no sleeping), and a scope of the fake upstream Workers per test.
import { env, runInDurableObject } from "cloudflare:test";
import type { AttemptOutcome, CompiledBreaker, CompiledHealthCheck, CompiledService } from "../../src/contract";
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
