import { ApiError } from "@edgeworks/http";
import type { CompiledRoute, Snapshot } from "../../contract";
import { baseKey } from "./key";
import { openCache } from "./store";

/**
 * Purges one path of a route (`/v1/users/7?x=1`, the path under the workspace with its query) from the
 * cache: deletes its base entry, which makes every stored variant of it (every consumer, every varied
 * header value) unreachable. Returns how many entries went (0 or 1). The Cache API is per data centre, so
 * this purges where it runs; purging a whole route is a generation bump (config's purgeRoute), global.
 * A path not starting with "/" (or longer than 2048) is a 422.
 *
 * @example const purged = await purgeKey(env, snapshot, route, "/v1/users/7?x=1");
 */
export async function purgeKey(
  _env: Env,
  snapshot: Pick<Snapshot, "workspaceId" | "cacheGenerations">,
  route: Pick<CompiledRoute, "id">,
  path: string,
): Promise<number> {
  if (!path.startsWith("/") || path.startsWith("//") || path.length > 2048) {
    throw new ApiError("validation_failed", "path must be a path under the workspace starting with /", {
      errors: [{ path: "path", location: "body", message: "must start with a single / and be at most 2048 characters" }],
    });
  }
  // parsed the way the proxy parses a request URL, so the same spelling reaches the same key
  const url = new URL(path, "https://gateway.invalid");
  const base = await baseKey(snapshot, route, url.pathname, url.searchParams);
  return (await (await openCache()).delete(base)) ? 1 : 0;
}
