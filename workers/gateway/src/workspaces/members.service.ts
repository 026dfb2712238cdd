import type { accountsDirectory } from "@edgeworks/auth";
import { ApiError, invalidField, iso } from "@edgeworks/http";
import { and, asc, count, eq } from "drizzle-orm";
import type { ServiceDeps } from "../deps";
import { workspaceMembers } from "../schema";
import { type Role, resolveWorkspace } from "./access";

/** A workspace member as the admin API shows it (email and name from the accounts directory, when it knows them). */
export interface MemberView {
  userId: string;
  email: string | null;
  name: string | null;
  role: Role;
  createdAt: string;
}

/** Members per workspace: enough for a team, small enough to list in one page. */
export const MAX_MEMBERS = 100;

type MemberRow = typeof workspaceMembers.$inferSelect;
type Directory = Pick<ReturnType<typeof accountsDirectory>, "getUsers" | "findUserByEmail">;

const memberNotFound = () => new ApiError("not_found", "Member not found");
const lastOwner = () => new ApiError("conflict", "A workspace keeps at least one owner; make someone else owner first");

async function viewsOf(directory: Directory, rows: MemberRow[]): Promise<MemberView[]> {
  const users = new Map((await directory.getUsers(rows.map((r) => r.userId))).map((u) => [u.id, u]));
  return rows.map((r) => {
    const user = users.get(r.userId);
    return { userId: r.userId, email: user?.email ?? null, name: user?.name ?? null, role: r.role as Role, createdAt: iso(r.createdAt) };
  });
}

async function rowsOf(deps: ServiceDeps, workspaceId: string): Promise<MemberRow[]> {
  return deps.db
    .select()
    .from(workspaceMembers)
    .where(eq(workspaceMembers.workspaceId, workspaceId))
    .orderBy(asc(workspaceMembers.createdAt), asc(workspaceMembers.userId))
    .limit(MAX_MEMBERS);
}

async function ownerCount(deps: ServiceDeps, workspaceId: string): Promise<number> {
  const [row] = await deps.db
    .select({ n: count() })
    .from(workspaceMembers)
    .where(and(eq(workspaceMembers.workspaceId, workspaceId), eq(workspaceMembers.role, "owner")));
  return row?.n ?? 0;
}

/**
 * Every member of the workspace (any member may look), oldest first.
 *
 * @example const { items } = await listMembers(deps, accountsDirectory(env), "acme");
 */
export async function listMembers(deps: ServiceDeps, directory: Directory, slug: string): Promise<{ items: MemberView[] }> {
  const { workspace } = await resolveWorkspace(deps, slug, "viewer");
  return { items: await viewsOf(directory, await rowsOf(deps, workspace.id)) };
}

/**
 * Adds the account with this email (owners only): an unknown email is 422 `email`, a member already 409.
 *
 * @example await addMember(deps, accountsDirectory(env), "acme", { email: "bob@example.com", role: "viewer" });
 */
export async function addMember(
  deps: ServiceDeps,
  directory: Directory,
  slug: string,
  input: { email: string; role: Role },
): Promise<MemberView> {
  const { workspace } = await resolveWorkspace(deps, slug, "owner");
  const user = await directory.findUserByEmail(input.email);
  if (!user) throw invalidField("email", "No account has this email");
  const rows = await rowsOf(deps, workspace.id);
  if (rows.some((r) => r.userId === user.id)) throw new ApiError("conflict", "This account is already a member");
  if (rows.length >= MAX_MEMBERS) throw new ApiError("conflict", `A workspace has at most ${MAX_MEMBERS} members`);
  const [row] = await deps.db
    .insert(workspaceMembers)
    .values({ workspaceId: workspace.id, userId: user.id, role: input.role, createdAt: deps.now() })
    .onConflictDoNothing()
    .returning();
  if (!row) throw new ApiError("conflict", "This account is already a member");
  return { userId: user.id, email: user.email, name: user.name, role: input.role, createdAt: iso(row.createdAt) };
}

/** Changes a member's role (owners only); the last owner cannot step down (409). */
export async function updateMember(
  deps: ServiceDeps,
  directory: Directory,
  slug: string,
  userId: string,
  input: { role: Role },
): Promise<MemberView> {
  const { workspace } = await resolveWorkspace(deps, slug, "owner");
  const where = and(eq(workspaceMembers.workspaceId, workspace.id), eq(workspaceMembers.userId, userId));
  const [current] = await deps.db.select().from(workspaceMembers).where(where).limit(1);
  if (!current) throw memberNotFound();
  if (current.role === "owner" && input.role !== "owner" && (await ownerCount(deps, workspace.id)) <= 1) throw lastOwner();
  const [row] = await deps.db.update(workspaceMembers).set({ role: input.role }).where(where).returning();
  if (!row) throw memberNotFound();
  return (await viewsOf(directory, [row]))[0] as MemberView;
}

/** Removes a member (owners; any member may remove themselves); the last owner stays (409). */
export async function removeMember(deps: ServiceDeps, slug: string, userId: string): Promise<void> {
  const self = userId === deps.userId;
  const { workspace } = await resolveWorkspace(deps, slug, self ? "viewer" : "owner");
  const where = and(eq(workspaceMembers.workspaceId, workspace.id), eq(workspaceMembers.userId, userId));
  const [current] = await deps.db.select().from(workspaceMembers).where(where).limit(1);
  if (!current) throw memberNotFound();
  if (current.role === "owner" && (await ownerCount(deps, workspace.id)) <= 1) throw lastOwner();
  await deps.db.delete(workspaceMembers).where(where);
}
