import { ApiError, notFound } from "@edgeworks/http";
import { and, eq, isNull, sql } from "drizzle-orm";
import { nanoid } from "nanoid";
import { type ChatDeps, roomStub } from "./deps";
import { findUserByEmailOrThrow, getUsersOrThrow, type NamedUser, saveNames } from "./directory";
import { membersOf, type NamedMember, toRoom } from "./room-view";
import { type MemberRow, type Role, type RoomRow, roomMembers, rooms } from "./schema";
import type { Room } from "./validation";

/** A user given by id or by email, as the invite and DM routes accept them. */
export type UserRef = { userId: string; email?: undefined } | { email: string; userId?: undefined };

const unknownUserError = (path: string) =>
  new ApiError("validation_failed", "No such user", { errors: [{ path, location: "body", message: "No such user" }] });

/**
 * The user behind `{userId}` or `{email}`, with their name; unknown is 422 on that field (the same answer
 * for an email nobody has, so nothing more is revealed), 503 when accounts cannot answer.
 */
export async function resolveUserOrThrow(env: Env, ref: UserRef): Promise<NamedUser> {
  if (ref.email !== undefined) {
    const found = await findUserByEmailOrThrow(env, ref.email);
    if (!found) throw unknownUserError("email");
    return found;
  }
  const found = (await getUsersOrThrow(env, [ref.userId])).get(ref.userId);
  if (!found) throw unknownUserError("userId");
  return found;
}

/** A live room the caller is a member of, with the caller's role; 404 otherwise (never "forbidden": not yours). */
export async function loadMembershipOrThrow({ db, userId }: ChatDeps, roomId: string): Promise<{ room: RoomRow; role: Role }> {
  const [row] = await db
    .select({ room: rooms, role: roomMembers.role })
    .from(rooms)
    .innerJoin(roomMembers, and(eq(roomMembers.roomId, rooms.id), eq(roomMembers.userId, userId)))
    .where(and(eq(rooms.id, roomId), isNull(rooms.deletedAt)));
  if (!row) throw notFound("Room");
  return row;
}

/** A room row as the caller sees it, with its members. */
export async function viewRoom(deps: ChatDeps, room: RoomRow): Promise<Room> {
  return toRoom(room, (await membersOf(deps, [room.id])).get(room.id) ?? [], deps.userId);
}

export async function getRoomOrThrow(deps: ChatDeps, roomId: string): Promise<Room> {
  return viewRoom(deps, (await loadMembershipOrThrow(deps, roomId)).room);
}

/** Creates a group room; the caller is its owner, the named users its members. */
export async function createRoom(deps: ChatDeps, input: { name: string; memberIds?: string[] }): Promise<Room> {
  const { db, userId, now } = deps;
  const others = [...new Set(input.memberIds ?? [])].filter((id) => id !== userId);
  // one directory call checks the members and brings everyone's names (mine too, refreshed); a room
  // of one does not depend on accounts answering
  const lookup = getUsersOrThrow(deps.env, [userId, ...others]);
  const found = others.length > 0 ? await lookup : await lookup.catch(() => new Map<string, NamedUser>());
  const unknown = others.filter((id) => !found.has(id));
  if (unknown.length > 0) {
    throw new ApiError("validation_failed", "Some members are not users", {
      errors: unknown.map((id) => ({
        path: `memberIds.${(input.memberIds ?? []).indexOf(id)}`,
        location: "body",
        message: "No such user",
      })),
    });
  }
  const t = now();
  const id = nanoid();
  const rows: MemberRow[] = [
    { roomId: id, userId, role: "owner", joinedAt: t },
    ...others.map((u) => ({ roomId: id, userId: u, role: "member" as const, joinedAt: t })),
  ];
  const members: NamedMember[] = rows.map((m) => ({ ...m, name: found.get(m.userId)?.name ?? null }));
  const row: RoomRow = {
    id,
    kind: "group",
    name: input.name,
    dmKey: null,
    createdBy: userId,
    createdAt: t,
    updatedAt: t,
    lastActivityAt: t,
    deletedAt: null,
  };
  // D1 binds at most 100 parameters per statement: members go in chunks of 20 rows (4 columns each)
  const chunks = Array.from({ length: Math.ceil(rows.length / 20) }, (_, i) => rows.slice(i * 20, i * 20 + 20));
  await saveNames(deps, [...found.values()]);
  await db.batch([db.insert(rooms).values(row), ...chunks.map((chunk) => db.insert(roomMembers).values(chunk))]);
  return toRoom(row, members, userId);
}

/** The one-on-one room of the caller and another user (by id or email), created if there is none. */
export async function openDm(deps: ChatDeps, ref: UserRef): Promise<{ room: Room; created: boolean }> {
  const { db, userId, now } = deps;
  const path = ref.email !== undefined ? "email" : "userId";
  const notMe = () =>
    new ApiError("validation_failed", "A one-on-one room needs another user", {
      errors: [{ path, location: "body", message: "Must not be yourself" }],
    });
  if (ref.userId === userId) throw notMe();
  // an email has to be resolved first; an id is only checked (and named) when the room is new
  const byEmail = ref.email !== undefined ? await resolveUserOrThrow(deps.env, ref) : null;
  const otherId = byEmail?.id ?? (ref.userId as string);
  if (otherId === userId) throw notMe();
  const dmKey = JSON.stringify([userId, otherId].sort());
  const existing = async () => {
    const [row] = await db.select().from(rooms).where(eq(rooms.dmKey, dmKey));
    return row ? { room: await viewRoom(deps, row), created: false } : null;
  };
  const open = await existing();
  if (open) return open;
  const found = await getUsersOrThrow(deps.env, [userId, otherId]);
  if (!found.has(otherId)) throw unknownUserError(path);
  await saveNames(deps, [...found.values()]);
  const t = now();
  const id = nanoid();
  const row: RoomRow = {
    id,
    kind: "dm",
    name: null,
    dmKey,
    createdBy: userId,
    createdAt: t,
    updatedAt: t,
    lastActivityAt: t,
    deletedAt: null,
  };
  const members: NamedMember[] = [userId, otherId].map((u) => ({
    roomId: id,
    userId: u,
    role: "member" as const,
    joinedAt: t,
    name: found.get(u)?.name ?? null,
  }));
  // the room is inserted only if no DM of the pair exists (a concurrent open won), its members only
  // if the room was: one atomic batch
  const [inserted] = await db.batch([
    db
      .insert(rooms)
      .values({ id, kind: "dm", name: null, dmKey, createdBy: userId, createdAt: t, updatedAt: t, lastActivityAt: t })
      .onConflictDoNothing({ target: rooms.dmKey }),
    db
      .insert(roomMembers)
      .select(
        sql`SELECT ${rooms.id}, m.value, 'member', ${t} FROM ${rooms}, json_each(${JSON.stringify([userId, otherId])}) m WHERE ${rooms.id} = ${id}`,
      ),
  ]);
  if (!inserted || inserted.meta.changes === 0) {
    const again = await existing();
    if (again) return again;
    throw new ApiError("conflict", "The room is being created; retry");
  }
  return { room: toRoom(row, members, userId), created: true };
}

/** Only some roles may manage a room; DMs cannot be managed at all. */
export function requireManageable(room: RoomRow, role: Role, allowed: Role[], action: string): void {
  if (room.kind === "dm") throw new ApiError("conflict", `One-on-one rooms cannot ${action}`);
  if (!allowed.includes(role)) throw new ApiError("forbidden", `Your role (${role}) may not ${action}`);
}

export async function renameRoom(deps: ChatDeps, roomId: string, name: string): Promise<Room> {
  const { room, role } = await loadMembershipOrThrow(deps, roomId);
  requireManageable(room, role, ["owner", "admin"], "be renamed");
  const t = deps.now();
  await deps.db.update(rooms).set({ name, updatedAt: t }).where(eq(rooms.id, roomId));
  await roomStub(deps.env, roomId).renamed(roomId, name, deps.userId);
  // the membership was loaded above: only the members are read again
  return viewRoom(deps, { ...room, name, updatedAt: t });
}
