import { TICKETS_DDL } from "@edgeworks/auth";
import { iso } from "@edgeworks/http";
import { type MigrationStep, migrate } from "@edgeworks/realtime";
import type { AttachmentView, StoredEvent } from "./chat-room.events";

/**
 * The room's SQLite schema (Durable Object storage), in order: append, never edit a deployed step.
 * Version 1 is the schema rooms had before versioning, written with IF NOT EXISTS so that a room
 * created then adopts it unchanged.
 */
export const ROOM_MIGRATIONS: readonly MigrationStep[] = [
  `
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, type TEXT NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS messages (
      id TEXT PRIMARY KEY, seq INTEGER NOT NULL UNIQUE, user_id TEXT NOT NULL, client_id TEXT NOT NULL,
      text TEXT NOT NULL, attachments TEXT NOT NULL, created_at INTEGER NOT NULL, edited_at INTEGER, deleted_at INTEGER,
      UNIQUE (user_id, client_id));
    CREATE TABLE IF NOT EXISTS reactions (
      message_id TEXT NOT NULL, user_id TEXT NOT NULL, emoji TEXT NOT NULL, created_at INTEGER NOT NULL,
      PRIMARY KEY (message_id, emoji, user_id));
    ${TICKETS_DDL}
    CREATE TABLE IF NOT EXISTS reads (user_id TEXT PRIMARY KEY, seq INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS presence (user_id TEXT PRIMARY KEY, online INTEGER NOT NULL, version INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS attachments (
      id TEXT PRIMARY KEY, user_id TEXT NOT NULL, name TEXT NOT NULL, content_type TEXT NOT NULL, size INTEGER NOT NULL,
      created_at INTEGER NOT NULL, message_id TEXT);
  `,
];

/** Brings the room's storage up to date (in the constructor's blockConcurrencyWhile). */
export const migrateRoom = (storage: DurableObjectStorage): number => migrate(storage, ROOM_MIGRATIONS);

/** The newest seq of the event log (0 when empty). */
export const headSeq = (sql: SqlStorage): number => (sql.exec("SELECT coalesce(max(seq), 0) AS s FROM events").one().s as number) ?? 0;

export function readMeta(sql: SqlStorage, key: string): string | null {
  const row = sql.exec("SELECT value FROM meta WHERE key = ?", key).toArray()[0];
  return row ? String(row.value) : null;
}
export const writeMeta = (sql: SqlStorage, key: string, value: string): void => {
  sql.exec("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value);
};

type EventBody<T extends StoredEvent = StoredEvent> = T extends StoredEvent ? Omit<T, "seq"> : never;

/** Appends an event with the next seq (head + 1) and returns it as sent. */
export function appendEvent(sql: SqlStorage, head: number, body: EventBody, now: number): StoredEvent {
  const seq = head + 1;
  const { type, ...rest } = body;
  sql.exec("INSERT INTO events (seq, type, body, created_at) VALUES (?, ?, ?, ?)", seq, type, JSON.stringify(rest), now);
  return { type, seq, ...rest } as StoredEvent;
}

/** The stored events after `since`, oldest first, read lazily (a long absence replays everything). */
export function* eventsAfter(sql: SqlStorage, since: number): Generator<StoredEvent> {
  for (const row of sql.exec("SELECT seq, type, body FROM events WHERE seq > ? ORDER BY seq", since)) {
    yield { type: row.type, seq: row.seq, ...JSON.parse(String(row.body)) } as StoredEvent;
  }
}

/** A message's original event is redacted when it is deleted, so a replay never shows deleted text. */
export function redactMessageEvent(sql: SqlStorage, seq: number): void {
  const row = sql.exec("SELECT body FROM events WHERE seq = ? AND type = 'message'", seq).toArray()[0];
  if (!row) return;
  const body = JSON.parse(String(row.body)) as Record<string, unknown>;
  sql.exec("UPDATE events SET body = ? WHERE seq = ?", JSON.stringify({ ...body, text: "", attachments: [], deleted: true }), seq);
}

export interface MessageRow {
  id: string;
  seq: number;
  userId: string;
  clientId: string;
  text: string;
  attachments: AttachmentView[];
  createdAt: number;
  editedAt: number | null;
  deletedAt: number | null;
}

const toMessageRow = (r: Record<string, SqlStorageValue>): MessageRow => ({
  id: String(r.id),
  seq: Number(r.seq),
  userId: String(r.user_id),
  clientId: String(r.client_id),
  text: String(r.text),
  attachments: JSON.parse(String(r.attachments)) as AttachmentView[],
  createdAt: Number(r.created_at),
  editedAt: r.edited_at === null ? null : Number(r.edited_at),
  deletedAt: r.deleted_at === null ? null : Number(r.deleted_at),
});

export function findMessage(sql: SqlStorage, id: string): MessageRow | null {
  const row = sql.exec("SELECT * FROM messages WHERE id = ?", id).toArray()[0];
  return row ? toMessageRow(row) : null;
}

export function findByClientId(sql: SqlStorage, userId: string, clientId: string): MessageRow | null {
  const row = sql.exec("SELECT * FROM messages WHERE user_id = ? AND client_id = ?", userId, clientId).toArray()[0];
  return row ? toMessageRow(row) : null;
}

export function insertMessage(sql: SqlStorage, m: MessageRow): void {
  sql.exec(
    "INSERT INTO messages (id, seq, user_id, client_id, text, attachments, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    m.id,
    m.seq,
    m.userId,
    m.clientId,
    m.text,
    JSON.stringify(m.attachments),
    m.createdAt,
  );
}

/** The reactions on some messages: emoji → user ids, in the order they were added. */
function reactionsOf(sql: SqlStorage, ids: string[]): Map<string, { emoji: string; userIds: string[]; count: number }[]> {
  const out = new Map<string, { emoji: string; userIds: string[]; count: number }[]>();
  if (ids.length === 0) return out;
  const rows = sql.exec(
    "SELECT message_id, emoji, user_id FROM reactions WHERE message_id IN (SELECT value FROM json_each(?)) ORDER BY created_at, rowid",
    JSON.stringify(ids),
  );
  for (const r of rows) {
    const list = out.get(String(r.message_id)) ?? [];
    let entry = list.find((e) => e.emoji === r.emoji);
    if (!entry) {
      entry = { emoji: String(r.emoji), userIds: [], count: 0 };
      list.push(entry);
    }
    entry.userIds.push(String(r.user_id));
    entry.count++;
    out.set(String(r.message_id), list);
  }
  return out;
}

/** A message as history shows it: current text, reactions, and a tombstone when deleted. */
export const messageView = (m: MessageRow, reactions: { emoji: string; userIds: string[]; count: number }[] = []) => ({
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
export function historyPage(sql: SqlStorage, before: number | null, limit: number): { items: MessageView[]; nextBefore: number | null } {
  const rows = sql
    .exec("SELECT * FROM messages WHERE seq < ? ORDER BY seq DESC LIMIT ?", before ?? Number.MAX_SAFE_INTEGER, limit + 1)
    .toArray()
    .map(toMessageRow);
  const hasMore = rows.length > limit;
  const page = rows.slice(0, limit).reverse();
  const reactions = reactionsOf(
    sql,
    page.map((m) => m.id),
  );
  return { items: page.map((m) => messageView(m, reactions.get(m.id))), nextBefore: hasMore && page[0] ? page[0].seq : null };
}

/** The newest live message and how many messages from others are after the user's read position. */
export function summaryFor(sql: SqlStorage, userId: string) {
  const last = sql.exec("SELECT * FROM messages WHERE deleted_at IS NULL ORDER BY seq DESC LIMIT 1").toArray()[0];
  const lastReadSeq = readPosition(sql, userId);
  const unread = sql
    .exec("SELECT count(*) AS n FROM messages WHERE seq > ? AND user_id <> ? AND deleted_at IS NULL", lastReadSeq, userId)
    .one().n as number;
  return { lastMessage: last ? messageView(toMessageRow(last)) : null, unreadCount: unread, lastReadSeq };
}

export function readPosition(sql: SqlStorage, userId: string): number {
  const row = sql.exec("SELECT seq FROM reads WHERE user_id = ?", userId).toArray()[0];
  return row ? Number(row.seq) : 0;
}

/** Moves the read position forward only; returns the position after the call. */
export function markRead(sql: SqlStorage, userId: string, seq: number): number {
  sql.exec("INSERT INTO reads (user_id, seq) VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET seq = max(seq, excluded.seq)", userId, seq);
  return readPosition(sql, userId);
}

/** Adds the reaction, or removes it if the user already gave it; returns what happened. */
export function toggleReaction(sql: SqlStorage, messageId: string, userId: string, emoji: string, now: number): "added" | "removed" {
  const removed = sql.exec(
    "DELETE FROM reactions WHERE message_id = ? AND user_id = ? AND emoji = ?",
    messageId,
    userId,
    emoji,
  ).rowsWritten;
  if (removed > 0) return "removed";
  sql.exec("INSERT INTO reactions (message_id, user_id, emoji, created_at) VALUES (?, ?, ?, ?)", messageId, userId, emoji, now);
  return "added";
}

export const distinctReactions = (sql: SqlStorage, messageId: string): number =>
  sql.exec("SELECT count(DISTINCT emoji) AS n FROM reactions WHERE message_id = ?", messageId).one().n as number;
