import { integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * The jobs product's D1 tables: the queues (who owns them and their settings) and what the kit's
 * middleware needs. Jobs, schedules and counters live in each queue's QueueScheduler Durable Object.
 * The source of truth for tables and indexes: migrations/jobs/*.sql must say the same, and
 * test/conformance.test.ts (schema drift) fails when they disagree.
 */
export const queues = sqliteTable(
  "queues",
  {
    /** `q_` + 12 alphanumerics: part of every job id of the queue (`j_<id>_…`). */
    id: text("id").primaryKey(),
    ownerId: text("owner_id").notNull(),
    name: text("name").notNull(),
    paused: integer("paused", { mode: "boolean" }).notNull(),
    concurrency: integer("concurrency").notNull(),
    /** JSON `{max, perSeconds}` or null. */
    rateLimit: text("rate_limit"),
    /** JSON JobOptions. */
    defaultJobOptions: text("default_job_options").notNull(),
    /** JSON `{completed: {count, ageSeconds}, failed: {count, ageSeconds}}`. */
    retention: text("retention").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  // one name per owner; also the index of the listing (owner's queues by name, keyset on name)
  (t) => [uniqueIndex("queues_owner_name").on(t.ownerId, t.name)],
);

export type QueueRow = typeof queues.$inferSelect;

// Idempotency keys of this product's retried writes, kept by packages/http's idempotency() middleware.
export { idempotencyKeys } from "@edgeworks/http/schema";

// `email.send` writes through @edgeworks/mail's outbox (packages/queue's queue_outbox).
export { queueOutbox } from "@edgeworks/queue";
