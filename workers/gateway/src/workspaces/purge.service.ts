import { ApiError } from "@edgeworks/http";
import { purgeRoute } from "../config";
import { getConfig } from "../config/store";
import type { ConfigDeps } from "../deps";
import type { WorkspaceRow } from "../schema";
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
  throw new ApiError("validation_failed", "Purging one path is not available yet", {
    errors: [{ path: "path", location: "body", message: "Not supported yet; purge the whole route" }],
  });
}
