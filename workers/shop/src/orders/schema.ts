// The orders tables (drizzle): must match migrations/shop/0004_orders.sql (test/conformance.test.ts checks).
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export { queueOutbox } from "@edgeworks/queue";

/** The states of an order (see src/orders/state.ts for the transitions). */
export const ORDER_STATES = ["pending_payment", "paid", "fulfilled", "delivered", "cancelled", "refunded", "partially_refunded"] as const;
/** One order state. */
export type OrderState = (typeof ORDER_STATES)[number];

/**
 * Orders. Money in minor units of `currency` (uppercase ISO 4217), times epoch ms. `number` is the
 * human order number; `holdExpiresAt` is when an unpaid order's stock hold ends (the cron cancels it);
 * `refundDue` is paid money still to be refunded through Stripe (retried by the webhook and the cron).
 */
export const orders = sqliteTable(
  "orders",
  {
    id: text("id").primaryKey().notNull(),
    number: integer("number").notNull().unique(),
    userId: text("user_id").notNull(),
    email: text("email"),
    state: text("state", { enum: ORDER_STATES }).notNull(),
    currency: text("currency").notNull(),
    subtotal: integer("subtotal").notNull(),
    discount: integer("discount").notNull().default(0),
    tax: integer("tax").notNull().default(0),
    taxRateBps: integer("tax_rate_bps").notNull().default(0),
    shipping: integer("shipping").notNull().default(0),
    total: integer("total").notNull(),
    amountPaid: integer("amount_paid").notNull().default(0),
    amountRefunded: integer("amount_refunded").notNull().default(0),
    refundDue: integer("refund_due").notNull().default(0),
    country: text("country").notNull(),
    shippingMethod: text("shipping_method").notNull(),
    couponId: text("coupon_id"),
    couponCode: text("coupon_code"),
    paymentIntentId: text("payment_intent_id").unique(),
    paymentError: text("payment_error"),
    stockCommitted: integer("stock_committed").notNull().default(0),
    holdExpiresAt: integer("hold_expires_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    paidAt: integer("paid_at"),
    fulfilledAt: integer("fulfilled_at"),
    deliveredAt: integer("delivered_at"),
    cancelledAt: integer("cancelled_at"),
  },
  (t) => [
    index("orders_user").on(t.userId, t.createdAt, t.id),
    index("orders_state").on(t.state, t.createdAt, t.id),
    index("orders_paid").on(t.paidAt).where(sql`paid_at IS NOT NULL`),
    index("orders_hold").on(t.holdExpiresAt).where(sql`state = 'pending_payment'`),
    index("orders_refund_due").on(t.refundDue).where(sql`refund_due > 0`),
  ],
);

/** The lines of an order as bought (a snapshot of sku, title and price). */
export const orderLines = sqliteTable(
  "order_lines",
  {
    id: text("id").primaryKey().notNull(),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id),
    productId: text("product_id").notNull(),
    variantId: text("variant_id").notNull(),
    sku: text("sku").notNull(),
    title: text("title").notNull(),
    unitPrice: integer("unit_price").notNull(),
    quantity: integer("quantity").notNull(),
    total: integer("total").notNull(),
    refundedQuantity: integer("refunded_quantity").notNull().default(0),
    position: integer("position").notNull().default(0),
  },
  (t) => [index("order_lines_order").on(t.orderId, t.position), index("order_lines_product").on(t.productId)],
);

/** The timeline of an order: state changes, payment failures and refunds, with time, actor and reason. */
export const orderEvents = sqliteTable(
  "order_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id),
    type: text("type").notNull(),
    fromState: text("from_state"),
    toState: text("to_state"),
    actor: text("actor").notNull(),
    reason: text("reason"),
    at: integer("at").notNull(),
  },
  (t) => [index("order_events_order").on(t.orderId, t.id)],
);

/** Refunds of an order: `source` api (admin), stripe (made in Stripe) or system (payment for a cancelled order). */
export const refunds = sqliteTable(
  "refunds",
  {
    id: text("id").primaryKey().notNull(),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id),
    amount: integer("amount").notNull(),
    currency: text("currency").notNull(),
    reason: text("reason").notNull(),
    state: text("state", { enum: ["pending", "succeeded", "failed"] }).notNull(),
    source: text("source", { enum: ["api", "stripe", "system"] }).notNull(),
    restock: integer("restock").notNull().default(0),
    stripeRefundId: text("stripe_refund_id").unique(),
    failure: text("failure"),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("refunds_order").on(t.orderId, t.createdAt)],
);

/** The lines (and quantities) a refund covers. */
export const refundLines = sqliteTable(
  "refund_lines",
  {
    refundId: text("refund_id")
      .notNull()
      .references(() => refunds.id),
    lineId: text("line_id")
      .notNull()
      .references(() => orderLines.id),
    quantity: integer("quantity").notNull(),
  },
  (t) => [primaryKey({ columns: [t.refundId, t.lineId] })],
);

/** The webhook inbox: each Stripe event once, by its `evt_` id. */
export const stripeEvents = sqliteTable("stripe_events", {
  id: text("id").primaryKey().notNull(),
  type: text("type").notNull(),
  objectId: text("object_id"),
  created: integer("created").notNull(),
  receivedAt: integer("received_at").notNull(),
});
