import { ApiError } from "@edgeworks/http";
import { and, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { Context } from "hono";
import type { Db } from "../deps";
import type { GatewayEnv } from "../product";
import { type WorkspaceRow, workspaceMembers, workspaces } from "../schema";

/** A member's role in a workspace: viewer reads, admin also writes config, owner also manages members and the workspace. */
export type Role = "viewer" | "admin" | "owner";

const RANK: Record<Role, number> = { viewer: 0, admin: 1, owner: 2 };

/** True when `role` is at least `min`. @example atLeast("admin", "viewer") // true */
export const atLeast = (role: Role, min: Role): boolean => RANK[role] >= RANK[min];

/** A workspace together with the caller's role in it. */
export interface Membership {
  workspace: WorkspaceRow;
  role: Role;
}

/** 404 for a workspace that does not exist or that the caller is not a member of: existence is never revealed. */
export const workspaceNotFound = (): ApiError => new ApiError("not_found", "Workspace not found");

/**
 * The workspace `slug` as `userId` may use it: 404 when it does not exist or the user is not a member
 * (the same answer, so a stranger learns nothing), 403 when the member's role is below `minRole`.
 *
 * @example
 * const { workspace, role } = await resolveWorkspace({ db, userId }, "acme", "admin");
 */
export async function resolveWorkspace(deps: { db: Db; userId: string }, slug: string, minRole: Role): Promise<Membership> {
  const [found] = await deps.db
    .select({ workspace: workspaces, role: workspaceMembers.role })
    .from(workspaces)
    .innerJoin(workspaceMembers, and(eq(workspaceMembers.workspaceId, workspaces.id), eq(workspaceMembers.userId, deps.userId)))
    .where(eq(workspaces.slug, slug))
    .limit(1);
  if (!found) throw workspaceNotFound();
  const role = found.role as Role;
  if (!atLeast(role, minRole)) {
    throw new ApiError("forbidden", `This needs the ${minRole} role in the workspace; yours is ${role}`);
  }
  return { workspace: found.workspace, role };
}

/**
 * The workspace a guarded request names, checked against the caller's membership (for route handlers of
 * any part of the gateway: admin API, analytics, metrics, status).
 *
 * @example
 * const ws = await requireWorkspace(c, c.req.valid("param").ws, "viewer"); // 404 for strangers, 403 below the role
 */
export async function requireWorkspace(c: Context<GatewayEnv>, slug: string, minRole: Role): Promise<WorkspaceRow> {
  return (await resolveWorkspace({ db: drizzle(c.env.DB), userId: c.var.auth.userId }, slug, minRole)).workspace;
}
