import { TICKETS_DDL } from "@edgeworks/auth";
import { type MigrationStep, migrate } from "@edgeworks/realtime";
import { and, countDistinct, eq, gt, isNotNull, max, type SQL, sql } from "drizzle-orm";
import { type DrizzleSqliteDODatabase, drizzle } from "drizzle-orm/durable-sqlite";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { StoredEvent } from "./chat-room.events";
import { events, messages, meta, reactions, reads } from "./chat-room.schema";

/**
 * The room's SQLite schema (Durable Object storage), in order: append, never edit a deployed step.
 * chat-room.schema.ts declares the same tables for the drizzle builder (test/do-schema.test.ts).
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
  // 2: the edits of one message, found without a scan (a delete redacts them all); rooms stored before
  // that lose the text of the edits of their already deleted messages here
  `
    CREATE INDEX IF NOT EXISTS events_edited_message ON events (json_extract(body, '$.messageId')) WHERE type = 'edited';
    UPDATE events SET body = json_set(body, '$.text', '', '$.deleted', json('true'))
      WHERE type = 'edited' AND json_extract(body, '$.messageId') IN (SELECT id FROM messages WHERE deleted_at IS NOT NULL);
  `,
];

/** Brings the room's storage up to date (in the constructor's blockConcurrencyWhile). */
export const migrateRoom = (storage: DurableObjectStorage): number => migrate(storage, ROOM_MIGRATIONS);

/** The drizzle database over a room's storage (durable-sqlite: every query runs synchronously). */
export type RoomDb = DrizzleSqliteDODatabase;

/** @example const db = roomDb(ctx.storage); */
export const roomDb = (storage: DurableObjectStorage): RoomDb => drizzle(storage);

/**
 * `column IN` the given ids as one JSON parameter: Durable Object SQLite limits bound parameters, so
 * `inArray` could fail on a long page.
 */
export const inIds = (column: SQLiteColumn, ids: string[]): SQL => sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`;

/** The newest seq of the event log (0 when empty). */
export const headSeq = (db: RoomDb): number =>
  db
    .select({ seq: max(events.seq) })
    .from(events)
    .get()?.seq ?? 0;

export function readMeta(db: RoomDb, key: string): string | null {
  return db.select({ value: meta.value }).from(meta).where(eq(meta.key, key)).get()?.value ?? null;
}
export const writeMeta = (db: RoomDb, key: string, value: string): void => {
  db.insert(meta).values({ key, value }).onConflictDoUpdate({ target: meta.key, set: { value } }).run();
};

type EventBody<T extends StoredEvent = StoredEvent> = T extends StoredEvent ? Omit<T, "seq"> : never;

/** Appends an event with the next seq (head + 1) and returns it as sent. */
export function appendEvent(db: RoomDb, head: number, body: EventBody, now: number): StoredEvent {
  const seq = head + 1;
  const { type, ...rest } = body;
  db.insert(events).values({ seq, type, body: rest, createdAt: now }).run();
  return { type, seq, ...rest } as StoredEvent;
}

/** Events are replayed a page at a time, so a long absence never holds the whole log in memory. */
export const REPLAY_PAGE = 200;

/** The `edited` events of one message (the partial expression index `events_edited_message`). */
const editsOf = (messageId: string): SQL =>
  and(sql`${events.type} = 'edited'`, sql`json_extract(${events.body}, '$.messageId') = ${messageId}`) as SQL;

/** An `edited` event of a deleted message as it is stored and replayed: no text, marked deleted. */
const redactedEdit = (body: Record<string, unknown>) => ({ ...body, text: "", deleted: true });

/** Which of these messages are deleted. */
function deletedAmong(db: RoomDb, ids: string[]): Set<string> {
  if (ids.length === 0) return new Set();
  const rows = db
    .select({ id: messages.id })
    .from(messages)
    .where(and(inIds(messages.id, ids), isNotNull(messages.deletedAt)))
    .all();
  return new Set(rows.map((r) => r.id));
}

/**
 * Up to `limit` stored events after `after`, oldest first: one bounded query. An `edited` event of a
 * deleted message comes without its text even if storage still had it (deletes redact their edits;
 * this covers any that slipped by).
 */
export function eventPage(db: RoomDb, after: number, limit = REPLAY_PAGE): StoredEvent[] {
  const page = db.select().from(events).where(gt(events.seq, after)).orderBy(events.seq).limit(limit).all();
  const deleted = deletedAmong(
    db,
    page.filter((r) => r.type === "edited").map((r) => String(r.body.messageId)),
  );
  return page.map((row) => {
    const body = row.type === "edited" && deleted.has(String(row.body.messageId)) ? redactedEdit(row.body) : row.body;
    return { type: row.type, seq: row.seq, ...body } as StoredEvent;
  });
}

/**
 * A deleted message leaves no text in the log: its original event loses text and attachments, and
 * every `edited` event of it its text, so a replay never shows what was deleted (README: resume).
 */
export function redactMessageEvents(db: RoomDb, messageId: string, seq: number): void {
  const bySeq = eq(events.seq, seq);
  const row = db
    .select({ body: events.body })
    .from(events)
    .where(and(bySeq, eq(events.type, "message")))
    .get();
  if (row) {
    db.update(events)
      .set({ body: { ...row.body, text: "", attachments: [], deleted: true } })
      .where(bySeq)
      .run();
  }
  db.update(events)
    .set({ body: sql`json_set(${events.body}, '$.text', '', '$.deleted', json('true'))` })
    .where(editsOf(messageId))
    .run();
}

/** A message as stored: current text and attachments, times in epoch ms. */
export type MessageRow = typeof messages.$inferSelect;

export function findMessage(db: RoomDb, id: string): MessageRow | null {
  return db.select().from(messages).where(eq(messages.id, id)).get() ?? null;
}

export function findByClientId(db: RoomDb, userId: string, clientId: string): MessageRow | null {
  return (
    db
      .select()
      .from(messages)
      .where(and(eq(messages.userId, userId), eq(messages.clientId, clientId)))
      .get() ?? null
  );
}

export function insertMessage(db: RoomDb, m: MessageRow): void {
  db.insert(messages).values(m).run();
}

export function readPosition(db: RoomDb, userId: string): number {
  return db.select({ seq: reads.seq }).from(reads).where(eq(reads.userId, userId)).get()?.seq ?? 0;
}

/** Moves the read position forward only; returns the position after the call. */
export function markRead(db: RoomDb, userId: string, seq: number): number {
  db.insert(reads)
    .values({ userId, seq })
    .onConflictDoUpdate({ target: reads.userId, set: { seq: sql`max(${reads.seq}, excluded.seq)` } })
    .run();
  return readPosition(db, userId);
}

/** Adds the reaction, or removes it if the user already gave it; returns what happened. */
export function toggleReaction(db: RoomDb, messageId: string, userId: string, emoji: string, now: number): "added" | "removed" {
  // durable-sqlite's run() reports no row count: RETURNING says whether the delete found the reaction
  const removed = db
    .delete(reactions)
    .where(and(eq(reactions.messageId, messageId), eq(reactions.userId, userId), eq(reactions.emoji, emoji)))
    .returning({ emoji: reactions.emoji })
    .all();
  if (removed.length > 0) return "removed";
  db.insert(reactions).values({ messageId, userId, emoji, createdAt: now }).run();
  return "added";
}

/** Whether the message already carries this emoji (from anyone). */
export const hasReaction = (db: RoomDb, messageId: string, emoji: string): boolean =>
  db
    .select({ emoji: reactions.emoji })
    .from(reactions)
    .where(and(eq(reactions.messageId, messageId), eq(reactions.emoji, emoji)))
    .limit(1)
    .get() !== undefined;

export const distinctReactions = (db: RoomDb, messageId: string): number =>
  db
    .select({ n: countDistinct(reactions.emoji) })
    .from(reactions)
    .where(eq(reactions.messageId, messageId))
    .get()?.n ?? 0;
