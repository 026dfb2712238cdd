import { ApiError } from "@edgeworks/http";
import { and, eq } from "drizzle-orm";
import { purgeRoute } from "../config";
import { getConfig } from "../config/store";
import type { ConfigDeps } from "../deps";
import { purgeKey } from "../plugins/cache/purge";
import { cacheGenerations, type WorkspaceRow } from "../schema";
import { findEntity } from "./entities";

/**
 * Purges a route's cached responses: all of them (a generation bump: old keys are never read again) or, with
 * `path`, the one entry for that path and query. 404 when the route is not in the current config.
 *
 * @example await purgeCache(deps, ws, { route: "users" }); // { purged: 1 }
 */
export async function purgeCache(deps: ConfigDeps, ws: WorkspaceRow, input: { route: string; path?: string }): Promise<{ purged: number }> {
  const { config } = await getConfig(deps, ws);
  const found = findEntity(config, "routes", input.route);
  if (!found) throw new ApiError("not_found", "Route not found");
  const routeId = String(found.entity.id);
  if (input.path === undefined) {
    await purgeRoute(deps, ws, routeId);
    return { purged: 1 };
  }
  // one entry: its key needs the route's current generation, as the proxy's snapshot has it
  const generation = await currentGeneration(deps, ws.id, routeId);
  const purged = await purgeKey(deps.env, { workspaceId: ws.id, cacheGenerations: { [routeId]: generation } }, { id: routeId }, input.path);
  return { purged };
}

/** The route's cache generation (0 until its first purge), the number every one of its cache keys carries. */
async function currentGeneration(deps: ConfigDeps, workspaceId: string, routeId: string): Promise<number> {
  const [row] = await deps.db
    .select({ generation: cacheGenerations.generation })
    .from(cacheGenerations)
    .where(and(eq(cacheGenerations.workspaceId, workspaceId), eq(cacheGenerations.routeId, routeId)))
    .limit(1);
  return row?.generation ?? 0;
}
