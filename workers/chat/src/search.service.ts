import { decodeCursor, encodeCursor, invalidCursor } from "@edgeworks/http";
import { and, asc, desc, eq, isNull, sql } from "drizzle-orm";
import type { ChatDeps } from "./deps";
import { messageIndex, roomMembers, rooms } from "./schema";

const SCOPE = "search";
/** Results beyond this many are not paged to (refine the words instead). */
const MAX_OFFSET = 10_000;

/**
 * The user's words as an FTS5 query that cannot be malformed: each term becomes a quoted string
 * (quotes doubled), all terms must match (implicit AND), and the last one matches as a prefix, so a
 * search-as-you-type box works. Operators typed by the user (AND, NEAR, `*`, `:`) are plain words.
 */
export function toMatchQuery(q: string): string | null {
  const terms = q
    .split(/[\s"]+/u)
    .map((t) => t.replace(/[\p{C}]/gu, ""))
    .filter((t) => /[\p{L}\p{N}]/u.test(t))
    .slice(0, 20);
  if (terms.length === 0) return null;
  return terms.map((t, i) => `"${t.replaceAll('"', '""')}"${i === terms.length - 1 ? " *" : ""}`).join(" ");
}

export interface SearchHit {
  roomId: string;
  messageId: string;
  seq: number;
  userId: string;
  text: string;
  snippet: string;
  createdAt: string;
}

/** Full-text search over the messages of the rooms the caller is a member of now, best match first. */
export async function searchMessages(
  { db, userId }: ChatDeps,
  query: { q: string; roomId?: string; limit: number; cursor?: string },
): Promise<{ items: SearchHit[]; nextCursor: string | null }> {
  const match = toMatchQuery(query.q);
  if (!match) return { items: [], nextCursor: null };
  const offset = query.cursor === undefined ? 0 : decodeCursor(`${SCOPE}:${query.q}`, query.cursor, 1)[0];
  if (typeof offset !== "number" || !Number.isSafeInteger(offset) || offset < 0 || offset > MAX_OFFSET) {
    throw invalidCursor();
  }
  // the FTS5 table is only in the migrations: MATCH, its rowid, bm25 and snippet stay sql fragments
  const results = await db
    .select({
      roomId: messageIndex.roomId,
      messageId: messageIndex.messageId,
      seq: messageIndex.seq,
      userId: messageIndex.userId,
      text: messageIndex.text,
      createdAt: messageIndex.createdAt,
      snippet: sql<string>`snippet(message_fts, 0, '[', ']', '…', 12)`,
    })
    .from(sql`message_fts`)
    .innerJoin(messageIndex, sql`${messageIndex.id} = message_fts.rowid`)
    .innerJoin(roomMembers, and(eq(roomMembers.roomId, messageIndex.roomId), eq(roomMembers.userId, userId)))
    .innerJoin(rooms, and(eq(rooms.id, messageIndex.roomId), isNull(rooms.deletedAt)))
    .where(
      and(
        sql`message_fts MATCH ${match}`,
        isNull(messageIndex.deletedAt),
        query.roomId === undefined ? undefined : eq(messageIndex.roomId, query.roomId),
      ),
    )
    .orderBy(sql`bm25(message_fts)`, desc(messageIndex.createdAt), asc(messageIndex.id))
    .limit(query.limit + 1)
    .offset(offset);
  const items = results.slice(0, query.limit).map((r) => ({
    roomId: r.roomId,
    messageId: r.messageId,
    seq: r.seq,
    userId: r.userId,
    text: r.text,
    snippet: String(r.snippet),
    createdAt: new Date(r.createdAt).toISOString(),
  }));
  const nextCursor =
    results.length > query.limit && offset + query.limit <= MAX_OFFSET ? encodeCursor(`${SCOPE}:${query.q}`, [offset + query.limit]) : null;
  return { items, nextCursor };
}
