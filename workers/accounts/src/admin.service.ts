import { PLATFORM_ADMIN } from "@edgeworks/auth";
import { ApiError, decodeCursor, encodeCursor, invalidCursor, notFound, toPage } from "@edgeworks/http";
import { and, asc, eq, gt, inArray } from "drizzle-orm";
import type { AdminUser, RoleGrant, RoleHolder } from "./admin-validation";
import type { Db, ServiceDeps } from "./deps";
import { MAX_ROLES_PER_USER } from "./roles";
import { grantRoleRow, revokeRoleRow, roleCountOf, roleRowsOf } from "./roles.service";
import { type UserRoleRow, type UserRow, userRoles, users } from "./schema";
import { revokeSessionsOf } from "./sessions.service";
import { findUser, findUserByEmail } from "./user-row";

const CURSOR_SCOPE = "roleHolders:userId:asc";

const toGrant = (row: UserRoleRow): RoleGrant => ({
  userId: row.userId,
  role: row.role,
  grantedBy: row.grantedBy,
  grantedAt: new Date(row.grantedAt).toISOString(),
});

const toAdminUser = (user: UserRow, roles: string[]): AdminUser => ({
  id: user.id,
  email: user.email,
  emailVerified: user.emailVerifiedAt !== null,
  pendingEmail: user.pendingEmail,
  roles,
});

async function userOrThrow(db: Db, userId: string): Promise<UserRow> {
  const user = await findUser(db, userId);
  if (!user) throw notFound("User");
  return user;
}

/** The account with this exact (normalised) address, as a list of zero or one. */
export async function findUsersByEmail(db: Db, email: string): Promise<AdminUser[]> {
  const user = await findUserByEmail(db, email);
  if (!user) return [];
  const rows = await roleRowsOf(db, user.id);
  return [
    toAdminUser(
      user,
      rows.map((r) => r.role),
    ),
  ];
}

/** The roles a user holds with their grants; an unknown user is 404. */
export async function listUserRoles(db: Db, userId: string): Promise<{ userId: string; items: RoleGrant[] }> {
  await userOrThrow(db, userId);
  return { userId, items: (await roleRowsOf(db, userId)).map(toGrant) };
}

/**
 * Grants `role` to a user on behalf of `actor` (an admin's user id). Unknown user 404; an address that
 * is not verified 409 (whoever registered it may not own it); more than {@link MAX_ROLES_PER_USER} 409.
 * A role already held keeps its first grant (`created: false`); a new one is recorded in the audit trail.
 */
export async function grantRole(
  deps: ServiceDeps,
  input: { actor: string; userId: string; role: string },
): Promise<{ created: boolean; grant: RoleGrant }> {
  const { db } = deps;
  const user = await userOrThrow(db, input.userId);
  if (user.emailVerifiedAt === null) {
    throw new ApiError("conflict", "The account's email address is not verified; roles go only to proven addresses");
  }
  const existing = await heldRole(db, input.userId, input.role);
  if (existing) return { created: false, grant: toGrant(existing) };
  if ((await roleCountOf(db, input.userId)) >= MAX_ROLES_PER_USER) {
    throw new ApiError("conflict", `A user holds at most ${MAX_ROLES_PER_USER} roles; revoke one first`);
  }
  const created = await grantRoleRow(db, { userId: input.userId, role: input.role, actor: input.actor, now: deps.now() });
  const row = await heldRole(db, input.userId, input.role);
  if (!row) throw notFound("Role");
  return { created, grant: toGrant(row) };
}

const heldRole = (db: Db, userId: string, role: string) =>
  db
    .select()
    .from(userRoles)
    .where(and(eq(userRoles.userId, userId), eq(userRoles.role, role)))
    .get();

/**
 * Revokes `role` from a user. Unknown user or a role not held: 404. The last `platform:admin` cannot
 * be revoked (409), nor one that ADMIN_EMAILS grants (409: it would come back at the next login;
 * remove the address from the var instead). Recorded in the audit trail. With `endSessions`, every
 * session of the user ends too (but `keep`, the caller's own when revoking one's own role).
 */
export async function revokeRole(
  deps: ServiceDeps,
  input: { actor: string; userId: string; role: string; endSessions?: { keep?: string } },
): Promise<void> {
  const { db } = deps;
  const user = await userOrThrow(db, input.userId);
  if (input.role === PLATFORM_ADMIN && user.emailVerifiedAt !== null && deps.adminEmails?.has(user.email)) {
    throw new ApiError("conflict", "This address is listed in ADMIN_EMAILS, which grants platform:admin at every login; remove it there");
  }
  const outcome = await revokeRoleRow(db, { ...input, now: deps.now() });
  if (outcome === "not_held") throw notFound("Role");
  if (outcome === "last_admin") throw new ApiError("conflict", "This is the last platform:admin; grant the role to someone else first");
  // for an account that may be compromised: its refresh tokens stop now (accounts refuses its access tokens at once too)
  if (input.endSessions) await revokeSessionsOf(db, input.userId, deps.now(), { keep: input.endSessions.keep });
}

/** One page of the holders of `role`, by user id; a role nobody holds is 404. */
export async function listRoleHolders(db: Db, role: string, page: { limit: number; cursor?: string }) {
  let after: string | undefined;
  if (page.cursor !== undefined) {
    const [userId] = decodeCursor(CURSOR_SCOPE, page.cursor, 1);
    if (typeof userId !== "string") throw invalidCursor();
    after = userId;
  }
  const rows = await db
    .select()
    .from(userRoles)
    .where(and(eq(userRoles.role, role), after === undefined ? undefined : gt(userRoles.userId, after)))
    .orderBy(asc(userRoles.userId))
    .limit(page.limit + 1);
  // a role is known by its holders: nobody holds it (on the first page) is 404
  if (rows.length === 0 && after === undefined) throw notFound("Role");
  const { items, nextCursor } = toPage(rows, page.limit, (last) => encodeCursor(CURSOR_SCOPE, [last.userId]));
  const ids = items.map((r) => r.userId);
  const people =
    ids.length === 0
      ? []
      : await db
          .select({ id: users.id, email: users.email, emailVerifiedAt: users.emailVerifiedAt })
          .from(users)
          .where(inArray(users.id, ids))
          .all();
  const byId = new Map(people.map((p) => [p.id, p]));
  const holders: RoleHolder[] = items.flatMap((r) => {
    const person = byId.get(r.userId);
    if (!person) return [];
    return [
      {
        id: r.userId,
        email: person.email,
        emailVerified: person.emailVerifiedAt !== null,
        grantedBy: r.grantedBy,
        grantedAt: new Date(r.grantedAt).toISOString(),
      },
    ];
  });
  return { items: holders, nextCursor };
}
