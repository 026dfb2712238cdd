import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

// The two tables a product adds (as a numbered migration under migrations/<db>/, copied from
// packages/queue/migrations/0001_queue_tables.sql) when it uses idempotent consumers or the outbox.
// A product re-exports what it uses from its own src/schema.ts, so its schema and migrations agree.

/**
 * Messages a consumer has handled, by consumer name and key (the Queue message id, or a key the
 * consumer takes from the body). Rows older than the consumer's retention are pruned.
 *
 * @example export { processedMessages } from "@edgeworks/queue"; // in a product's src/schema.ts
 */
export const processedMessages = sqliteTable(
  "processed_messages",
  {
    consumer: text("consumer").notNull(),
    messageKey: text("message_key").notNull(),
    processedAt: integer("processed_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.consumer, t.messageKey] }), index("processed_messages_at").on(t.consumer, t.processedAt)],
);

/**
 * The transactional outbox: rows written in the same `db.batch` as the change that causes them, sent
 * to a Queue by `drainOutbox`. A claimed row is another drain's until `claimed_until`; `sent_at` is set
 * once the Queue has it.
 *
 * @example export { queueOutbox } from "@edgeworks/queue"; // in a product's src/schema.ts
 */
export const queueOutbox = sqliteTable(
  "queue_outbox",
  {
    id: text("id").primaryKey(),
    topic: text("topic").notNull(),
    body: text("body").notNull(),
    createdAt: integer("created_at").notNull(),
    claimedBy: text("claimed_by"),
    claimedUntil: integer("claimed_until"),
    sentAt: integer("sent_at"),
  },
  (t) => [index("queue_outbox_pending").on(t.topic, t.sentAt, t.createdAt)],
);

/**
 * Dead letters of a product's queues, recorded by `defineDeadLetterConsumer` (once per DLQ message id) so an
 * admin API can list them (`listDeadLetters`) and send them back (`redriveDeadLetters`). `body` is the original
 * message body as JSON text (unwrapped from a consumer's `deadLetter` parcel), `reason` why it was parked (null:
 * it failed every retry). A redrive claims a row (`redrive_requested_at`) before sending, then sets `redriven_at`.
 *
 * @example export { deadLetters } from "@edgeworks/queue"; // in a product's src/schema.ts
 */
export const deadLetters = sqliteTable(
  "dead_letters",
  {
    id: text("id").primaryKey(),
    queue: text("queue").notNull(),
    body: text("body").notNull(),
    reason: text("reason"),
    attempts: integer("attempts").notNull(),
    receivedAt: integer("received_at").notNull(),
    redriveRequestedAt: integer("redrive_requested_at"),
    redrivenAt: integer("redriven_at"),
  },
  (t) => [index("dead_letters_queue").on(t.queue, t.receivedAt)],
);
