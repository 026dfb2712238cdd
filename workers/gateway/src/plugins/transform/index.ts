import type { PluginDefinition } from "../../contract";
import { transformRequest } from "./request";
import { transformResponse } from "./response";
import { schema } from "./schema";

/**
 * The `transform` plugin: request and response headers (add/remove/rename), query parameters, path
 * (stripPrefix or a `:param` rewrite that can never leave the workspace's tree), and JSON body field mapping
 * (remove/rename/add constant on dotted paths) in both directions, for JSON bodies ≤ maxBodyBytes.
 * Header names and values are checked when the config is saved (tokens; no CR/LF/NUL), so a transform can
 * never inject a header.
 *
 * @example { name: "transform", config: { request: { path: { stripPrefix: "/api" } }, response: { headers: { remove: ["server"] } } } }
 */
export const plugin: PluginDefinition<typeof schema> = {
  name: "transform",
  schema,
  create: (config) => async (ctx, next) => {
    const refused = await transformRequest(ctx, config);
    if (refused) return refused;
    return transformResponse(await next(), config, ctx);
  },
};
