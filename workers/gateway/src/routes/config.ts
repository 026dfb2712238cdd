import { contentDisposition, createRouter } from "@edgeworks/http";
import { renderConfig } from "../config";
import { getConfig } from "../config/store";
import type { GatewayEnv } from "../product";
import { requireWorkspace } from "../workspaces/access";
import { readConfigText, replaceConfig } from "../workspaces/config.service";
import { bodyFormat, contentTypeOf, etagOf, preferredFormat } from "../workspaces/config-io";
import { configDepsOf, ifMatchVersion } from "../workspaces/deps";
import { exportConfigRoute, getConfigRoute, putConfigRoute } from "./config.openapi";

/** /workspaces/{ws}/config: the whole document (JSON or YAML), its ETag, import and export. */
export const configRouter = createRouter<GatewayEnv>()
  .openapi(getConfigRoute, async (c) => {
    const ws = await requireWorkspace(c, c.req.valid("param").ws, "viewer");
    const { version, config } = await getConfig(configDepsOf(c), ws);
    c.header("ETag", etagOf(version));
    c.header("Vary", "Accept");
    if (preferredFormat(c.req.header("Accept")) === "yaml") {
      return c.body(renderConfig(config, "yaml"), 200, { "Content-Type": contentTypeOf("yaml") });
    }
    return c.json({ version, config }, 200);
  })
  .openapi(putConfigRoute, async (c) => {
    const { ws: slug } = c.req.valid("param");
    const ws = await requireWorkspace(c, slug, "admin");
    const query = c.req.valid("query");
    const format = bodyFormat(c.req.header("Content-Type"));
    const input = readConfigText(await c.req.text(), format);
    const result = await replaceConfig(configDepsOf(c), ws, input, {
      message: query.message,
      ifVersion: ifMatchVersion(c.req.header("If-Match")),
      dryRun: query.dryRun === "true",
    });
    c.header("ETag", etagOf(result.version));
    return c.json(result, 200);
  })
  .openapi(exportConfigRoute, async (c) => {
    const { ws: slug } = c.req.valid("param");
    const ws = await requireWorkspace(c, slug, "viewer");
    const { format } = c.req.valid("query");
    const { version, config } = await getConfig(configDepsOf(c), ws);
    c.header("Content-Disposition", contentDisposition(`gateway-${slug}-v${version}.${format}`, "attachment"));
    return c.body(renderConfig(config, format), 200, { "Content-Type": contentTypeOf(format) });
  });
