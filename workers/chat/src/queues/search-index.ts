import { defineBatchConsumer } from "@edgeworks/queue";
import { z } from "@hono/zod-openapi";

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

const statements = (db: D1Database, m: SearchMessage): D1PreparedStatement[] => {
  const deletedAt = m.kind === "delete" ? Date.now() : null;
  const upsert = db
    .prepare(
      `INSERT INTO message_index (message_id, room_id, seq, version, user_id, text, created_at, deleted_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (message_id) DO UPDATE SET text = excluded.text, version = excluded.version, deleted_at = excluded.deleted_at
       WHERE excluded.version > message_index.version`,
    )
    .bind(m.messageId, m.roomId, m.seq, m.version, m.userId, m.kind === "delete" ? "" : m.text, m.createdAt, deletedAt);
  if (m.kind === "delete" || m.version !== m.seq) return [upsert];
  // a new message: the room's activity time moves forward (never back) for "my rooms" ordering
  return [upsert, db.prepare("UPDATE rooms SET last_activity_at = max(last_activity_at, ?) WHERE id = ?").bind(m.createdAt, m.roomId)];
};

/**
 * The Queue consumer feeding the FTS5 index. Idempotent (versioned upserts), so a redelivery or an
 * out-of-order delivery converges without a processed-message table; the batch is one D1
 * transaction, and if it fails each message is retried on its own. A malformed body can never
 * succeed: logged and acked.
 */
export const consumeSearch = defineBatchConsumer<Env, SearchMessage>({
  name: "chat-search",
  schema: searchMessage,
  async handleBatch(bodies, { env }) {
    await env.DB.batch(bodies.flatMap((m) => statements(env.DB, m)));
  },
});
