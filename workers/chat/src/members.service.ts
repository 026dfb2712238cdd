import { ApiError, iso, notFound } from "@edgeworks/http";
import { and, asc, count, eq, exists, gt, isNull, not, type SQL, sql } from "drizzle-orm";
import { type ChatDeps, roomStub } from "./deps";
import { saveNames } from "./directory";
import { loadMembershipOrThrow, requireManageable, resolveUserOrThrow, type UserRef, viewRoom } from "./rooms.service";
import { type Role, roomMembers, rooms } from "./schema";
import { MAX_MEMBERS, type Member, type Room } from "./validation";

async function memberOrThrow({ db }: ChatDeps, roomId: string, userId: string) {
  const [m] = await db
    .select()
    .from(roomMembers)
    .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId)));
  if (!m) throw notFound("Member");
  return m;
}

/** Invites a user by id or email (owner or admin; only the owner adds admins), storing their current name. */
export async function addMember(deps: ChatDeps, roomId: string, input: UserRef & { role?: "admin" | "member" }): Promise<Member> {
  const { room, role } = await loadMembershipOrThrow(deps, roomId);
  requireManageable(room, role, ["owner", "admin"], "have members invited");
  const newRole = input.role ?? "member";
  if (newRole === "admin" && role !== "owner") throw new ApiError("forbidden", "Only the owner may add admins");
  const user = await resolveUserOrThrow(deps.env, input);
  const t = deps.now();
  // one conditional statement: not already a member, and the room below its member cap
  const res = await deps.db.run(
    sql`INSERT INTO room_members (room_id, user_id, role, joined_at)
        SELECT ${roomId}, ${user.id}, ${newRole}, ${t}
        WHERE (SELECT count(*) FROM room_members WHERE room_id = ${roomId}) < ${MAX_MEMBERS}
        ON CONFLICT (room_id, user_id) DO NOTHING`,
  );
  if (res.meta.changes === 0) {
    const [existing] = await deps.db
      .select()
      .from(roomMembers)
      .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, user.id)));
    if (existing) throw new ApiError("conflict", "The user is already a member");
    throw new ApiError("conflict", `A room has at most ${MAX_MEMBERS} members`);
  }
  await deps.db.update(rooms).set({ updatedAt: t }).where(eq(rooms.id, roomId));
  await saveNames(deps, [user]);
  await roomStub(deps.env, roomId).memberChanged(roomId, { userId: user.id, action: "joined", role: newRole, byUserId: deps.userId });
  return { userId: user.id, name: user.name, role: newRole, joinedAt: iso(t) };
}

/** Changes a member's role (owner only); `owner` hands ownership over and makes the old owner an admin. */
export async function updateMember(deps: ChatDeps, roomId: string, userId: string, newRole: Role): Promise<Room> {
  const { room, role } = await loadMembershipOrThrow(deps, roomId);
  requireManageable(room, role, ["owner"], "have roles changed");
  const target = await memberOrThrow(deps, roomId, userId);
  if (userId === deps.userId) throw new ApiError("conflict", "The owner's role changes only by handing ownership to another member");
  const stub = roomStub(deps.env, roomId);
  if (newRole === "owner") {
    // conditional, so that a target removed meanwhile never leaves the room without an owner: the
    // target is promoted only while I am the owner, and I step down only if there are then two
    const { db } = deps;
    const owners = (...conds: SQL[]) => and(eq(roomMembers.roomId, roomId), eq(roomMembers.role, "owner"), ...conds);
    const [promoted] = await db.batch([
      db
        .update(roomMembers)
        .set({ role: "owner" })
        .where(
          and(
            eq(roomMembers.roomId, roomId),
            eq(roomMembers.userId, target.userId),
            exists(
              db
                .select({ one: sql`1` })
                .from(roomMembers)
                .where(owners(eq(roomMembers.userId, deps.userId))),
            ),
          ),
        ),
      db
        .update(roomMembers)
        .set({ role: "admin" })
        .where(
          and(
            eq(roomMembers.roomId, roomId),
            eq(roomMembers.userId, deps.userId),
            eq(roomMembers.role, "owner"),
            gt(db.select({ n: count() }).from(roomMembers).where(owners()), 1),
          ),
        ),
    ]);
    if (!promoted || promoted.meta.changes === 0)
      throw new ApiError("conflict", "The member or your ownership changed meanwhile; reload and retry");
    await stub.memberChanged(roomId, { userId: target.userId, action: "role", role: "owner", byUserId: deps.userId });
    await stub.memberChanged(roomId, { userId: deps.userId, action: "role", role: "admin", byUserId: deps.userId });
  } else if (target.role !== newRole) {
    await deps.db
      .update(roomMembers)
      .set({ role: newRole })
      .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId)));
    await stub.memberChanged(roomId, { userId, action: "role", role: newRole, byUserId: deps.userId });
  }
  // the room row is unchanged (a role change does not touch it): only the members are read again
  return viewRoom(deps, room);
}

/** Removes a member: the owner removes anyone, an admin removes members; removing yourself is leaving. */
export async function removeMember(deps: ChatDeps, roomId: string, userId: string): Promise<void> {
  if (userId === deps.userId) return leaveRoom(deps, roomId);
  const { room, role } = await loadMembershipOrThrow(deps, roomId);
  requireManageable(room, role, ["owner", "admin"], "have members removed");
  const target = await memberOrThrow(deps, roomId, userId);
  if (role === "admin" && target.role !== "member") throw new ApiError("forbidden", "Admins may remove members only");
  await deps.db.delete(roomMembers).where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId)));
  await roomStub(deps.env, roomId).memberChanged(roomId, { userId, action: "removed", role: null, byUserId: deps.userId });
}

/**
 * Leaves a group room. One atomic batch: my membership goes; if that leaves the room without an owner,
 * the longest-standing admin (else member) becomes owner; if it leaves it empty, the room is deleted.
 * Written as conditions on the rows, so leaving at the same time as others never strands a room
 * without an owner. One-on-one rooms cannot be left.
 */
export async function leaveRoom(deps: ChatDeps, roomId: string): Promise<void> {
  const { userId, env, db } = deps;
  const { room, role } = await loadMembershipOrThrow(deps, roomId);
  requireManageable(room, role, ["owner", "admin", "member"], "be left");
  const inRoom = eq(roomMembers.roomId, roomId);
  // the heir: the longest-standing admin, else member
  const heir = db
    .select({ userId: roomMembers.userId })
    .from(roomMembers)
    .where(inRoom)
    .orderBy(sql`CASE ${roomMembers.role} WHEN 'admin' THEN 0 ELSE 1 END`, asc(roomMembers.joinedAt), asc(roomMembers.userId))
    .limit(1);
  const [left, promoted] = await db.batch([
    db.delete(roomMembers).where(and(inRoom, eq(roomMembers.userId, userId))),
    db
      .update(roomMembers)
      .set({ role: "owner" })
      .where(
        and(
          inRoom,
          not(
            exists(
              db
                .select({ one: sql`1` })
                .from(roomMembers)
                .where(and(inRoom, eq(roomMembers.role, "owner"))),
            ),
          ),
          eq(roomMembers.userId, heir),
        ),
      ),
    db
      .update(rooms)
      .set({ deletedAt: deps.now() })
      .where(and(eq(rooms.id, roomId), isNull(rooms.deletedAt), not(exists(db.select({ one: sql`1` }).from(roomMembers).where(inRoom))))),
  ]);
  if (!left || left.meta.changes === 0) throw notFound("Room"); // a concurrent leave of mine won
  const stub = roomStub(env, roomId);
  await stub.memberChanged(roomId, { userId, action: "left", role: null, byUserId: userId });
  if (promoted && promoted.meta.changes > 0) {
    const [owner] = await db
      .select({ userId: roomMembers.userId })
      .from(roomMembers)
      .where(and(inRoom, eq(roomMembers.role, "owner")));
    if (owner) await stub.memberChanged(roomId, { userId: owner.userId, action: "role", role: "owner", byUserId: userId });
  }
}
