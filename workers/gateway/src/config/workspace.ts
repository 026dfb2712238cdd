// A workspace's life: created with its owner and the empty config as version 1; deleted with everything
// config keeps of it. Members, renames and listing are the admin API's (src/workspaces/).
import { ApiError } from "@edgeworks/http";
import { eq } from "drizzle-orm";
import { nanoid } from "nanoid";
import type { ConfigDeps } from "../deps";
import { cacheGenerations, configVersions, consumerKeys, type WorkspaceRow, workspaceHosts, workspaceMembers, workspaces } from "../schema";
import { emptyConfig } from "./model";
import { snapshotCache } from "./snapshot-cache";

/** A constraint failure of a D1 batch (a lost race on a primary key or UNIQUE column). */
export const isConstraintError = (err: unknown): boolean =>
  err instanceof Error && /constraint/i.test(`${err.message} ${String(err.cause ?? "")}`);

/** Workspace slugs: the `/gw/{slug}/…` segment. */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * Creates a workspace owned by the caller, with the empty config as version 1. 409 `conflict` when the slug
 * is taken, 422 when it is not a slug.
 *
 * @example const ws = await createWorkspace(deps, { slug: "acme", name: "Acme APIs" });
 */
export async function createWorkspace(deps: ConfigDeps, input: { slug: string; name: string }): Promise<WorkspaceRow> {
  if (input.slug.length > 63 || !SLUG_PATTERN.test(input.slug))
    throw new ApiError("validation_failed", "The slug is invalid", {
      errors: [{ path: "slug", location: "body", message: "Must be 1..63 of a-z, 0-9 and -, starting with a letter or digit" }],
    });
  const now = deps.now();
  const row: WorkspaceRow = {
    id: `ws_${nanoid(16)}`,
    slug: input.slug,
    name: input.name,
    createdBy: deps.userId,
    createdAt: now,
    updatedAt: now,
    currentVersion: 1,
    revision: 1,
  };
  try {
    await deps.db.batch([
      deps.db.insert(workspaces).values(row),
      deps.db.insert(workspaceMembers).values({ workspaceId: row.id, userId: deps.userId, role: "owner", createdAt: now }),
      deps.db.insert(configVersions).values({
        workspaceId: row.id,
        version: 1,
        config: JSON.stringify(emptyConfig()),
        createdAt: now,
        createdBy: deps.userId,
        message: "Workspace created",
      }),
    ]);
  } catch (err) {
    if (isConstraintError(err)) throw new ApiError("conflict", `The slug ${input.slug} is taken`);
    throw err;
  }
  return row;
}

/**
 * Deletes a workspace and everything config owns of it (members, versions, keys, cache generations, hosts)
 * in one batch, and drops this isolate's snapshot; other isolates see it gone within ~1 s.
 *
 * @example await deleteWorkspace(deps, ws);
 */
export async function deleteWorkspace(deps: Pick<ConfigDeps, "db">, ws: Pick<WorkspaceRow, "id">): Promise<void> {
  const { db } = deps;
  await db.batch([
    db.delete(workspaces).where(eq(workspaces.id, ws.id)),
    db.delete(workspaceMembers).where(eq(workspaceMembers.workspaceId, ws.id)),
    db.delete(configVersions).where(eq(configVersions.workspaceId, ws.id)),
    db.delete(consumerKeys).where(eq(consumerKeys.workspaceId, ws.id)),
    db.delete(cacheGenerations).where(eq(cacheGenerations.workspaceId, ws.id)),
    db.delete(workspaceHosts).where(eq(workspaceHosts.workspaceId, ws.id)),
  ]);
  snapshotCache.invalidate(ws.id);
}
