import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * One payment per order (`order_id` unique): the charge and where it stands, or the record that the order
 * was cancelled before any charge (status `canceled`, no PaymentIntent) so that a late charge is refused.
 * `order_cancelled` is set by `order.cancelled`: from then on a succeeded PaymentIntent is refunded at once.
 * `last_event_id` is the event id of the last transition: the outbox rows of a transition are inserted only
 * if the row carries that id, so a transition that lost a race writes no event.
 * Times are epoch ms. The source of truth for tables and indexes: migrations/commerce-payments/*.sql must
 * say the same (test/conformance.test.ts).
 */
export const payments = sqliteTable(
  "payments",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id").notNull(),
    userId: text("user_id").notNull(),
    status: text("status", { enum: ["processing", "succeeded", "failed", "canceled", "refunded"] }).notNull(),
    amount: integer("amount").notNull(),
    amountRefunded: integer("amount_refunded").notNull(),
    currency: text("currency").notNull(),
    paymentMethod: text("payment_method"),
    paymentIntentId: text("payment_intent_id"),
    failureCode: text("failure_code"),
    failureMessage: text("failure_message"),
    orderCancelled: integer("order_cancelled", { mode: "boolean" }).notNull(),
    lastEventId: text("last_event_id"),
    /** The request that started the saga (the charge's RPC context, or the cancellation's): events made later (webhook, cron) carry it. */
    requestId: text("request_id"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("payments_order").on(t.orderId),
    uniqueIndex("payments_intent").on(t.paymentIntentId).where(sql`payment_intent_id IS NOT NULL`),
    index("payments_user_created").on(t.userId, t.createdAt, t.id),
    index("payments_status_updated").on(t.status, t.updatedAt),
    index("payments_created").on(t.createdAt, t.id),
  ],
);
export type PaymentRow = typeof payments.$inferSelect;
export type PaymentStatus = PaymentRow["status"];

/** Refunds made by Stripe (id = Stripe's `re_…`). */
export const refunds = sqliteTable(
  "refunds",
  {
    id: text("id").primaryKey(),
    paymentId: text("payment_id").notNull(),
    orderId: text("order_id").notNull(),
    amount: integer("amount").notNull(),
    currency: text("currency").notNull(),
    status: text("status").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("refunds_payment").on(t.paymentId)],
);

/** The webhook inbox: one row per Stripe event id, so a redelivery does nothing. */
export const stripeEvents = sqliteTable("stripe_events", {
  id: text("id").primaryKey(),
  type: text("type").notNull(),
  objectId: text("object_id"),
  created: integer("created").notNull(),
  receivedAt: integer("received_at").notNull(),
});

export { deadLetters, processedMessages, queueOutbox } from "@edgeworks/queue";
