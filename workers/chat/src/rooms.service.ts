import { ApiError, notFound } from "@edgeworks/http";
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { nanoid } from "nanoid";
import { type ChatDeps, roomStub } from "./deps";
import { type MemberRow, type Role, type RoomRow, roomMembers, rooms } from "./schema";
import type { Room } from "./validation";

const iso = (ms: number) => new Date(ms).toISOString();

interface AccountsDirectory {
  getUsers(ids: string[]): Promise<{ id: string }[]>;
}

/** The ids among `ids` that accounts does not know; 503 when accounts cannot answer. */
export async function unknownUsers(env: Env, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  let found: { id: string }[];
  try {
    found = await (env.ACCOUNTS as unknown as AccountsDirectory).getUsers(ids);
  } catch {
    throw new ApiError("service_unavailable", "The user directory is unavailable");
  }
  const known = new Set(Array.isArray(found) ? found.map((u) => u?.id) : []);
  return ids.filter((id) => !known.has(id));
}

const unknownUserError = (path: string) =>
  new ApiError("validation_failed", "No such user", { errors: [{ path, location: "body", message: "No such user" }] });

export const toRoom = (row: RoomRow, members: MemberRow[], me: string): Room => ({
  id: row.id,
  kind: row.kind,
  name: row.name,
  createdBy: row.createdBy,
  createdAt: iso(row.createdAt),
  updatedAt: iso(row.updatedAt),
  myRole: members.find((m) => m.userId === me)?.role ?? "member",
  members: members.map((m) => ({ userId: m.userId, role: m.role, joinedAt: iso(m.joinedAt) })),
});

/** The members of some rooms, oldest first. */
export async function membersOf({ db }: ChatDeps, roomIds: string[]): Promise<Map<string, MemberRow[]>> {
  const out = new Map<string, MemberRow[]>();
  if (roomIds.length === 0) return out;
  const rows = await db
    .select()
    .from(roomMembers)
    // one bound parameter however many rooms (D1 allows 100 per statement)
    .where(sql`${roomMembers.roomId} IN (SELECT value FROM json_each(${JSON.stringify(roomIds)}))`)
    .orderBy(asc(roomMembers.joinedAt), asc(roomMembers.userId));
  for (const r of rows) out.set(r.roomId, [...(out.get(r.roomId) ?? []), r]);
  return out;
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

export async function getRoomOrThrow(deps: ChatDeps, roomId: string): Promise<Room> {
  const { room } = await loadMembershipOrThrow(deps, roomId);
  return toRoom(room, (await membersOf(deps, [roomId])).get(roomId) ?? [], deps.userId);
}

/** Creates a group room; the caller is its owner, the named users its members. */
export async function createRoom(deps: ChatDeps, input: { name: string; memberIds?: string[] }): Promise<Room> {
  const { db, userId, now } = deps;
  const others = [...new Set(input.memberIds ?? [])].filter((id) => id !== userId);
  const unknown = await unknownUsers(deps.env, others);
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
  const members: MemberRow[] = [
    { roomId: id, userId, role: "owner", joinedAt: t },
    ...others.map((u) => ({ roomId: id, userId: u, role: "member" as const, joinedAt: t })),
  ];
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
  const chunks = Array.from({ length: Math.ceil(members.length / 20) }, (_, i) => members.slice(i * 20, i * 20 + 20));
  await db.batch([db.insert(rooms).values(row), ...chunks.map((chunk) => db.insert(roomMembers).values(chunk))]);
  return toRoom(row, members, userId);
}

/** The one-on-one room of the caller and `otherId`, created if there is none. */
export async function openDm(deps: ChatDeps, otherId: string): Promise<{ room: Room; created: boolean }> {
  const { db, userId, now } = deps;
  if (otherId === userId) {
    throw new ApiError("validation_failed", "A one-on-one room needs another user", {
      errors: [{ path: "userId", location: "body", message: "Must not be yourself" }],
    });
  }
  const dmKey = JSON.stringify([userId, otherId].sort());
  const existing = async () => {
    const [row] = await db.select().from(rooms).where(eq(rooms.dmKey, dmKey));
    return row ? { room: toRoom(row, (await membersOf(deps, [row.id])).get(row.id) ?? [], userId), created: false } : null;
  };
  const found = await existing();
  if (found) return found;
  if ((await unknownUsers(deps.env, [otherId])).length > 0) throw unknownUserError("userId");
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
  const members: MemberRow[] = [userId, otherId].map((u) => ({ roomId: id, userId: u, role: "member" as const, joinedAt: t }));
  // the room is inserted only if no DM of the pair exists (a concurrent open won), its members only
  // if the room was: one atomic batch
  const [inserted] = await deps.env.DB.batch([
    deps.env.DB.prepare(
      `INSERT INTO rooms (id, kind, name, dm_key, created_by, created_at, updated_at, last_activity_at)
       VALUES (?1, 'dm', NULL, ?2, ?3, ?4, ?4, ?4) ON CONFLICT (dm_key) DO NOTHING`,
    ).bind(id, dmKey, userId, t),
    deps.env.DB.prepare(
      `INSERT INTO room_members (room_id, user_id, role, joined_at)
       SELECT r.id, m.value, 'member', ?3 FROM rooms r, json_each(?2) m WHERE r.id = ?1`,
    ).bind(id, JSON.stringify([userId, otherId]), t),
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
  return getRoomOrThrow(deps, roomId);
}
