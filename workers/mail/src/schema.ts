import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

// The source of truth for tables and indexes: migrations/mail/*.sql must say the same, and
// test/conformance.test.ts (schema drift) fails when they disagree. Times are epoch milliseconds.

export { capturedMail } from "@edgeworks/mail";
/** The consumer's idempotency (packages/queue) and the capture provider's table (packages/mail). */
export { processedMessages } from "@edgeworks/queue";

/** The delivery states of an email. */
export const DELIVERY_STATUSES = ["sent", "retrying", "failed"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * One row per email id: what happened to it last. `sent` is final (a redelivered copy is not sent
 * again), `retrying` keeps the last temporary error, `failed` the provider's refusal (the email is
 * also on the DLQ, recorded in `mail_dead_letters`).
 */
export const mailDeliveries = sqliteTable(
  "mail_deliveries",
  {
    id: text("id").primaryKey(),
    kind: text("kind").notNull(),
    toAddress: text("to_address").notNull(),
    status: text("status", { enum: DELIVERY_STATUSES }).notNull(),
    provider: text("provider").notNull(),
    providerId: text("provider_id"),
    attempts: integer("attempts").notNull(),
    error: text("error"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("mail_deliveries_status").on(t.status, t.updatedAt)],
);

/**
 * What reached edgeworks-mail-dlq: emails that failed every retry (the body is the email), emails the
 * provider refused and invalid bodies (`{consumer, reason|issues, body}`). `mail_id` is the email's id
 * when the body holds a valid email (only those can be redriven). Setting `redrive_requested_at` asks
 * the cron to send the email back to edgeworks-mail; it sets `redriven_at` when it has.
 */
export const mailDeadLetters = sqliteTable(
  "mail_dead_letters",
  {
    id: text("id").primaryKey(),
    mailId: text("mail_id"),
    reason: text("reason").notNull(),
    body: text("body").notNull(),
    receivedAt: integer("received_at").notNull(),
    redriveRequestedAt: integer("redrive_requested_at"),
    redrivenAt: integer("redriven_at"),
  },
  (t) => [index("mail_dead_letters_received").on(t.receivedAt), index("mail_dead_letters_redrive").on(t.redriveRequestedAt, t.redrivenAt)],
);
