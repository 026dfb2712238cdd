import { decodeCursor, encodeCursor, invalidCursor } from "@edgeworks/http";
import type { ChatDeps } from "./deps";

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
  { env, userId }: ChatDeps,
  query: { q: string; roomId?: string; limit: number; cursor?: string },
): Promise<{ items: SearchHit[]; nextCursor: string | null }> {
  const match = toMatchQuery(query.q);
  if (!match) return { items: [], nextCursor: null };
  const offset = query.cursor === undefined ? 0 : decodeCursor(`${SCOPE}:${query.q}`, query.cursor, 1)[0];
  if (typeof offset !== "number" || !Number.isSafeInteger(offset) || offset < 0 || offset > MAX_OFFSET) {
    throw invalidCursor();
  }
  const { results } = await env.DB.prepare(
    `SELECT mi.room_id, mi.message_id, mi.seq, mi.user_id, mi.text, mi.created_at,
            snippet(message_fts, 0, '[', ']', '…', 12) AS snippet
     FROM message_fts
     JOIN message_index mi ON mi.id = message_fts.rowid
     JOIN room_members m ON m.room_id = mi.room_id AND m.user_id = ?1
     JOIN rooms r ON r.id = mi.room_id AND r.deleted_at IS NULL
     WHERE message_fts MATCH ?2 AND mi.deleted_at IS NULL AND (?3 IS NULL OR mi.room_id = ?3)
     ORDER BY bm25(message_fts), mi.created_at DESC, mi.id
     LIMIT ?4 OFFSET ?5`,
  )
    .bind(userId, match, query.roomId ?? null, query.limit + 1, offset)
    .all<Record<string, string | number>>();
  const items = results.slice(0, query.limit).map((r) => ({
    roomId: String(r.room_id),
    messageId: String(r.message_id),
    seq: Number(r.seq),
    userId: String(r.user_id),
    text: String(r.text),
    snippet: String(r.snippet),
    createdAt: new Date(Number(r.created_at)).toISOString(),
  }));
  const nextCursor =
    results.length > query.limit && offset + query.limit <= MAX_OFFSET ? encodeCursor(`${SCOPE}:${query.q}`, [offset + query.limit]) : null;
  return { items, nextCursor };
}
