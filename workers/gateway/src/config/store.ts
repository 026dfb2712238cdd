// Versioned storage of a workspace's config. Every change inserts version N+1 in one D1 batch with the
// pointer update; the (workspace_id, version) primary key makes exactly one of two racing writers win, the
// loser re-reads and re-applies its change on top (so no change is lost), an If-Match on a stale version is 412.
import { ApiError, decodeCursor, encodeCursor, notFound, toPage } from "@edgeworks/http";
import { and, desc, eq, inArray, lt, ne, sql } from "drizzle-orm";
import type { ConfigDeps } from "../deps";
import { configVersions, type WorkspaceRow, workspaceHosts, workspaces } from "../schema";
import type { GatewayConfig, GatewayConfigInput } from "./model";
import { publish } from "./publish";
import { validateConfig } from "./validate";
import { isConstraintError } from "./workspace";

// createWorkspace and deleteWorkspace live in workspace.ts; re-exported for callers that import them from here
export { createWorkspace, deleteWorkspace, SLUG_PATTERN } from "./workspace";

const MAX_ATTEMPTS = 6;

/**
 * The workspace's current config and its version. 404 when the workspace is gone.
 *
 * @example const { version, config } = await getConfig(deps, ws);
 */
export async function getConfig(
  deps: Pick<ConfigDeps, "db">,
  ws: Pick<WorkspaceRow, "id">,
): Promise<{ version: number; config: GatewayConfig }> {
  const [row] = await deps.db
    .select({ version: configVersions.version, config: configVersions.config })
    .from(workspaces)
    .innerJoin(configVersions, and(eq(configVersions.workspaceId, workspaces.id), eq(configVersions.version, workspaces.currentVersion)))
    .where(eq(workspaces.id, ws.id));
  if (!row) throw notFound("Workspace");
  return { version: row.version, config: JSON.parse(row.config) as GatewayConfig };
}

/** Options of a config change. */
export interface ChangeOptions {
  /** Stored with the version (shown in the history). */
  message: string;
  /** `If-Match: "N"`: refuse with 412 unless the current version is N. */
  ifVersion?: number;
}

/**
 * Applies `mutate` to (a copy of) the current config, validates the result and stores it as the next
 * version, then publishes it. A lost race is retried on the newer version (so `mutate` may run more than
 * once and must be a pure function of its argument); 412 `precondition_failed` when
 * `ifVersion` is stale; 422/413 from validation; 409 when the workspace keeps changing under it.
 *
 * @example await changeConfig(deps, ws, (c) => ({ ...c, hosts: [...c.hosts, "api.example.com"] }), { message: "add host" });
 */
export async function changeConfig(
  deps: ConfigDeps,
  ws: Pick<WorkspaceRow, "id">,
  mutate: (config: GatewayConfig) => GatewayConfigInput | GatewayConfig,
  options: ChangeOptions,
): Promise<{ version: number; config: GatewayConfig }> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = await getConfig(deps, ws);
    if (options.ifVersion !== undefined && current.version !== options.ifVersion)
      throw new ApiError("precondition_failed", `The config is at version ${current.version}, not ${options.ifVersion}`, {
        extensions: { currentVersion: current.version },
      });
    const next = validateConfig(mutate(structuredClone(current.config)), { env: deps.env, previous: current.config });
    await checkHostsFree(deps, ws.id, next.hosts);
    const version = current.version + 1;
    const now = deps.now();
    const { db } = deps;
    try {
      await db.batch([
        db.insert(configVersions).values({
          workspaceId: ws.id,
          version,
          config: JSON.stringify(next),
          createdAt: now,
          createdBy: deps.userId,
          message: options.message.slice(0, 500),
        }),
        db
          .update(workspaces)
          .set({ currentVersion: version, revision: sql`${workspaces.revision} + 1`, updatedAt: now })
          .where(and(eq(workspaces.id, ws.id), eq(workspaces.currentVersion, current.version))),
        db.delete(workspaceHosts).where(eq(workspaceHosts.workspaceId, ws.id)),
        ...next.hosts.map((host) => db.insert(workspaceHosts).values({ host, workspaceId: ws.id })),
      ]);
    } catch (err) {
      if (isConstraintError(err)) continue; // another writer took this version (or a host): re-read and re-apply
      throw err;
    }
    await publish(deps, ws.id);
    return { version, config: next };
  }
  throw new ApiError("conflict", "The config kept changing while this change was applied; try again");
}

/** 422 when another workspace already serves one of `hosts`. */
async function checkHostsFree(deps: Pick<ConfigDeps, "db">, workspaceId: string, hosts: string[]): Promise<void> {
  if (hosts.length === 0) return;
  const taken = await deps.db
    .select({ host: workspaceHosts.host })
    .from(workspaceHosts)
    .where(and(inArray(workspaceHosts.host, hosts), ne(workspaceHosts.workspaceId, workspaceId)));
  if (taken.length === 0) return;
  const set = new Set(taken.map((t) => t.host));
  throw new ApiError("validation_failed", "The config is invalid", {
    errors: hosts.flatMap((h, i) =>
      set.has(h) ? [{ path: `hosts[${i}]`, location: "body", message: "Another workspace serves this host" }] : [],
    ),
  });
}

/** One entry of the history. */
export interface VersionInfo {
  version: number;
  createdAt: number;
  createdBy: string;
  message: string;
}

/**
 * The history, newest first, keyset-paginated on the version number.
 *
 * @example const { items, nextCursor } = await listVersions(deps, ws, { limit: 20 });
 */
export async function listVersions(
  deps: Pick<ConfigDeps, "db">,
  ws: Pick<WorkspaceRow, "id">,
  page: { cursor?: string; limit: number },
): Promise<{ items: VersionInfo[]; nextCursor: string | null }> {
  const before = page.cursor ? Number(decodeCursor("versions", page.cursor, 1)[0]) : null;
  const rows = await deps.db
    .select({
      version: configVersions.version,
      createdAt: configVersions.createdAt,
      createdBy: configVersions.createdBy,
      message: configVersions.message,
    })
    .from(configVersions)
    .where(and(eq(configVersions.workspaceId, ws.id), before === null ? undefined : lt(configVersions.version, before)))
    .orderBy(desc(configVersions.version))
    .limit(page.limit + 1);
  return toPage(rows, page.limit, (last) => encodeCursor("versions", [last.version]));
}

/**
 * One version with its config. 404 `not_found` when the workspace has no such version.
 *
 * @example const v3 = await getVersion(deps, ws, 3);
 */
export async function getVersion(
  deps: Pick<ConfigDeps, "db">,
  ws: Pick<WorkspaceRow, "id">,
  version: number,
): Promise<VersionInfo & { config: GatewayConfig }> {
  const [row] = Number.isSafeInteger(version)
    ? await deps.db
        .select()
        .from(configVersions)
        .where(and(eq(configVersions.workspaceId, ws.id), eq(configVersions.version, version)))
    : [];
  if (!row) throw notFound("Version");
  return {
    version: row.version,
    createdAt: row.createdAt,
    createdBy: row.createdBy,
    message: row.message,
    config: JSON.parse(row.config) as GatewayConfig,
  };
}

/**
 * Makes version `n`'s config current again as a NEW version (history is never rewritten; API keys are not
 * part of a config, so a revoked key stays revoked). It is validated again (the environment may have changed).
 *
 * @example const { version } = await rollback(deps, ws, 3, { ifVersion: 7 });
 */
export async function rollback(
  deps: ConfigDeps,
  ws: Pick<WorkspaceRow, "id">,
  n: number,
  options: { ifVersion?: number } = {},
): Promise<{ version: number; config: GatewayConfig }> {
  const old = await getVersion(deps, ws, n);
  return changeConfig(deps, ws, () => old.config, { message: `Rollback to version ${n}`, ifVersion: options.ifVersion });
}
