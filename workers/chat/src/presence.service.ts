import { type ChatDeps, presenceStub } from "./deps";

const pick = ({ online, lastSeenAt }: { online: boolean; lastSeenAt: string | null }) => ({ online, lastSeenAt });

/**
 * Online/offline of some users. Only users who share a room with the caller (and the caller) are
 * looked up; anyone else is reported offline, so presence reveals nothing about strangers.
 */
export async function presenceOf({ env, userId }: ChatDeps, userIds: string[]) {
  const { results } = await env.DB.prepare(
    `SELECT DISTINCT other.user_id FROM room_members mine
     JOIN room_members other ON other.room_id = mine.room_id
     JOIN rooms r ON r.id = mine.room_id AND r.deleted_at IS NULL
     WHERE mine.user_id = ? AND other.user_id IN (SELECT value FROM json_each(?))`,
  )
    .bind(userId, JSON.stringify(userIds))
    .all<{ user_id: string }>();
  const visible = new Set([userId, ...results.map((r) => r.user_id)]);
  const items = await Promise.all(
    userIds.map(async (id) =>
      visible.has(id) ? { userId: id, ...pick(await presenceStub(env, id).status()) } : { userId: id, online: false, lastSeenAt: null },
    ),
  );
  return { items };
}
