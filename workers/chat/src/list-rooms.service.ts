import { decodeCursor, encodeCursor, invalidCursor, toPage } from "@edgeworks/http";
import type { z } from "@hono/zod-openapi";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { type ChatDeps, roomStub } from "./deps";
import { membersOf, toRoom } from "./room-view";
import { roomMembers, rooms } from "./schema";
import type { roomListItemSchema } from "./validation";

type RoomListItem = z.infer<typeof roomListItemSchema>;
const SCOPE = "rooms:activity";

/**
 * My rooms, most recently active first (activity = creation, then the newest indexed message),
 * keyset-paginated; each item carries the last message and my unread count from the room's object.
 */
export async function listRooms(
  deps: ChatDeps,
  query: { limit: number; cursor?: string },
): Promise<{ items: RoomListItem[]; nextCursor: string | null }> {
  const { db, userId } = deps;
  const position = query.cursor === undefined ? undefined : decodeCursor(SCOPE, query.cursor, 2);
  if (position && (typeof position[0] !== "number" || !Number.isSafeInteger(position[0]) || typeof position[1] !== "string")) {
    throw invalidCursor();
  }
  const rows = await db
    .select({ room: rooms })
    .from(rooms)
    .innerJoin(roomMembers, and(eq(roomMembers.roomId, rooms.id), eq(roomMembers.userId, userId)))
    .where(
      and(
        isNull(rooms.deletedAt),
        position ? sql`(${rooms.lastActivityAt}, ${rooms.id}) < (${Number(position[0])}, ${String(position[1])})` : undefined,
      ),
    )
    .orderBy(desc(rooms.lastActivityAt), desc(rooms.id))
    .limit(query.limit + 1);
  const page = toPage(rows, query.limit, (last) => encodeCursor(SCOPE, [last.room.lastActivityAt, last.room.id]));
  const members = await membersOf(
    deps,
    page.items.map((r) => r.room.id),
  );
  const items = await Promise.all(
    page.items.map(async ({ room }) => {
      const summary = await roomStub(deps.env, room.id).summary(room.id, userId);
      return {
        ...toRoom(room, members.get(room.id) ?? [], userId),
        lastActivityAt: new Date(room.lastActivityAt).toISOString(),
        ...summary,
      };
    }),
  );
  return { items, nextCursor: page.nextCursor };
}
