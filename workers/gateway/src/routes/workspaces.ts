import { createRouter } from "@edgeworks/http";
import { depsOf, type GatewayEnv } from "../product";
import { configDepsOf } from "../workspaces/deps";
import { createWorkspace, deleteWorkspace, getWorkspace, listMyWorkspaces, renameWorkspace } from "../workspaces/workspaces.service";
import {
  createWorkspaceRoute,
  deleteWorkspaceRoute,
  getWorkspaceRoute,
  listWorkspacesRoute,
  updateWorkspaceRoute,
} from "./workspaces.openapi";

/** /workspaces: the caller's workspaces; each owns a config, members, keys and analytics. */
export const workspacesRouter = createRouter<GatewayEnv>()
  .openapi(listWorkspacesRoute, async (c) => c.json(await listMyWorkspaces(depsOf(c), c.req.valid("query")), 200))
  .openapi(createWorkspaceRoute, async (c) => {
    const ws = await createWorkspace(configDepsOf(c), c.req.valid("json"));
    c.header("Location", `/gateway/v1/workspaces/${ws.slug}`);
    return c.json(ws, 201);
  })
  .openapi(getWorkspaceRoute, async (c) => c.json(await getWorkspace(depsOf(c), c.req.valid("param").ws), 200))
  .openapi(updateWorkspaceRoute, async (c) => c.json(await renameWorkspace(depsOf(c), c.req.valid("param").ws, c.req.valid("json")), 200))
  .openapi(deleteWorkspaceRoute, async (c) => {
    await deleteWorkspace(depsOf(c), c.req.valid("param").ws);
    return c.body(null, 204);
  });
