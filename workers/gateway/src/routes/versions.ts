import { createRouter, iso } from "@edgeworks/http";
import { diffConfigs } from "../config";
import { getVersion, listVersions, rollback } from "../config/store";
import type { GatewayEnv } from "../product";
import { requireWorkspace } from "../workspaces/access";
import { etagOf } from "../workspaces/config-io";
import { configDepsOf, ifMatchVersion } from "../workspaces/deps";
import { diffVersionsRoute, getVersionRoute, listVersionsRoute, rollbackRoute } from "./versions.openapi";

const infoOf = (v: { version: number; createdAt: number; createdBy: string; message: string }) => ({
  version: v.version,
  createdAt: iso(v.createdAt),
  createdBy: v.createdBy,
  message: v.message,
});

/** /workspaces/{ws}/config/versions: the history, one version, a diff of two, and rollback. */
export const versionsRouter = createRouter<GatewayEnv>()
  .openapi(listVersionsRoute, async (c) => {
    const ws = await requireWorkspace(c, c.req.valid("param").ws, "viewer");
    const page = await listVersions(configDepsOf(c), ws, c.req.valid("query"));
    return c.json({ items: page.items.map(infoOf), nextCursor: page.nextCursor }, 200);
  })
  .openapi(getVersionRoute, async (c) => {
    const { ws: slug, version } = c.req.valid("param");
    const ws = await requireWorkspace(c, slug, "viewer");
    const found = await getVersion(configDepsOf(c), ws, version);
    return c.json({ ...infoOf(found), config: found.config }, 200);
  })
  .openapi(diffVersionsRoute, async (c) => {
    const { ws: slug, version } = c.req.valid("param");
    const ws = await requireWorkspace(c, slug, "viewer");
    const against = c.req.valid("query").against ?? Math.max(1, version - 1);
    const deps = configDepsOf(c);
    const [from, to] = await Promise.all([getVersion(deps, ws, against), getVersion(deps, ws, version)]);
    return c.json({ from: from.version, to: to.version, changes: diffConfigs(from.config, to.config) }, 200);
  })
  .openapi(rollbackRoute, async (c) => {
    const { ws: slug, version } = c.req.valid("param");
    const ws = await requireWorkspace(c, slug, "admin");
    const result = await rollback(configDepsOf(c), ws, version, { ifVersion: ifMatchVersion(c.req.header("If-Match")) });
    c.header("Location", `/gateway/v1/workspaces/${slug}/config/versions/${result.version}`);
    c.header("ETag", etagOf(result.version));
    return c.json(result, 201);
  });
