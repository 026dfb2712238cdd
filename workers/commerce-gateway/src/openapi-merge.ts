// The merged OpenAPI document of /commerce/openapi.json: the gateway's own operations plus each service's
// /commerce/v1 operations that the registry routes to it. What `pnpm client:gen` reads.
import type { Registry } from "./registry";
import { isPublicPath, routeFor } from "./registry";

type Json = Record<string, unknown>;
export interface OpenApiDoc {
  openapi?: string;
  info?: Json;
  servers?: unknown[];
  tags?: { name: string; description?: string }[];
  paths?: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
  [k: string]: unknown;
}

/** Something the merge had to decide: the same operation, component name or operationId from two documents. */
export interface Collision {
  kind: "operation" | "component" | "operationId";
  /** `GET /commerce/v1/x`, `schemas/Name` or the operationId. */
  name: string;
  /** Who kept it, and who was refused or renamed. */
  kept: string;
  other: string;
  /** For components: the name the other's copy got (`<Service>_<Name>`); for operationIds: `<service><OperationId>`. */
  renamedTo?: string;
}

export interface MergeResult {
  document: OpenApiDoc;
  collisions: Collision[];
  /** Service operations the registry routes elsewhere (or not at all): left out. */
  unrouted: string[];
}

/** Options of {@link mergeOpenApi}. */
export interface MergeOptions {
  /** The gateway's own paths that need no credentials (documented with `security: []`). */
  openPaths?: Iterable<string>;
}

/** A documented path as a concrete one (each `{param}` segment → `x`), for routing it through the registry. */
export const concretePath = (path: string): string =>
  path
    .split("/")
    .map((segment) => (segment.startsWith("{") ? "x" : segment))
    .join("/");

const problemContent = (schema: unknown) => ({ "application/problem+json": { schema } });
const retryAfter = (description: string) => ({ "Retry-After": { description, schema: { type: "integer", minimum: 0 } } });

/** What the gateway itself may answer on any proxied operation (added when the service does not document it). */
function gatewayResponses(schema: unknown): Record<string, unknown> {
  return {
    429: {
      description: "Rate limited by the gateway (per consumer, every /commerce/v1 request); see `Retry-After`",
      headers: retryAfter("Seconds to wait before the next request"),
      content: problemContent(schema),
    },
    502: { description: "The service answered an error that is not a problem document (bad gateway)", content: problemContent(schema) },
    503: {
      description: "The service is unavailable (unreachable, or not registered with a binding); see `Retry-After`",
      headers: retryAfter("Seconds to wait before trying again"),
      content: problemContent(schema),
    },
  };
}

const METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);
const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x) =>
    x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x,
  );

/** Rewrites every `$ref` of `value` through `renames` (`#/components/schemas/A` → `…/Service_A`). */
function rewriteRefs(value: unknown, renames: Map<string, string>): unknown {
  if (renames.size === 0) return value;
  if (Array.isArray(value)) return value.map((v) => rewriteRefs(v, renames));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, k === "$ref" && typeof v === "string" ? (renames.get(v) ?? v) : rewriteRefs(v, renames)]),
    );
  }
  return value;
}

/**
 * Merges `own` (the gateway's document: it wins every collision) with the services' documents. From a
 * service only `/commerce/v1` paths the registry routes to that same service are taken. An operation
 * (method + path) two documents define is kept from the first and reported; a component two documents
 * define differently is kept under its name from the first, the other's copy renamed `<Service>_<Name>`
 * with its references rewritten, and reported; identical components are shared. operationIds stay unique
 * (client generators name methods after them): a service's operationId already taken is renamed
 * `<service><OperationId>` (e.g. `cartGetHealth`) and reported.
 */
export function mergeOpenApi(
  own: OpenApiDoc,
  services: { service: string; doc: OpenApiDoc }[],
  registry: Registry,
  options: MergeOptions = {},
): MergeResult {
  const collisions: Collision[] = [];
  const unrouted: string[] = [];
  const paths: Record<string, Record<string, unknown>> = structuredClone(own.paths ?? {});
  const components: Record<string, Record<string, unknown>> = structuredClone(own.components ?? {});
  const owner = new Map<string, string>(); // "GET /path" or "schemas/Name" → who defined it
  for (const [path, item] of Object.entries(paths))
    for (const m of Object.keys(item)) if (METHODS.has(m)) owner.set(`${m.toUpperCase()} ${path}`, "gateway");
  for (const [kind, group] of Object.entries(components)) for (const name of Object.keys(group)) owner.set(`${kind}/${name}`, "gateway");
  const operationIds = new Map<string, string>(); // operationId → who defined it
  for (const item of Object.values(paths))
    for (const [m, operation] of Object.entries(item)) {
      const id = METHODS.has(m) ? operationIdOf(operation) : undefined;
      if (id !== undefined) operationIds.set(id, "gateway");
    }
  const tags = new Map((own.tags ?? []).map((t) => [t.name, t]));
  const problem = components.schemas?.Problem !== undefined ? { $ref: "#/components/schemas/Problem" } : { type: "object" };

  for (const { service, doc } of services) {
    // components first: decide the renames, then rewrite the service's refs
    const renames = new Map<string, string>();
    const adding: [string, string, unknown][] = [];
    for (const [kind, group] of Object.entries(doc.components ?? {})) {
      for (const [name, value] of Object.entries(group)) {
        const key = `${kind}/${name}`;
        const existing = components[kind]?.[name];
        if (existing === undefined) {
          adding.push([kind, name, value]);
          owner.set(key, service);
        } else if (canonical(existing) !== canonical(value)) {
          const renamedTo = `${capital(service)}_${name}`;
          renames.set(`#/components/${kind}/${name}`, `#/components/${kind}/${renamedTo}`);
          adding.push([kind, renamedTo, value]);
          collisions.push({ kind: "component", name: key, kept: owner.get(key) ?? "gateway", other: service, renamedTo });
        }
      }
    }
    for (const [kind, name, value] of adding) {
      components[kind] ??= {};
      (components[kind] as Record<string, unknown>)[name] = rewriteRefs(value, renames);
    }
    for (const [path, item] of Object.entries(doc.paths ?? {})) {
      for (const [method, operation] of Object.entries(item)) {
        if (!METHODS.has(method)) continue;
        const key = `${method.toUpperCase()} ${path}`;
        const routed = path.startsWith("/commerce/v1/") ? routeFor(registry, concretePath(path)) : null;
        if (routed?.entry.service !== service) {
          if (path.startsWith("/commerce/v1/")) unrouted.push(`${service}: ${key}`);
          continue;
        }
        const kept = owner.get(key);
        if (kept !== undefined) {
          collisions.push({ kind: "operation", name: key, kept, other: service });
          continue;
        }
        owner.set(key, service);
        paths[path] ??= {};
        let merged = withGatewayResponses(rewriteRefs(operation, renames), problem);
        const id = operationIdOf(operation);
        if (id !== undefined) {
          const taken = operationIds.get(id);
          if (taken === undefined) operationIds.set(id, service);
          else {
            const renamedTo = `${service}${capital(id)}`;
            collisions.push({ kind: "operationId", name: id, kept: taken, other: service, renamedTo });
            operationIds.set(renamedTo, service);
            merged = { ...(merged as Json), operationId: renamedTo };
          }
        }
        (paths[path] as Record<string, unknown>)[method] = merged;
      }
    }
    for (const t of doc.tags ?? []) if (!tags.has(t.name)) tags.set(t.name, t);
  }
  markPublic(paths, registry, new Set(options.openPaths ?? []));
  return {
    document: { ...own, tags: [...tags.values()], paths, components },
    collisions,
    unrouted,
  };
}

/** The operation's `operationId`, when it has a string one. */
function operationIdOf(operation: unknown): string | undefined {
  const id = operation && typeof operation === "object" ? (operation as { operationId?: unknown }).operationId : undefined;
  return typeof id === "string" ? id : undefined;
}

/** The operation with the gateway's own 429/502/503 added to its responses (a service's own wording is kept). */
function withGatewayResponses(operation: unknown, problem: unknown): unknown {
  if (!operation || typeof operation !== "object") return operation;
  const op = operation as { responses?: Record<string, unknown> };
  return { ...op, responses: { ...gatewayResponses(problem), ...(op.responses ?? {}) } };
}

/** `security: []` on every operation that needs no credentials: the gateway's open paths and the registry's public ones. */
function markPublic(paths: Record<string, Record<string, unknown>>, registry: Registry, openPaths: Set<string>): void {
  for (const [path, item] of Object.entries(paths)) {
    if (!openPaths.has(path) && !isPublicPath(registry, concretePath(path))) continue;
    for (const [method, operation] of Object.entries(item)) {
      if (METHODS.has(method) && operation && typeof operation === "object") item[method] = { ...operation, security: [] };
    }
  }
}
