// A route's plugins, run in the route's order around the final upstream call (Koa-style: each may answer
// itself or call `next` and adjust what comes back). Once `auth` has identified a consumer, every later plugin
// runs with that consumer's override config for it, if the consumer has one. Each (route, config) pair's
// middleware is built once and kept with the (immutable) snapshot objects.

import type { CompiledRoute, GatewayMiddleware, PluginInstance, ProxyContext } from "../contract";
import { PLUGINS } from "../plugins/registry";
import { problem, thrownProblem } from "./problem";

const built = new WeakMap<PluginInstance, WeakMap<CompiledRoute, GatewayMiddleware>>();

/** The middleware of `instance` on `route`, created on first use. */
export function middlewareOf(instance: PluginInstance, route: CompiledRoute): GatewayMiddleware {
  let byRoute = built.get(instance);
  if (!byRoute) {
    byRoute = new WeakMap();
    built.set(instance, byRoute);
  }
  let middleware = byRoute.get(route);
  if (!middleware) {
    middleware = PLUGINS[instance.name].create(instance.config as never, route);
    byRoute.set(route, middleware);
  }
  return middleware;
}

/** The consumer's own config of plugin `name`, once `auth` has run and found a consumer with one. */
function overrideOf(ctx: ProxyContext, name: PluginInstance["name"]): PluginInstance | null {
  if (!ctx.consumer) return null;
  const consumer = ctx.snapshot.consumers[ctx.consumer.id];
  if (!consumer || consumer.plugins.length === 0) return null;
  return consumer.plugins.find((p) => p.name === name) ?? null;
}

/** The route's own last step: its service, through `ctx.send`. */
function terminal(ctx: ProxyContext): Promise<Response> {
  const serviceId = ctx.route.serviceId;
  if (serviceId === null) return Promise.resolve(problem("bad_gateway", "This route has no service to call", ctx.requestId));
  return ctx.send(serviceId, ctx.request, ctx.upstreamPath, ctx.upstreamQuery);
}

/**
 * Runs the route's plugins around the upstream call; a plugin's throw becomes its problem response (an
 * ApiError keeps its status; anything else is a 500 without details).
 *
 * @example const response = await runPipeline(ctx);
 */
export function runPipeline(ctx: ProxyContext): Promise<Response> {
  const plugins = ctx.route.plugins;
  const authAt = plugins.findIndex((p) => p.name === "auth");
  const dispatch = async (i: number): Promise<Response> => {
    if (i >= plugins.length) return terminal(ctx);
    const own = plugins[i] as PluginInstance;
    const instance = i > authAt && authAt >= 0 ? (overrideOf(ctx, own.name) ?? own) : own;
    try {
      return await middlewareOf(instance, ctx.route)(ctx, () => dispatch(i + 1));
    } catch (error) {
      ctx.log.error ??= "plugin_error";
      return thrownProblem(error, ctx.requestId);
    }
  };
  return dispatch(0);
}
