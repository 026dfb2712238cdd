import { and, eq, isNull, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { type ChatDeps, presenceStub } from "./deps";
import { roomMembers, rooms } from "./schema";

const mine = alias(roomMembers, "mine");
const other = alias(roomMembers, "other");

const pick = ({ online, lastSeenAt }: { online: boolean; lastSeenAt: string | null }) => ({ online, lastSeenAt });

/**
 * Online/offline of some users. Only users who share a room with the caller (and the caller) are
 * looked up; anyone else is reported offline, so presence reveals nothing about strangers.
 */
export async function presenceOf({ db, env, userId }: ChatDeps, userIds: string[]) {
  const results = await db
    .selectDistinct({ userId: other.userId })
    .from(mine)
    .innerJoin(other, eq(other.roomId, mine.roomId))
    .innerJoin(rooms, and(eq(rooms.id, mine.roomId), isNull(rooms.deletedAt)))
    // json_each: one bound parameter however many ids (D1 binds at most 100)
    .where(and(eq(mine.userId, userId), sql`${other.userId} IN (SELECT value FROM json_each(${JSON.stringify(userIds)}))`));
  const visible = new Set([userId, ...results.map((r) => r.userId)]);
  const items = await Promise.all(
    userIds.map(async (id) =>
      visible.has(id) ? { userId: id, ...pick(await presenceStub(env, id).status()) } : { userId: id, online: false, lastSeenAt: null },
    ),
  );
  return { items };
}
