// compileSnapshot: config + live keys + cache generations → the immutable Snapshot the proxy runs on
// (contract.ts). Services get their defaults resolved, plugin configs their schemas' output, and routes
// are sorted once here: priority desc, then specificity, then definition order.
import { and, eq, isNull } from "drizzle-orm";
import type { CompiledRoute, CompiledService, PluginInstance, Snapshot } from "../contract";
import type { Db } from "../deps";
import { PLUGINS } from "../plugins/registry";
import { cacheGenerations, configVersions, consumerKeys, type WorkspaceRow, workspaces } from "../schema";
import type { GatewayConfig, PluginEntry, Service } from "./model";

/** What a snapshot is built from. */
export interface SnapshotInput {
  workspace: Pick<WorkspaceRow, "id" | "slug" | "revision">;
  version: number;
  config: GatewayConfig;
  /** Live (unrevoked) keys. */
  keys: { keyHash: string; consumerId: string }[];
  generations: Record<string, number>;
}

const DEFAULT_HEALTHY = Array.from({ length: 300 }, (_, i) => 100 + i).filter((s) => s >= 200 && s < 400);

function compileService(s: Service): CompiledService {
  return {
    id: s.id,
    name: s.name,
    targets: s.targets.map((t) => ({ id: t.id, url: t.url ?? null, binding: t.binding ?? null, weight: t.weight })),
    algorithm: s.algorithm,
    hashOn: s.algorithm === "consistent-hash" ? { source: s.hashOn?.source ?? "ip", name: s.hashOn?.name ?? null } : null,
    connectTimeoutMs: s.timeouts.connectMs,
    readTimeoutMs: s.timeouts.readMs,
    retries: s.retries,
    healthCheck: s.healthCheck ? { ...s.healthCheck, healthyStatuses: s.healthCheck.healthyStatuses ?? DEFAULT_HEALTHY } : null,
    passiveUnhealthyThreshold: s.passive?.unhealthyThreshold ?? 0,
    breaker: s.circuitBreaker ? { ...s.circuitBreaker, p95LatencyMs: s.circuitBreaker.p95LatencyMs ?? null } : null,
  };
}

/** A validated config's plugin list with each config run through its plugin's schema (defaults applied). */
const compilePlugins = (plugins: PluginEntry[]): PluginInstance[] =>
  plugins.map((p) => ({ name: p.name, config: PLUGINS[p.name].schema.parse(p.config) }));

/**
 * How specific a path pattern is, as a tuple compared left to right (bigger first): literal segments,
 * then exact (no `*`), then parameters.
 *
 * @example specificity("/v1/users/:id") // [2, 1, 1]
 */
export function specificity(pattern: string): [number, number, number] {
  const segments = pattern.split("/").filter(Boolean);
  const literal = segments.filter((s) => s !== "*" && !s.startsWith(":")).length;
  const params = segments.filter((s) => s.startsWith(":")).length;
  return [literal, segments.includes("*") ? 0 : 1, params];
}

const compareTuple = (a: number[], b: number[]) => {
  for (let i = 0; i < a.length; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (b[i] ?? 0) - (a[i] ?? 0);
  return 0;
};

/** A route's rank: its most specific path. */
const routeSpecificity = (r: CompiledRoute) => r.paths.map(specificity).sort(compareTuple)[0] ?? [0, 0, 0];

/**
 * Builds the Snapshot of a config (pure; the stored config is already valid). Routes come out sorted: the
 * first match wins.
 *
 * @example const snapshot = compileSnapshot({ workspace, version: 3, config, keys: [], generations: {} });
 */
export function compileSnapshot(input: SnapshotInput): Snapshot {
  const { config } = input;
  const services = Object.fromEntries(config.services.map((s) => [s.id, compileService(s)]));
  const serviceIds = new Map(config.services.map((s) => [s.name, s.id]));
  const routes = config.routes
    .map((r, order): CompiledRoute & { order: number } => ({
      id: r.id,
      name: r.name,
      hosts: r.hosts,
      paths: r.paths,
      methods: r.methods,
      priority: r.priority,
      serviceId: r.service === null ? null : (serviceIds.get(r.service) ?? null),
      plugins: compilePlugins(r.plugins),
      order,
    }))
    .sort((a, b) => b.priority - a.priority || compareTuple(routeSpecificity(a), routeSpecificity(b)) || a.order - b.order)
    .map(({ order: _order, ...route }) => route);
  const consumers = Object.fromEntries(
    config.consumers.map((c) => [
      c.id,
      { id: c.id, username: c.username, groups: c.groups, jwt: c.jwt, plugins: compilePlugins(c.plugins) },
    ]),
  );
  const keyHashes: Record<string, string> = {};
  for (const k of input.keys) if (consumers[k.consumerId]) keyHashes[k.keyHash] = k.consumerId;
  const routeIds = new Set(config.routes.map((r) => r.id));
  const cacheGenerations = Object.fromEntries(Object.entries(input.generations).filter(([id]) => routeIds.has(id)));
  return {
    workspaceId: input.workspace.id,
    slug: input.workspace.slug,
    version: input.version,
    revision: input.workspace.revision,
    hosts: config.hosts,
    services,
    routes,
    consumers,
    keyHashes,
    issuers: Object.fromEntries(config.issuers.map((i) => [i.name, { ...i }])),
    cacheGenerations,
  };
}

/**
 * Reads everything a workspace's snapshot needs in one D1 batch (one consistent read) and compiles it;
 * null when the workspace is gone.
 *
 * @example const snapshot = await buildSnapshot(drizzle(env.DB), ws.id);
 */
export async function buildSnapshot(db: Db, workspaceId: string): Promise<Snapshot | null> {
  const [head, keys, gens] = await db.batch([
    db
      .select({
        id: workspaces.id,
        slug: workspaces.slug,
        revision: workspaces.revision,
        version: configVersions.version,
        config: configVersions.config,
      })
      .from(workspaces)
      .innerJoin(configVersions, and(eq(configVersions.workspaceId, workspaces.id), eq(configVersions.version, workspaces.currentVersion)))
      .where(eq(workspaces.id, workspaceId)),
    db
      .select({ keyHash: consumerKeys.keyHash, consumerId: consumerKeys.consumerId })
      .from(consumerKeys)
      .where(and(eq(consumerKeys.workspaceId, workspaceId), isNull(consumerKeys.revokedAt))),
    db
      .select({ routeId: cacheGenerations.routeId, generation: cacheGenerations.generation })
      .from(cacheGenerations)
      .where(eq(cacheGenerations.workspaceId, workspaceId)),
  ]);
  const row = head[0];
  if (!row) return null;
  return compileSnapshot({
    workspace: row,
    version: row.version,
    config: JSON.parse(row.config) as GatewayConfig,
    keys,
    generations: Object.fromEntries(gens.map((g) => [g.routeId, g.generation])),
  });
}
