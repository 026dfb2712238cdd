import type { PluginDefinition } from "../../contract";
import { pluginProblem } from "../problem";
import { runCall } from "./call";
import { merge } from "./merge";
import { schema } from "./schema";

/**
 * The `aggregate` plugin (KrakenD style): answers the route itself by calling several services in
 * parallel through ctx.send and merging their JSON. A call that fails, times out or is not JSON becomes
 * null with a `warnings` entry and `X-Aggregate-Partial: true` (200); when every call fails, a 502 problem
 * listing the warnings.
 *
 * @example { name: "aggregate", config: { calls: [{ name: "user", service: "users", path: "/users/:id" }, { name: "orders", service: "orders", path: "/orders/:id" }] } }
 */
export const plugin: PluginDefinition<typeof schema> = {
  name: "aggregate",
  schema,
  create: (config) => async (ctx) => {
    const results = await Promise.all(config.calls.map((call) => runCall(ctx, call, config)));
    const failed = results.filter((r) => !r.ok).length;
    const body = merge(results, config.merge);
    if (failed === results.length) {
      return pluginProblem(ctx, "bad_gateway", "Every upstream call of this route failed", {
        extensions: { warnings: body.warnings },
        logCode: "aggregate_failed",
      });
    }
    const headers = new Headers({ "content-type": "application/json" });
    if (failed > 0) headers.set("x-aggregate-partial", "true");
    return new Response(ctx.request.method === "HEAD" ? null : JSON.stringify(body), { status: 200, headers });
  },
};
