import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

// packages/queue's tables: the idempotent consumer's processed events, the transactional outbox (events to
// orders, emails to the mail service, SMS to the provider) and the dead letters of the events queue.
export { deadLetters, processedMessages, queueOutbox } from "@edgeworks/queue";

/**
 * One row per (order, template, channel): what this service decided for one notice of one order on one
 * channel. `sent` = handed to delivery (the mail outbox or the SMS outbox) in the same batch as this row;
 * `skipped` = not sent, `reason` says why (opted_out, no_email, no_phone, no_contact). The unique index makes a
 * redelivered or repeated event a no-op. Times are epoch milliseconds.
 * The source of truth for tables and indexes: migrations/commerce-notifications/*.sql must say the same, and
 * test/conformance.test.ts (schema drift) fails when they disagree.
 */
export const notifications = sqliteTable(
  "notifications",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id").notNull(),
    userId: text("user_id").notNull(),
    /** email | sms */
    channel: text("channel").notNull(),
    /** receipt | cancellation | refund */
    template: text("template").notNull(),
    /** sent | skipped */
    status: text("status").notNull(),
    reason: text("reason"),
    /** The address or phone number it went to (null when skipped). */
    recipient: text("recipient"),
    /** The event that caused it. */
    eventId: text("event_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("notifications_order_template_channel").on(t.orderId, t.template, t.channel),
    // GET /commerce/v1/notifications: one user's, newest first, keyset-paginated on (created_at, id)
    index("notifications_user_created").on(t.userId, t.createdAt, t.id),
  ],
);
export type NotificationRow = typeof notifications.$inferSelect;

/**
 * What the fake SMS provider "delivered" (dev and tests; production sends through Twilio and writes nothing
 * here). Keyed by the SMS id, so a re-sent SMS (the outbox is at least once) is one row.
 */
export const smsMessages = sqliteTable(
  "sms_messages",
  {
    id: text("id").primaryKey(),
    to: text("to").notNull(),
    body: text("body").notNull(),
    notificationId: text("notification_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("sms_messages_created").on(t.createdAt, t.id)],
);
export type SmsMessageRow = typeof smsMessages.$inferSelect;
