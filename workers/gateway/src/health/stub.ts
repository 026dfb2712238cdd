// Which services have a ServiceHealth object, and how to reach it.

import type { CompiledService } from "../contract";
import type { ServiceHealth } from "../do/service-health";

/**
 * Whether a service needs its ServiceHealth object at all: an active health check, passive checks or a
 * circuit breaker. A service with none of them is always healthy and closed and never touches the object.
 *
 * @example if (!isMonitored(service)) return ALWAYS_HEALTHY;
 */
export function isMonitored(service: CompiledService): boolean {
  return service.healthCheck !== null || service.passiveUnhealthyThreshold > 0 || service.breaker !== null;
}

/**
 * The ServiceHealth object of one service of one workspace (`idFromName(workspaceId + "/" + serviceId)`).
 *
 * @example const states = await healthStub(env, snapshot.workspaceId, service.id).states();
 */
export function healthStub(env: Env, workspaceId: string, serviceId: string): DurableObjectStub<ServiceHealth> {
  return env.SERVICE_HEALTH.get(env.SERVICE_HEALTH.idFromName(`${workspaceId}/${serviceId}`));
}
