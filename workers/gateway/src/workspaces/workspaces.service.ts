import { ApiError, decodeCursor, encodeCursor, iso, toPage } from "@edgeworks/http";
import { and, asc, eq, gt } from "drizzle-orm";
import { forgetWorkspaceAnalytics } from "../analytics/forget";
import { createWorkspace as createWorkspaceRow, deleteWorkspace as deleteWorkspaceData } from "../config/store";
import type { ConfigDeps, ServiceDeps } from "../deps";
import { type WorkspaceRow, workspaceMembers, workspaces } from "../schema";
import { type Role, resolveWorkspace } from "./access";

/** A workspace as the admin API shows it: with the caller's role and the current config version. */
export interface WorkspaceView {
  id: string;
  slug: string;
  name: string;
  role: Role;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** The one place a workspace row becomes JSON. @example toWorkspace(row, "owner") */
export const toWorkspace = (row: WorkspaceRow, role: Role): WorkspaceView => ({
  id: row.id,
  slug: row.slug,
  name: row.name,
  role,
  version: row.currentVersion,
  createdAt: iso(row.createdAt),
  updatedAt: iso(row.updatedAt),
});

const CURSOR_SCOPE = "workspaces:slug";

/**
 * The caller's workspaces by slug, keyset-paginated.
 *
 * @example const { items, nextCursor } = await listMyWorkspaces(deps, { limit: 20 });
 */
export async function listMyWorkspaces(
  deps: ServiceDeps,
  query: { limit: number; cursor?: string },
): Promise<{ items: WorkspaceView[]; nextCursor: string | null }> {
  const after = query.cursor === undefined ? undefined : String(decodeCursor(CURSOR_SCOPE, query.cursor, 1)[0]);
  const rows = await deps.db
    .select({ workspace: workspaces, role: workspaceMembers.role })
    .from(workspaceMembers)
    .innerJoin(workspaces, eq(workspaces.id, workspaceMembers.workspaceId))
    .where(and(eq(workspaceMembers.userId, deps.userId), after === undefined ? undefined : gt(workspaces.slug, after)))
    .orderBy(asc(workspaces.slug))
    .limit(query.limit + 1);
  const page = toPage(rows, query.limit, (last) => encodeCursor(CURSOR_SCOPE, [last.workspace.slug]));
  return { items: page.items.map((r) => toWorkspace(r.workspace, r.role as Role)), nextCursor: page.nextCursor };
}

/**
 * Creates a workspace owned by the caller (its config is version 1, empty); a taken slug is 409.
 *
 * @example const ws = await createWorkspace(deps, { slug: "acme", name: "Acme" });
 */
export async function createWorkspace(deps: ConfigDeps, input: { slug: string; name: string }): Promise<WorkspaceView> {
  return toWorkspace(await createWorkspaceRow(deps, input), "owner");
}

/** The workspace as the caller sees it (any member). */
export async function getWorkspace(deps: ServiceDeps, slug: string): Promise<WorkspaceView> {
  const { workspace, role } = await resolveWorkspace(deps, slug, "viewer");
  return toWorkspace(workspace, role);
}

/** Renames a workspace (owners only); the slug never changes, so proxied URLs stay valid. */
export async function renameWorkspace(deps: ServiceDeps, slug: string, input: { name?: string }): Promise<WorkspaceView> {
  const { workspace, role } = await resolveWorkspace(deps, slug, "owner");
  if (input.name === undefined || input.name === workspace.name) return toWorkspace(workspace, role);
  const [row] = await deps.db
    .update(workspaces)
    .set({ name: input.name, updatedAt: deps.now() })
    .where(eq(workspaces.id, workspace.id))
    .returning();
  if (!row) throw new ApiError("not_found", "Workspace not found");
  return toWorkspace(row, role);
}

/**
 * Deletes a workspace (owners only): the config layer removes its rows and this isolate's snapshot (its
 * proxied traffic is 404 everywhere within ~1 s), then its analytics go (logs still in the queue may add a
 * few rows later; retention prunes them).
 */
export async function deleteWorkspace(deps: ServiceDeps, slug: string): Promise<void> {
  const { workspace } = await resolveWorkspace(deps, slug, "owner");
  await deleteWorkspaceData(deps, workspace);
  await deps.db.batch(forgetWorkspaceAnalytics(deps.db, workspace.id));
}
