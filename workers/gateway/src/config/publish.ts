// Publishing a write: the new revision's snapshot goes to KV (immutable, keyed by revision), this isolate's
// cached copy is dropped, and the services' ServiceHealth objects are (re)configured in the background.
import type { Snapshot } from "../contract";
import type { ConfigDeps } from "../deps";
import { syncHealth } from "../health/sync";
import { buildSnapshot } from "./compile";
import { snapshotCache } from "./snapshot-cache";

/** Old revisions expire from KV on their own (never read once the pointer moved on). */
export const SNAPSHOT_TTL_SECONDS = 7 * 24 * 3600;

/** The KV key of a workspace's snapshot at one revision. */
export const snapshotKey = (workspaceId: string, revision: number): string => `snap:${workspaceId}:${revision}`;

/**
 * Builds the workspace's snapshot as it is now (after a committed write), stores it in KV under its
 * revision, invalidates this isolate's cache and hands the health sync to `defer`. Returns the snapshot
 * (null when the workspace is gone).
 *
 * @example await publish(deps, ws.id);
 */
export async function publish(deps: Pick<ConfigDeps, "db" | "env" | "defer">, workspaceId: string): Promise<Snapshot | null> {
  snapshotCache.invalidate(workspaceId);
  const snapshot = await buildSnapshot(deps.db, workspaceId);
  if (!snapshot) return null;
  await deps.env.CACHE.put(snapshotKey(workspaceId, snapshot.revision), JSON.stringify(snapshot), { expirationTtl: SNAPSHOT_TTL_SECONDS });
  // a concurrent load may have cached the pre-write revision between the first invalidate and the build
  snapshotCache.invalidate(workspaceId);
  // health checks and breakers follow the new config off the response path (the cron re-arms them anyway)
  deps.defer(syncHealth(deps.env, snapshot));
  return snapshot;
}
