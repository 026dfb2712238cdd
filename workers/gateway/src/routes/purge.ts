import { createRouter } from "@edgeworks/http";
import type { GatewayEnv } from "../product";
import { requireWorkspace } from "../workspaces/access";
import { configDepsOf } from "../workspaces/deps";
import { purgeCache } from "../workspaces/purge.service";
import { purgeRoute } from "./purge.openapi";

/** /workspaces/{ws}/cache/purge: drop a route's cached responses, or one of them. */
export const purgeRouter = createRouter<GatewayEnv>().openapi(purgeRoute, async (c) => {
  const ws = await requireWorkspace(c, c.req.valid("param").ws, "admin");
  return c.json(await purgeCache(configDepsOf(c), ws, c.req.valid("json")), 200);
});
