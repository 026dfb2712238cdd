// Publishing a config version configures every monitored service's ServiceHealth object.

import type { Snapshot } from "../contract";
import { healthStub, isMonitored } from "./stub";

/**
 * Configures the ServiceHealth object of every monitored service of `snapshot` with its compiled service
 * and the snapshot's config version (an object ignores a version older than the one it has, so a late
 * call from an old isolate never undoes a newer config). It (re)arms or clears active health checks.
 * A service without health config is skipped: its object (if it had one) stops its checks on its own
 * once it has not been configured for a few minutes (the cron configures live ones every minute).
 * Never throws: a failed object is configured again by the next cron run. Returns how many succeeded.
 *
 * @example deps.defer(syncHealth(env, snapshot)); // on every publish (config/)
 */
export async function syncHealth(env: Env, snapshot: Snapshot): Promise<number> {
  const services = Object.values(snapshot.services).filter(isMonitored);
  const results = await Promise.allSettled(
    services.map((service) => healthStub(env, snapshot.workspaceId, service.id).configure(service, snapshot.version)),
  );
  return results.filter((r) => r.status === "fulfilled").length;
}
