// validateConfig: the whole document's rules. The zod model checks shapes; this adds what needs the whole
// document (unique names, references by name, duplicate routes, plugin configs and order, target safety)
// and assigns ids (kept from the previous version by name, else new). Every problem is a 422 path.
import { ApiError, type FieldError } from "@edgeworks/http";
import { assignIds } from "./ids";
import { type GatewayConfig, gatewayConfigSchema, MAX_CONFIG_BYTES } from "./model";
import { type Add, formatPath } from "./names";
import { checkPlugins } from "./plugin-rules";
import { bindingProblem, targetProblem } from "./targets";

const MAX_ERRORS = 50;

/** Options of {@link validateConfig}. */
export interface ValidateOptions {
  env: Pick<Env, "DEV_MODE" | "UPSTREAM_BINDINGS">;
  /** The version it replaces: entities without an id keep the id of the one with the same name. */
  previous?: GatewayConfig;
}

/**
 * Validates a whole config document (an import, or a mutated copy of the current one) and returns it with
 * defaults and ids filled in. Throws 413 `payload_too_large` above 512 KiB of JSON and 422
 * `validation_failed` listing every problem (at most 50) with its path.
 *
 * @example const config = validateConfig(JSON.parse(body), { env, previous: current.config });
 */
export function validateConfig(input: unknown, options: ValidateOptions): GatewayConfig {
  let json: string;
  try {
    json = JSON.stringify(input) ?? "";
  } catch {
    // a cycle, or nesting deeper than the stack: no config looks like that
    throw invalid([{ path: "", message: "The document is cyclic or nested too deeply" }]);
  }
  const size = new TextEncoder().encode(json).byteLength;
  if (size > MAX_CONFIG_BYTES) throw new ApiError("payload_too_large", `The config is ${size} bytes; at most ${MAX_CONFIG_BYTES}`);
  const parsed = gatewayConfigSchema.safeParse(input);
  if (!parsed.success) {
    throw invalid(parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })));
  }
  const config = assignIds(parsed.data, options.previous);
  const errors: FieldError[] = [];
  const add = (path: string, message: string) => {
    if (errors.length < MAX_ERRORS) errors.push({ path, location: "body", message });
  };
  checkUnique(config, add);
  checkServices(config, options.env, add);
  checkRoutes(config, add);
  checkConsumers(config, add);
  for (const [i, issuer] of config.issuers.entries()) {
    const problem = targetProblem(issuer.jwksUrl, options.env, []);
    if (problem) add(`issuers[${i}].jwksUrl`, problem);
  }
  if (errors.length) throw invalid(errors);
  return config;
}

/** The 422: one message per path (the first; a too-long name need not also be told its pattern), at most 50. */
function invalid(errors: FieldError[]): ApiError {
  const byPath = new Map<string, FieldError>();
  for (const e of errors) if (!byPath.has(e.path)) byPath.set(e.path, { ...e, location: "body" });
  return new ApiError("validation_failed", "The config is invalid", { errors: [...byPath.values()].slice(0, MAX_ERRORS) });
}

function uniqueBy<T>(items: readonly T[], keyOf: (t: T) => string, at: (i: number) => string, what: string, add: Add) {
  const seen = new Map<string, number>();
  for (const [i, item] of items.entries()) {
    const key = keyOf(item);
    const first = seen.get(key);
    if (first === undefined) seen.set(key, i);
    else add(at(i), `Duplicate ${what} ${key.slice(0, 80)} (first at index ${first})`);
  }
}

function checkUnique(c: GatewayConfig, add: Add) {
  uniqueBy(
    c.hosts,
    (h) => h,
    (i) => `hosts[${i}]`,
    "host",
    add,
  );
  uniqueBy(
    c.services,
    (s) => s.name,
    (i) => `services[${i}].name`,
    "service name",
    add,
  );
  uniqueBy(
    c.services,
    (s) => s.id,
    (i) => `services[${i}].id`,
    "service id",
    add,
  );
  const targets = c.services.flatMap((s, i) => s.targets.map((t, j) => ({ id: t.id, at: `services[${i}].targets[${j}].id` })));
  uniqueBy(
    targets,
    (t) => t.id,
    (i) => targets[i]?.at ?? "",
    "target id",
    add,
  );
  uniqueBy(
    c.routes,
    (r) => r.name,
    (i) => `routes[${i}].name`,
    "route name",
    add,
  );
  uniqueBy(
    c.routes,
    (r) => r.id,
    (i) => `routes[${i}].id`,
    "route id",
    add,
  );
  uniqueBy(
    c.consumers,
    (r) => r.username,
    (i) => `consumers[${i}].username`,
    "consumer username",
    add,
  );
  uniqueBy(
    c.consumers,
    (r) => r.id,
    (i) => `consumers[${i}].id`,
    "consumer id",
    add,
  );
  uniqueBy(
    c.issuers,
    (r) => r.name,
    (i) => `issuers[${i}].name`,
    "issuer name",
    add,
  );
}

function checkServices(c: GatewayConfig, env: ValidateOptions["env"], add: Add) {
  for (const [i, s] of c.services.entries()) {
    for (const [j, t] of s.targets.entries()) {
      const at = `services[${i}].targets[${j}]`;
      if ((t.url === undefined) === (t.binding === undefined)) add(at, "Give exactly one of url and binding");
      else if (t.url !== undefined) {
        const problem = targetProblem(t.url, env, c.hosts);
        if (problem) add(`${at}.url`, problem);
      } else if (t.binding !== undefined) {
        const problem = bindingProblem(t.binding, env);
        if (problem) add(`${at}.binding`, problem);
      }
    }
    if (s.hashOn && s.hashOn.source !== "ip" && !s.hashOn.name) add(`services[${i}].hashOn.name`, `Required for ${s.hashOn.source}`);
  }
}

/** The key two routes must not share: hosts, path pattern, method set, priority. */
const routeKey = (hosts: string[], path: string, methods: string[], priority: number) =>
  JSON.stringify([[...hosts].sort(), path, [...new Set(methods)].sort(), priority]);

function checkRoutes(c: GatewayConfig, add: Add) {
  const services = new Set(c.services.map((s) => s.name));
  const seen = new Map<string, string>();
  for (const [i, r] of c.routes.entries()) {
    const hasAggregate = r.plugins.some((p) => p.name === "aggregate");
    if (r.service === null) {
      if (!hasAggregate) add(`routes[${i}].service`, "A route without a service needs the aggregate plugin");
    } else if (!services.has(r.service)) add(`routes[${i}].service`, `Unknown service ${r.service}`);
    for (const [k, path] of r.paths.entries()) {
      const key = routeKey(r.hosts, path, r.methods, r.priority);
      const first = seen.get(key);
      if (first) add(`routes[${i}].paths[${k}]`, `Duplicate route: ${first} has the same hosts, path, methods and priority`);
      else seen.set(key, `routes[${i}] (${r.name})`);
    }
    checkPlugins(r.plugins, `routes[${i}].plugins`, c, add, r.paths);
  }
}

function checkConsumers(c: GatewayConfig, add: Add) {
  const issuers = new Set(c.issuers.map((s) => s.name));
  const subjects = new Map<string, string>();
  for (const [i, consumer] of c.consumers.entries()) {
    for (const [j, jwt] of consumer.jwt.entries()) {
      if (!issuers.has(jwt.issuer)) add(`consumers[${i}].jwt[${j}].issuer`, `Unknown issuer ${jwt.issuer}`);
      const key = JSON.stringify([jwt.issuer, jwt.subject]);
      const first = subjects.get(key);
      if (first) add(`consumers[${i}].jwt[${j}]`, `This issuer and subject already identify ${first}`);
      else subjects.set(key, consumer.username);
    }
    checkPlugins(consumer.plugins, `consumers[${i}].plugins`, c, add, null);
  }
}
