import { and, eq, isNull } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { type Role, roomMembers, rooms } from "../schema";

// What the Durable Objects ask D1 (the source of truth for memberships and roles), through drizzle.

/**
 * A user's role in a room that is not deleted, or null when they are not a member (any more).
 *
 * @example if ((await memberRole(env.DB, roomId, userId)) === null) refuse();
 */
export async function memberRole(d1: D1Database, roomId: string, userId: string): Promise<Role | null> {
  const [row] = await drizzle(d1)
    .select({ role: roomMembers.role })
    .from(roomMembers)
    .innerJoin(rooms, eq(rooms.id, roomMembers.roomId))
    .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId), isNull(rooms.deletedAt)));
  return row?.role ?? null;
}

/**
 * The ids of the rooms a user is a member of.
 *
 * @example await Promise.all((await roomsOf(env.DB, userId)).map((id) => roomStub(env, id).presenceChanged(…)));
 */
export async function roomsOf(d1: D1Database, userId: string): Promise<string[]> {
  const rows = await drizzle(d1).select({ roomId: roomMembers.roomId }).from(roomMembers).where(eq(roomMembers.userId, userId));
  return rows.map((r) => r.roomId);
}
