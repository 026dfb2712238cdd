import { defineBatchConsumer } from "@edgeworks/queue";
import { z } from "@hono/zod-openapi";
import { and, eq, gte, isNull, lt, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
import { messageIndex, notifications, queueOutbox, rooms } from "../schema";

/** A change to one message, sent by its room after the event is stored. */
export const searchMessage = z.object({
  kind: z.enum(["upsert", "delete"]),
  roomId: z.string().min(1),
  messageId: z.string().min(1),
  seq: z.number().int(),
  /** The seq of the event that produced this state: a lower version never overwrites a higher one. */
  version: z.number().int(),
  userId: z.string(),
  text: z.string(),
  createdAt: z.number().int(),
});
export type SearchMessage = z.infer<typeof searchMessage>;

const statements = (db: DrizzleD1Database, m: SearchMessage): BatchItem<"sqlite">[] => {
  const deletedAt = m.kind === "delete" ? Date.now() : null;
  const upsert = db
    .insert(messageIndex)
    .values({
      messageId: m.messageId,
      roomId: m.roomId,
      seq: m.seq,
      version: m.version,
      userId: m.userId,
      text: m.kind === "delete" ? "" : m.text,
      createdAt: m.createdAt,
      deletedAt,
    })
    .onConflictDoUpdate({
      target: messageIndex.messageId,
      set: { text: sql`excluded.text`, version: sql`excluded.version`, deletedAt: sql`excluded.deleted_at` },
      setWhere: sql`excluded.version > ${messageIndex.version}`,
    });
  if (m.kind === "delete") return [upsert, ...forgetText(db, m.messageId)];
  if (m.version !== m.seq) return [upsert];
  // a new message: the room's activity time moves forward (never back) for "my rooms" ordering
  return [
    upsert,
    db
      .update(rooms)
      .set({ lastActivityAt: sql`max(${rooms.lastActivityAt}, ${m.createdAt})` })
      .where(eq(rooms.id, m.roomId)),
  ];
};

/** The ids that start with `prefix` (a range on the primary key, no scan): `prefix` ≤ id < `prefix` with its last character + 1. */
const startsWith = (column: typeof notifications.id | typeof queueOutbox.id, prefix: string) =>
  and(gte(column, prefix), lt(column, prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1)));

/**
 * A deleted message's text leaves the notifications of it too (ids `<messageId>:<userId>`), and its
 * notification emails not yet handed to the mail service are dropped (ids `mail:chat-message/<messageId>/…`).
 */
const forgetText = (db: DrizzleD1Database, messageId: string): BatchItem<"sqlite">[] => [
  db
    .update(notifications)
    .set({ body: sql`json_set(${notifications.body}, '$.text', '')` })
    .where(startsWith(notifications.id, `${messageId}:`)),
  db.delete(queueOutbox).where(and(startsWith(queueOutbox.id, `mail:chat-message/${messageId}/`), isNull(queueOutbox.sentAt))),
];

/**
 * The Queue consumer feeding the FTS5 index (and forgetting a deleted message's text elsewhere). Idempotent (versioned upserts), so a redelivery or an
 * out-of-order delivery converges without a processed-message table; the batch is one D1
 * transaction, and if it fails each message is retried on its own. A malformed body can never
 * succeed: logged and acked.
 */
export const consumeSearch = defineBatchConsumer<Env, SearchMessage>({
  name: "chat-search",
  schema: searchMessage,
  async handleBatch(bodies, { env }) {
    const db = drizzle(env.DB);
    // never empty: the consumer calls handleBatch only with fresh messages
    const [first, ...rest] = bodies.flatMap((m) => statements(db, m));
    if (first) await db.batch([first, ...rest]);
  },
});
