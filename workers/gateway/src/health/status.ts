// Per service, per target: health, breaker and the numbers behind them (the status route and page).

import type { CompiledService, Snapshot } from "../contract";
import { healthStub, isMonitored } from "./stub";
import type { HealthStates, ProbeResult, TargetHealth } from "./types";

/** One target of {@link ServiceStatus}. */
export interface TargetStatus {
  targetId: string;
  url: string | null;
  binding: string | null;
  weight: number;
  healthy: boolean;
  breaker: "closed" | "open" | "half-open";
  consecutiveFailures: number;
  /** The breaker's current window: attempts, failed ones, ones at or over the p95 limit. */
  window: { requests: number; errors: number; slow: number };
  /** Epoch ms; null when not open. */
  openedAt: number | null;
  halfOpenAt: number | null;
  lastProbe: ProbeResult | null;
}

/** One service's health, as `serviceStatuses` answers. */
export interface ServiceStatus {
  serviceId: string;
  name: string;
  /** Which mechanisms watch it (none: every target is always healthy and closed). */
  monitoring: { activeChecks: boolean; passive: boolean; breaker: boolean };
  /** False when its ServiceHealth object could not be read (targets then show healthy/closed, unknown numbers as 0). */
  available: boolean;
  targets: TargetStatus[];
}

/**
 * The health of every service of `snapshot` (sorted by name), reading the monitored services'
 * ServiceHealth objects in parallel (one RPC each); unmonitored services cost nothing.
 *
 * @example const services = await serviceStatuses(env, snapshot); // GET …/status
 */
export async function serviceStatuses(env: Env, snapshot: Snapshot): Promise<ServiceStatus[]> {
  const services = Object.values(snapshot.services).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return Promise.all(
    services.map(async (service) => {
      if (!isMonitored(service)) return statusOf(service, null, true);
      try {
        return statusOf(service, await healthStub(env, snapshot.workspaceId, service.id).states(), true);
      } catch {
        return statusOf(service, null, false);
      }
    }),
  );
}

function statusOf(service: CompiledService, states: HealthStates | null, available: boolean): ServiceStatus {
  return {
    serviceId: service.id,
    name: service.name,
    monitoring: {
      activeChecks: service.healthCheck !== null,
      passive: service.passiveUnhealthyThreshold > 0,
      breaker: service.breaker !== null,
    },
    available,
    targets: service.targets.map((target) => {
      const health: TargetHealth | undefined = states?.targets[target.id];
      return {
        targetId: target.id,
        url: target.url,
        binding: target.binding,
        weight: target.weight,
        healthy: health?.healthy ?? true,
        breaker: health?.breaker ?? "closed",
        consecutiveFailures: health?.consecutiveFailures ?? 0,
        window: health?.window ?? { requests: 0, errors: 0, slow: 0 },
        openedAt: health?.openedAt ?? null,
        halfOpenAt: health?.halfOpenAt ?? null,
        lastProbe: health?.lastProbe ?? null,
      };
    }),
  };
}
