import { ApiError } from "@edgeworks/http";
import type { GatewayConfig } from "../config/model";
import { changeConfig, getConfig } from "../config/store";
import type { ConfigDeps } from "../deps";
import type { WorkspaceRow } from "../schema";
import { checkDepth } from "./config-io";

/** The kinds of things a workspace config lists, each editable on its own through the admin API. */
export type EntityKind = "services" | "routes" | "consumers" | "issuers";
/** One entry of a config list, as stored (ids and defaults filled in by the config layer). */
export type Entity = Record<string, unknown>;

/** Per kind: the label in messages, the field that names an entry, and whether entries have ids. */
export const KINDS: Record<EntityKind, { label: string; nameField: "name" | "username"; hasId: boolean }> = {
  services: { label: "Service", nameField: "name", hasId: true },
  routes: { label: "Route", nameField: "name", hasId: true },
  consumers: { label: "Consumer", nameField: "username", hasId: true },
  issuers: { label: "Issuer", nameField: "name", hasId: false },
};

const listOf = (config: GatewayConfig, kind: EntityKind): Entity[] => (config[kind] ?? []) as unknown as Entity[];
const notFound = (kind: EntityKind) => new ApiError("not_found", `${KINDS[kind].label} not found`);

/**
 * The entry `ref` names: its id, or else its name (ids and names never look alike: ids carry a prefix).
 *
 * @example findEntity(config, "services", "svc_V1StGXR8") ?? findEntity(config, "services", "users-api")
 */
export function findEntity(config: GatewayConfig, kind: EntityKind, ref: string): { index: number; entity: Entity } | undefined {
  const list = listOf(config, kind);
  const { nameField, hasId } = KINDS[kind];
  let index = hasId ? list.findIndex((e) => e.id === ref) : -1;
  if (index < 0) index = list.findIndex((e) => e[nameField] === ref);
  const entity = list[index];
  return entity ? { index, entity } : undefined;
}

/**
 * RFC 7396 JSON merge patch: objects merge key by key, `null` removes a key, anything else replaces.
 *
 * @example mergePatch({ a: 1, b: { c: 2 } }, { b: { c: null, d: 3 } }) // { a: 1, b: { d: 3 } }
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== "object" || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    typeof target === "object" && target !== null && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/** Paths of the changed entry's own issues, relative to it (`services[2].targets[0].url` → `targets[0].url`). */
function relativeErrors(err: unknown, kind: EntityKind, index: number): unknown {
  if (!(err instanceof ApiError) || err.code !== "validation_failed" || !err.errors) return err;
  const prefix = `${kind}[${index}].`;
  const own = `${kind}[${index}]`;
  const errors = err.errors.map((e) =>
    e.path === own ? { ...e, path: "" } : e.path.startsWith(prefix) ? { ...e, path: e.path.slice(prefix.length) } : e,
  );
  return new ApiError(err.code, err.message, { errors, extensions: err.extensions, headers: err.headers });
}

type Options = { ifVersion?: number };

async function change(
  deps: ConfigDeps,
  ws: WorkspaceRow,
  kind: EntityKind,
  message: string,
  edit: (list: Entity[], config: GatewayConfig) => { list: Entity[]; index: number },
  opts: Options,
) {
  let index = -1;
  try {
    return await changeConfig(
      deps,
      ws,
      (config) => {
        const edited = edit([...listOf(config, kind)], config);
        index = edited.index;
        return { ...config, [kind]: edited.list } as GatewayConfig;
      },
      { message, ifVersion: opts.ifVersion },
    );
  } catch (err) {
    throw relativeErrors(err, kind, index);
  }
}

/** Every entry of a kind in the current config, with the version it was read from. */
export async function listEntities(deps: ConfigDeps, ws: WorkspaceRow, kind: EntityKind): Promise<{ version: number; items: Entity[] }> {
  const { version, config } = await getConfig(deps, ws);
  return { version, items: listOf(config, kind) };
}

/** One entry by id or name, or 404. */
export async function getEntity(
  deps: ConfigDeps,
  ws: WorkspaceRow,
  kind: EntityKind,
  ref: string,
): Promise<{ version: number; entity: Entity }> {
  const { version, config } = await getConfig(deps, ws);
  const found = findEntity(config, kind, ref);
  if (!found) throw notFound(kind);
  return { version, entity: found.entity };
}

/**
 * Appends an entry (a new config version); a taken name is 409, invalid fields 422 with paths relative to it.
 *
 * @example const { entity } = await createEntity(deps, ws, "services", { name: "users", targets: [{ url: "https://u.example" }] });
 */
export async function createEntity(deps: ConfigDeps, ws: WorkspaceRow, kind: EntityKind, body: Entity, opts: Options = {}) {
  checkDepth(body);
  const { nameField, label } = KINDS[kind];
  const name = body[nameField];
  const result = await change(
    deps,
    ws,
    kind,
    `create ${kind.slice(0, -1)} ${String(name)}`,
    (list, config) => {
      if (typeof name === "string" && findEntity(config, kind, name)) throw new ApiError("conflict", `${label} "${name}" already exists`);
      return { list: [...list, body], index: list.length };
    },
    opts,
  );
  const created = listOf(result.config, kind).find((e) => e[nameField] === name);
  if (!created) throw new ApiError("internal", `${label} vanished after creation`);
  return { version: result.version, entity: created };
}

/** Applies a merge patch to an entry (its id stays); invalid results are 422 with paths relative to it. */
export async function updateEntity(deps: ConfigDeps, ws: WorkspaceRow, kind: EntityKind, ref: string, patch: Entity, opts: Options = {}) {
  checkDepth(patch);
  let id: unknown;
  let name: unknown;
  const result = await change(
    deps,
    ws,
    kind,
    `update ${kind.slice(0, -1)} ${ref}`,
    (list, config) => {
      const found = findEntity(config, kind, ref);
      if (!found) throw notFound(kind);
      const next = mergePatch(found.entity, patch) as Entity;
      if (KINDS[kind].hasId) next.id = found.entity.id;
      id = next.id;
      name = next[KINDS[kind].nameField];
      list[found.index] = next;
      return { list, index: found.index };
    },
    opts,
  );
  const updated = listOf(result.config, kind).find((e) => (KINDS[kind].hasId ? e.id === id : e[KINDS[kind].nameField] === name));
  if (!updated) throw notFound(kind);
  return { version: result.version, entity: updated };
}

/** Removes an entry; `refuse` may veto it (a service that routes still use is 422). Returns the removed entry. */
export async function deleteEntity(
  deps: ConfigDeps,
  ws: WorkspaceRow,
  kind: EntityKind,
  ref: string,
  opts: Options & { refuse?: (entity: Entity, config: GatewayConfig) => ApiError | null } = {},
) {
  let removed: Entity | undefined;
  const result = await change(
    deps,
    ws,
    kind,
    `delete ${kind.slice(0, -1)} ${ref}`,
    (list, config) => {
      const found = findEntity(config, kind, ref);
      if (!found) throw notFound(kind);
      const veto = opts.refuse?.(found.entity, config);
      if (veto) throw veto;
      removed = found.entity;
      list.splice(found.index, 1);
      return { list, index: -1 };
    },
    opts,
  );
  return { version: result.version, entity: removed as Entity };
}

/**
 * The veto of deleting a service: every route that still sends traffic to it, as 422 issues.
 *
 * @example deleteEntity(deps, ws, "services", "users", { refuse: serviceInUse });
 */
export function serviceInUse(service: Entity, config: GatewayConfig): ApiError | null {
  const users = (config.routes as unknown as Entity[]).flatMap((r, i) => (r.service === service.name ? [i] : []));
  if (users.length === 0) return null;
  return new ApiError("validation_failed", `Service "${String(service.name)}" is used by ${users.length} route(s)`, {
    errors: users.map((i) => ({
      path: `routes[${i}].service`,
      location: "body",
      message: "Uses this service; change or delete the route first",
    })),
  });
}
