// The plugin rules of a config: each plugin's config against its own schema, at most once per list, the
// order security needs (acl and rate limits by consumer or key after auth; cache never before auth, acl or
// ip-restriction, or a cached answer would skip them), and references inside plugin configs (auth's issuers,
// aggregate's services, path templates' :params, which every path pattern of the route must have).
import type { PluginName } from "../contract";
import { PLUGINS } from "../plugins/registry";
import type { GatewayConfig, PluginEntry } from "./model";
import { type Add, formatPath } from "./names";

/** Plugins a cached answer would skip: `cache` must come after them. */
const GUARDS = new Set<PluginName>(["auth", "acl", "ip-restriction"]);

/**
 * Checks a route's (`routePaths` given) or a consumer's (null: overrides) plugin list.
 *
 * @example checkPlugins(route.plugins, "routes[0].plugins", config, add, route.paths);
 */
export function checkPlugins(plugins: PluginEntry[], at: string, c: GatewayConfig, add: Add, routePaths: string[] | null): void {
  const seen = new Set<PluginName>();
  const consumer = routePaths === null;
  for (const [j, p] of plugins.entries()) {
    const here = `${at}[${j}]`;
    if (seen.has(p.name)) add(`${here}.name`, `The plugin ${p.name} appears twice`);
    if (consumer && (p.name === "auth" || p.name === "aggregate"))
      add(`${here}.name`, `${p.name} cannot be overridden per consumer (it runs before the consumer is known)`);
    if (!consumer && GUARDS.has(p.name) && seen.has("cache"))
      add(`${here}.name`, `${p.name} must come before cache (a cached answer would skip it)`);
    const parsed = PLUGINS[p.name].schema.safeParse(p.config);
    seen.add(p.name);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) add(formatPath([`${here}.config`, ...issue.path]), issue.message);
      continue;
    }
    const config = parsed.data as Record<string, unknown>;
    const needsAuth = p.name === "acl" || (p.name === "rate-limit" && (config.by === "consumer" || config.by === "key"));
    if (!consumer && needsAuth && !plugins.slice(0, j).some((q) => q.name === "auth"))
      add(
        `${here}.name`,
        `${p.name}${p.name === "rate-limit" ? ` by ${String(config.by)}` : ""} needs the auth plugin earlier in the list`,
      );
    checkReferences(p.name, config, here, c, add, routePaths);
  }
}

const PARAM = /:([A-Za-z_][A-Za-z0-9_]{0,31})/g;

/** Why a path template may not be used on a route with these patterns, or null. */
function templateProblem(template: string, routePaths: string[]): string | null {
  if (template.length > 2048) return null; // the plugin's own schema reports it
  for (const [, name] of template.matchAll(PARAM)) {
    const missing = routePaths.find((p) => !p.split("/").includes(`:${name}`));
    if (missing) return `:${name} is not a parameter of the route's path ${missing}`;
  }
  if (template.includes("*")) {
    const missing = routePaths.find((p) => !p.endsWith("/*") && p !== "*");
    if (missing) return `* needs every path of the route to end with /* (${missing} does not)`;
  }
  return null;
}

const object = (v: unknown): Record<string, unknown> => (typeof v === "object" && v !== null ? (v as Record<string, unknown>) : {});

function checkReferences(
  name: PluginName,
  config: Record<string, unknown>,
  at: string,
  c: GatewayConfig,
  add: Add,
  routePaths: string[] | null,
) {
  if (name === "auth" && Array.isArray(config.issuers)) {
    const issuers = new Set(c.issuers.map((s) => s.name));
    for (const [k, issuer] of config.issuers.entries())
      if (typeof issuer === "string" && !issuers.has(issuer)) add(`${at}.config.issuers[${k}]`, `Unknown issuer ${issuer}`);
  }
  if (name === "aggregate" && Array.isArray(config.calls)) {
    const services = new Set(c.services.map((s) => s.name));
    for (const [k, call] of config.calls.entries()) {
      const { service, path } = object(call);
      if (typeof service === "string" && !services.has(service)) add(`${at}.config.calls[${k}].service`, `Unknown service ${service}`);
      const problem = typeof path === "string" && routePaths ? templateProblem(path, routePaths) : null;
      if (problem) add(`${at}.config.calls[${k}].path`, problem);
    }
  }
  if (name === "transform" && routePaths) {
    const rewrite = object(object(object(config.request).path)).rewrite;
    const problem = typeof rewrite === "string" ? templateProblem(rewrite, routePaths) : null;
    if (problem) add(`${at}.config.request.path.rewrite`, problem);
  }
}
