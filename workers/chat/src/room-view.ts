import { iso, log } from "@edgeworks/http";
import { asc, eq, sql } from "drizzle-orm";
import type { ChatDeps } from "./deps";
import { getUsersOrThrow, saveNames } from "./directory";
import { type MemberRow, type RoomRow, roomMembers, userNames } from "./schema";
import type { Room } from "./validation";

/** A membership with the member's display name (null: accounts has none, or it is not known yet). */
export type NamedMember = MemberRow & { name: string | null };

/** A room as the API shows it to `me`. */
export const toRoom = (row: RoomRow, members: NamedMember[], me: string): Room => ({
  id: row.id,
  kind: row.kind,
  name: row.name,
  createdBy: row.createdBy,
  createdAt: iso(row.createdAt),
  updatedAt: iso(row.updatedAt),
  myRole: members.find((m) => m.userId === me)?.role ?? "member",
  members: members.map((m) => ({ userId: m.userId, name: m.name, role: m.role, joinedAt: iso(m.joinedAt) })),
});

/**
 * The members of some rooms, oldest first, with the names stored in `user_names`. Members without a
 * stored row (joined before names were kept) are looked up once in accounts, at most 100 per request,
 * and stored; if accounts cannot answer, the listing still succeeds with `name: null`.
 */
export async function membersOf(deps: ChatDeps, roomIds: string[]): Promise<Map<string, NamedMember[]>> {
  const out = new Map<string, NamedMember[]>();
  if (roomIds.length === 0) return out;
  const rows = await deps.db
    .select({
      roomId: roomMembers.roomId,
      userId: roomMembers.userId,
      role: roomMembers.role,
      joinedAt: roomMembers.joinedAt,
      name: userNames.name,
      stored: userNames.userId,
    })
    .from(roomMembers)
    .leftJoin(userNames, eq(userNames.userId, roomMembers.userId))
    // one bound parameter however many rooms (D1 allows 100 per statement)
    .where(sql`${roomMembers.roomId} IN (SELECT value FROM json_each(${JSON.stringify(roomIds)}))`)
    .orderBy(asc(roomMembers.joinedAt), asc(roomMembers.userId));
  const filled = await fillMissingNames(deps, [...new Set(rows.filter((r) => r.stored === null).map((r) => r.userId))]);
  for (const { stored: _, ...r } of rows) {
    out.set(r.roomId, [...(out.get(r.roomId) ?? []), { ...r, name: r.name ?? filled.get(r.userId) ?? null }]);
  }
  return out;
}

async function fillMissingNames(deps: ChatDeps, missing: string[]): Promise<Map<string, string | null>> {
  const names = new Map<string, string | null>();
  if (missing.length === 0) return names;
  try {
    const ids = missing.slice(0, 100);
    const found = await getUsersOrThrow(deps.env, ids);
    // ids accounts does not know are stored as nameless too, so they are not asked about again
    const users = ids.map((id) => ({ id, name: found.get(id)?.name ?? null }));
    await saveNames(deps, users);
    for (const u of users) names.set(u.id, u.name);
  } catch (err) {
    log(deps.env.LOG_LEVEL, "warn", "filling member names failed", { error: err instanceof Error ? err.message : String(err) });
  }
  return names;
}
