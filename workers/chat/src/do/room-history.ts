import { iso } from "@edgeworks/http";
import { and, count, desc, gt, isNull, lt, ne, sql } from "drizzle-orm";
import { messages, reactions } from "./chat-room.schema";
import { inIds, type MessageRow, type RoomDb, readPosition } from "./room-store";

// What the Worker reads of a room with nobody connected: history pages and the room list's summary.

type ReactionGroup = { emoji: string; userIds: string[]; count: number };

/** The reactions on some messages: emoji → user ids, in the order they were added. */
function reactionsOf(db: RoomDb, ids: string[]): Map<string, ReactionGroup[]> {
  const out = new Map<string, ReactionGroup[]>();
  if (ids.length === 0) return out;
  const rows = db
    .select({ messageId: reactions.messageId, emoji: reactions.emoji, userId: reactions.userId })
    .from(reactions)
    .where(inIds(reactions.messageId, ids))
    .orderBy(reactions.createdAt, sql`rowid`)
    .all();
  for (const r of rows) {
    const list = out.get(r.messageId) ?? [];
    let entry = list.find((e) => e.emoji === r.emoji);
    if (!entry) {
      entry = { emoji: r.emoji, userIds: [], count: 0 };
      list.push(entry);
    }
    entry.userIds.push(r.userId);
    entry.count++;
    out.set(r.messageId, list);
  }
  return out;
}

/** A message as history shows it: current text, reactions, and a tombstone when deleted. */
export const messageView = (m: MessageRow, reactions: ReactionGroup[] = []) => ({
  seq: m.seq,
  id: m.id,
  userId: m.userId,
  clientId: m.clientId,
  text: m.deletedAt === null ? m.text : "",
  attachments: m.deletedAt === null ? m.attachments : [],
  createdAt: iso(m.createdAt),
  editedAt: m.editedAt === null ? null : iso(m.editedAt),
  deletedAt: m.deletedAt === null ? null : iso(m.deletedAt),
  reactions: m.deletedAt === null ? reactions : [],
});
export type MessageView = ReturnType<typeof messageView>;

/** Messages with seq < `before`, newest `limit` of them, returned oldest first. */
export function historyPage(db: RoomDb, before: number | null, limit: number): { items: MessageView[]; nextBefore: number | null } {
  const rows = db
    .select()
    .from(messages)
    .where(lt(messages.seq, before ?? Number.MAX_SAFE_INTEGER))
    .orderBy(desc(messages.seq))
    .limit(limit + 1)
    .all();
  const hasMore = rows.length > limit;
  const page = rows.slice(0, limit).reverse();
  const reactions = reactionsOf(
    db,
    page.map((m) => m.id),
  );
  return { items: page.map((m) => messageView(m, reactions.get(m.id))), nextBefore: hasMore && page[0] ? page[0].seq : null };
}

/** The newest live message and how many messages from others are after the user's read position. */
export function summaryFor(db: RoomDb, userId: string) {
  const last = db.select().from(messages).where(isNull(messages.deletedAt)).orderBy(desc(messages.seq)).limit(1).get();
  const lastReadSeq = readPosition(db, userId);
  const unread =
    db
      .select({ n: count() })
      .from(messages)
      .where(and(gt(messages.seq, lastReadSeq), ne(messages.userId, userId), isNull(messages.deletedAt)))
      .get()?.n ?? 0;
  return { lastMessage: last ? messageView(last) : null, unreadCount: unread, lastReadSeq };
}
