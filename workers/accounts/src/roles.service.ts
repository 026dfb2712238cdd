import { PLATFORM_ADMIN } from "@edgeworks/auth";
import { and, asc, count, eq, ne, or, sql } from "drizzle-orm";
import { nanoid } from "nanoid";
import type { Db, ServiceDeps } from "./deps";
import { BOOTSTRAP_ACTOR } from "./roles";
import { roleAudit, type UserRoleRow, type UserRow, userRoles } from "./schema";

/** The user's roles, sorted: what an access token's `roles` claim and an API key's principal carry. */
export async function rolesOf(db: Db, userId: string): Promise<string[]> {
  const rows = await db.select({ role: userRoles.role }).from(userRoles).where(eq(userRoles.userId, userId)).orderBy(asc(userRoles.role));
  return rows.map((r) => r.role);
}

/** The user's role rows (with who granted them and when), sorted by role. */
export const roleRowsOf = (db: Db, userId: string): Promise<UserRoleRow[]> =>
  db.select().from(userRoles).where(eq(userRoles.userId, userId)).orderBy(asc(userRoles.role)).all();

/** How many roles the user holds. */
export async function roleCountOf(db: Db, userId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(userRoles).where(eq(userRoles.userId, userId));
  return row?.n ?? 0;
}

/**
 * An audit row for the caller's batch, written only if the statement just before it changed a row
 * (`changes() = 1`): a grant of a role already held, or a revoke that was refused, leaves no trace.
 */
const auditIfChanged = (db: Db, entry: { userId: string; role: string; action: "grant" | "revoke"; actor: string; now: number }) =>
  db.insert(roleAudit).select(
    db
      .select({
        id: sql<string>`${nanoid()}`.as("id"),
        userId: sql<string>`${entry.userId}`.as("user_id"),
        role: sql<string>`${entry.role}`.as("role"),
        action: sql<"grant" | "revoke">`${entry.action}`.as("action"),
        actor: sql<string>`${entry.actor}`.as("actor"),
        createdAt: sql<number>`${entry.now}`.as("created_at"),
      })
      .from(sql`(SELECT 1)`)
      .where(sql`changes() = 1`),
  );

/**
 * Grants a role (idempotent: a role already held keeps its first grant) and records it in the audit
 * trail in the same batch. True when the role is new.
 */
export async function grantRoleRow(db: Db, grant: { userId: string; role: string; actor: string; now: number }): Promise<boolean> {
  const [inserted] = await db.batch([
    db
      .insert(userRoles)
      .values({ userId: grant.userId, role: grant.role, grantedBy: grant.actor, grantedAt: grant.now })
      .onConflictDoNothing(),
    auditIfChanged(db, { ...grant, action: "grant" }),
  ]);
  return inserted.meta.changes === 1;
}

/**
 * Revokes a role with its audit row, in one batch. The last `platform:admin` is never revoked: the
 * DELETE itself counts the holders, so two admins revoking each other at once cannot leave none.
 * `"revoked"`, `"not_held"`, or `"last_admin"`.
 */
export async function revokeRoleRow(
  db: Db,
  revoke: { userId: string; role: string; actor: string; now: number },
): Promise<"revoked" | "not_held" | "last_admin"> {
  const otherAdmins = sql`(SELECT count(*) FROM user_roles WHERE role = ${PLATFORM_ADMIN}) > 1`;
  const [deleted] = await db.batch([
    db
      .delete(userRoles)
      .where(
        and(eq(userRoles.userId, revoke.userId), eq(userRoles.role, revoke.role), or(ne(userRoles.role, PLATFORM_ADMIN), otherAdmins)),
      ),
    auditIfChanged(db, { ...revoke, action: "revoke" }),
  ]);
  if (deleted.meta.changes === 1) return "revoked";
  const held = await db
    .select({ role: userRoles.role })
    .from(userRoles)
    .where(and(eq(userRoles.userId, revoke.userId), eq(userRoles.role, revoke.role)))
    .get();
  return held ? "last_admin" : "not_held";
}

/**
 * The user's roles for a new access token, after the ADMIN_EMAILS bootstrap: a user whose address is
 * listed **and verified** gets `platform:admin` (recorded as granted by `ADMIN_EMAILS`). An unverified
 * address never does: anyone can register someone else's address before they do.
 */
export async function rolesForToken(deps: Pick<ServiceDeps, "db" | "now" | "adminEmails">, user: UserRow): Promise<string[]> {
  const roles = await rolesOf(deps.db, user.id);
  if (roles.includes(PLATFORM_ADMIN) || !(await bootstrapAdmin(deps, user))) return roles;
  return [...roles, PLATFORM_ADMIN].sort();
}

/** Grants `platform:admin` to a listed, verified address (see {@link rolesForToken}). True when the user holds it afterwards. */
export async function bootstrapAdmin(deps: Pick<ServiceDeps, "db" | "now" | "adminEmails">, user: UserRow): Promise<boolean> {
  if (user.emailVerifiedAt === null || !deps.adminEmails?.has(user.email)) return false;
  await grantRoleRow(deps.db, { userId: user.id, role: PLATFORM_ADMIN, actor: BOOTSTRAP_ACTOR, now: deps.now() });
  return true;
}
