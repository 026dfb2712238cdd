import { eq } from "drizzle-orm";
import type { Db } from "../deps";
import { gatewayLogs, gatewayLogTotals } from "./schema";

/**
 * The statements that delete a workspace's analytics (raw logs and running totals), for the caller's
 * db.batch when the workspace itself is deleted. A very busy workspace's logs (7 days) may be many rows;
 * they go in the same transaction, so a deleted workspace never leaves orphans.
 *
 * @example await db.batch([...forgetWorkspaceAnalytics(db, ws.id), db.delete(workspaces).where(eq(workspaces.id, ws.id))]);
 */
export function forgetWorkspaceAnalytics(db: Db, workspaceId: string) {
  return [
    db.delete(gatewayLogs).where(eq(gatewayLogs.workspaceId, workspaceId)),
    db.delete(gatewayLogTotals).where(eq(gatewayLogTotals.workspaceId, workspaceId)),
  ] as const;
}
