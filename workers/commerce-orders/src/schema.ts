import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export { deadLetters, processedMessages, queueOutbox } from "@edgeworks/queue";

// The source of truth for tables and indexes: migrations/commerce-orders/*.sql must say the same, and
// test/conformance.test.ts (schema drift) fails when they disagree. Times are epoch milliseconds.

/**
 * One row per order. `status` and `payment_status` only change through the saga's state machine
 * (src/saga/machine.ts), each change a conditional update that bumps `version`. `charged_at` is set when
 * PAYMENTS.charge answered (the cron retries the charge of an awaiting order without it).
 */
export const orders = sqliteTable(
  "orders",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    status: text("status", { enum: ["pending", "awaiting_payment", "confirmed", "cancelled"] }).notNull(),
    cancelReason: text("cancel_reason"),
    paymentStatus: text("payment_status", { enum: ["none", "processing", "succeeded", "failed", "refunded"] }).notNull(),
    amount: integer("amount").notNull(),
    currency: text("currency").notNull(),
    paymentMethod: text("payment_method").notNull(),
    addressId: text("address_id"),
    requestId: text("request_id"),
    chargedAt: integer("charged_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    version: integer("version").notNull(),
  },
  (t) => [
    // the caller's orders, newest first (keyset on created_at, id)
    index("orders_user_created").on(t.userId, t.createdAt, t.id),
    // the ledger (oldest first) and the cron sweeper (open orders older than the timeout)
    index("orders_created").on(t.createdAt, t.id),
    index("orders_open").on(t.status, t.createdAt).where(sql`status IN ('pending', 'awaiting_payment')`),
  ],
);
export type OrderRow = typeof orders.$inferSelect;

/** The lines of an order as priced by catalog when it was placed. */
export const orderLines = sqliteTable(
  "order_lines",
  {
    orderId: text("order_id").notNull(),
    position: integer("position").notNull(),
    productId: text("product_id").notNull(),
    sku: text("sku").notNull(),
    name: text("name").notNull(),
    quantity: integer("quantity").notNull(),
    unitAmount: integer("unit_amount").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.position] })],
);
export type OrderLineRow = typeof orderLines.$inferSelect;

/**
 * The saga log: every event produced (`event_out`) and consumed (`event_in`), and every step (payment
 * requested, timeout fired, cancel requested, cart cleared, replay). A row that moved the order carries the
 * order's new `order_version`: the unique index makes two concurrent transitions from the same version
 * impossible (the second batch fails as a whole). Timeline and replay read it in insertion order (rowid).
 */
export const orderEvents = sqliteTable(
  "order_events",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id").notNull(),
    kind: text("kind", { enum: ["event_in", "event_out", "step"] }).notNull(),
    type: text("type").notNull(),
    service: text("service").notNull(),
    occurredAt: integer("occurred_at").notNull(),
    recordedAt: integer("recorded_at").notNull(),
    causationId: text("causation_id"),
    orderVersion: integer("order_version"),
    outcome: text("outcome"),
    payload: text("payload").notNull(),
  },
  (t) => [
    index("order_events_order").on(t.orderId, t.recordedAt),
    uniqueIndex("order_events_version").on(t.orderId, t.orderVersion).where(sql`order_version IS NOT NULL`),
  ],
);
export type OrderEventRow = typeof orderEvents.$inferSelect;

// Idempotency keys of this product's retried writes, kept by packages/http's idempotency() middleware.
export { idempotencyKeys } from "@edgeworks/http/schema";
