// The cron (every minute): every workspace's current snapshot → syncHealth. It keeps every monitored service's
// ServiceHealth object configured (so its active checks keep running: an object not configured for a few
// minutes stops them, which is how a deleted service or workspace stops being probed) and repairs any publish
// whose background sync was lost.

import { log } from "@edgeworks/http";
import { asc, gt } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { buildSnapshot, snapshotKey } from "../config";
import type { Snapshot } from "../contract";
import type { Db } from "../deps";
import { workspaces } from "../schema";
import { syncHealth } from "./sync";

/** Workspaces read per D1 page, and synced at once. */
const PAGE = 50;

/** What one run did: workspaces seen, objects configured, workspaces that failed (retried next minute). */
export interface HealthCronResult {
  workspaces: number;
  configured: number;
  failed: number;
}

/**
 * Syncs every workspace's health objects, in pages of 50 workspaces by id. A workspace's snapshot comes from
 * KV at its current revision (what the proxy runs on), or is compiled from D1 when KV has none. One failed
 * workspace never stops the others. Each monitored service costs one Durable Object call per minute, within
 * the invocation's subrequest limit up to roughly a thousand monitored services per deployment.
 *
 * @example const { configured } = await syncAllHealth(env);
 */
export async function syncAllHealth(env: Env): Promise<HealthCronResult> {
  const db: Db = drizzle(env.DB);
  const result: HealthCronResult = { workspaces: 0, configured: 0, failed: 0 };
  let after = "";
  for (;;) {
    const page = await db
      .select({ id: workspaces.id, revision: workspaces.revision })
      .from(workspaces)
      .where(gt(workspaces.id, after))
      .orderBy(asc(workspaces.id))
      .limit(PAGE);
    const synced = await Promise.allSettled(
      page.map(async (ws) => {
        const snapshot = await snapshotOf(env, db, ws.id, ws.revision);
        return snapshot === null ? 0 : syncHealth(env, snapshot);
      }),
    );
    result.workspaces += page.length;
    for (const s of synced) {
      if (s.status === "fulfilled") result.configured += s.value;
      else result.failed++;
    }
    if (page.length < PAGE) return result;
    after = (page[page.length - 1] as { id: string }).id;
  }
}

async function snapshotOf(env: Env, db: Db, workspaceId: string, revision: number): Promise<Snapshot | null> {
  return (await env.CACHE.get<Snapshot>(snapshotKey(workspaceId, revision), "json")) ?? buildSnapshot(db, workspaceId);
}

/**
 * The scheduled handler: {@link syncAllHealth}, logged (a warning when a workspace failed).
 *
 * @example export default gateway.worker({ scheduled: runHealthCron });
 */
export async function runHealthCron(_controller: ScheduledController, env: Env, _ctx: ExecutionContext): Promise<void> {
  const result = await syncAllHealth(env);
  log(env.LOG_LEVEL, result.failed > 0 ? "warn" : "debug", "health cron", { ...result });
}
