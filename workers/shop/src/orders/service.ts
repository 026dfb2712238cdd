// Orders as the API shows them: reads (one order with its lines, refunds and timeline; keyset lists),
// and the timeline/outbox statements every state change writes in the same batch as the change.
import { decodeCursor, encodeCursor, notFound, toPage } from "@edgeworks/http";
import { outboxInsert, queueOutbox } from "@edgeworks/queue";
import { and, asc, desc, eq, getTableColumns, inArray, type SQL, sql, type Table } from "drizzle-orm";
import type { Db } from "../deps";
import { type OrderState, orderEvents, orderLines, orders, refunds } from "./schema";

/** An order row as drizzle reads it. */
export type OrderRow = typeof orders.$inferSelect;
/** A line row. */
export type OrderLineRow = typeof orderLines.$inferSelect;

/** D1 binds at most this many parameters per statement ("too many SQL variables" beyond it). */
export const D1_MAX_BOUND_PARAMETERS = 100;

/**
 * The rows of a multi-row insert into `table` in chunks whose statements each stay within D1's bound
 * parameters (at most one per column and row), so an order of 50 lines is several statements of one batch.
 */
export function insertChunks<T>(table: Table, rows: readonly T[]): T[][] {
  const size = Math.max(1, Math.floor(D1_MAX_BOUND_PARAMETERS / Object.keys(getTableColumns(table)).length));
  const chunks: T[][] = [];
  for (let i = 0; i < rows.length; i += size) chunks.push(rows.slice(i, i + size));
  return chunks;
}

/** Who made a change: `user:<id>`, `admin:<id>`, `stripe` or `system`. */
export type Actor = `user:${string}` | `admin:${string}` | "stripe" | "system";

/** One timeline entry to write. */
export interface TimelineEntry {
  type: "created" | "state_changed" | "fulfilled" | "delivered" | "payment_failed" | "refund" | "refund_failed" | "note";
  from?: OrderState | null;
  to?: OrderState | null;
  actor: Actor;
  reason?: string | null;
  at: number;
}

/** The topic of shop events in the outbox (drained to EVENTS_QUEUE, consumed by src/events.queue.ts). */
export const EVENTS_TOPIC = "shop-events";

/** A shop event for the queue: an order was paid (receipt) or refunded (refund email). */
export type ShopEvent = { type: "order.paid"; orderId: string } | { type: "order.refunded"; orderId: string; refundId: string };

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The timeline insert (unconditional), for a batch. */
export function eventInsert(db: Db, orderId: string, e: TimelineEntry) {
  return db.insert(orderEvents).values({
    orderId,
    type: e.type,
    fromState: e.from ?? null,
    toState: e.to ?? null,
    actor: e.actor,
    reason: e.reason ?? null,
    at: e.at,
  });
}

/**
 * The timeline insert that runs only when the statement before it in the same batch changed a row
 * (`changes() = 1`): a conditional state update followed by this writes the entry exactly when the
 * transition happened. It leaves `changes()` at 1 when it wrote, so a second `…IfChanged` can follow.
 */
export function eventIfChanged(db: Db, orderId: string, e: TimelineEntry) {
  // INSERT … SELECT in the table's column order (id NULL: the next autoincrement id)
  return db
    .insert(orderEvents)
    .select(
      sql`SELECT NULL, ${orderId}, ${e.type}, ${e.from ?? null}, ${e.to ?? null}, ${e.actor}, ${e.reason ?? null}, ${e.at} WHERE changes() = 1`,
    );
}

/** The outbox row id of an event: one row per event, so writing it twice writes one. */
const eventRowId = (e: ShopEvent) =>
  e.type === "order.paid" ? `${EVENTS_TOPIC}:paid:${e.orderId}` : `${EVENTS_TOPIC}:refund:${e.refundId}`;

/** The outbox insert of a shop event (unconditional; a second write of the same event is ignored). */
export function eventOutbox(db: Db, e: ShopEvent, now: number) {
  return outboxInsert(db, { topic: EVENTS_TOPIC, id: eventRowId(e), body: e }, now).onConflictDoNothing();
}

/** The outbox insert of a shop event that runs only when the statement before it changed a row. */
export function eventOutboxIfChanged(db: Db, e: ShopEvent, now: number) {
  // queue_outbox's columns in order: id, topic, body, created_at, claimed_by, claimed_until, sent_at
  return db
    .insert(queueOutbox)
    .select(sql`SELECT ${eventRowId(e)}, ${EVENTS_TOPIC}, ${JSON.stringify(e)}, ${now}, NULL, NULL, NULL WHERE changes() = 1`)
    .onConflictDoNothing();
}

/** The order row, or 404. */
export async function findOrder(db: Db, id: string): Promise<OrderRow> {
  const [row] = await db.select().from(orders).where(eq(orders.id, id)).limit(1);
  if (!row) throw notFound("Order");
  return row;
}

/** The caller's own order, or 404 (another customer's order is not found, never forbidden). */
export async function findOwnOrder(db: Db, userId: string, id: string): Promise<OrderRow> {
  const [row] = await db
    .select()
    .from(orders)
    .where(and(eq(orders.id, id), eq(orders.userId, userId)))
    .limit(1);
  if (!row) throw notFound("Order");
  return row;
}

/** The lines of an order, in cart order. */
export const linesOf = (db: Db, orderId: string): Promise<OrderLineRow[]> =>
  db.select().from(orderLines).where(eq(orderLines.orderId, orderId)).orderBy(asc(orderLines.position));

/** An order's summary as lists show it. */
export function orderSummary(o: OrderRow) {
  return {
    id: o.id,
    number: o.number,
    state: o.state,
    currency: o.currency,
    subtotal: o.subtotal,
    discount: o.discount,
    tax: o.tax,
    taxRateBps: o.taxRateBps,
    shipping: o.shipping,
    total: o.total,
    amountPaid: o.amountPaid,
    amountRefunded: o.amountRefunded,
    country: o.country,
    shippingMethod: o.shippingMethod,
    couponCode: o.couponCode,
    createdAt: iso(o.createdAt) ?? "",
    updatedAt: iso(o.updatedAt) ?? "",
    paidAt: iso(o.paidAt),
    fulfilledAt: iso(o.fulfilledAt),
    deliveredAt: iso(o.deliveredAt),
    cancelledAt: iso(o.cancelledAt),
  };
}

/** The refunds of an order as the API shows them, oldest first. */
export async function refundsOf(db: Db, orderId: string) {
  const rows = await db.select().from(refunds).where(eq(refunds.orderId, orderId)).orderBy(asc(refunds.createdAt), asc(refunds.id));
  return rows.map((r) => ({
    id: r.id,
    amount: r.amount,
    currency: r.currency,
    reason: r.reason,
    state: r.state,
    source: r.source,
    restock: r.restock === 1,
    stripeRefundId: r.stripeRefundId,
    failure: r.failure,
    createdAt: iso(r.createdAt) ?? "",
  }));
}

/**
 * One order with everything: lines, totals, payment (PaymentIntent, last failure, hold), refunds and the
 * timeline of every change (time, actor, reason).
 */
export async function orderView(db: Db, o: OrderRow) {
  const [lines, refundList, timeline] = await Promise.all([
    linesOf(db, o.id),
    refundsOf(db, o.id),
    db.select().from(orderEvents).where(eq(orderEvents.orderId, o.id)).orderBy(asc(orderEvents.id)),
  ]);
  return {
    ...orderSummary(o),
    email: o.email,
    lines: lines.map((l) => ({
      id: l.id,
      productId: l.productId,
      variantId: l.variantId,
      sku: l.sku,
      title: l.title,
      unitPrice: l.unitPrice,
      quantity: l.quantity,
      total: l.total,
      refundedQuantity: l.refundedQuantity,
    })),
    payment: {
      paymentIntentId: o.paymentIntentId,
      error: o.paymentError,
      holdExpiresAt: iso(o.holdExpiresAt),
      refundable: Math.max(0, o.amountPaid - o.amountRefunded),
    },
    refunds: refundList,
    timeline: timeline.map((e) => ({
      type: e.type,
      from: e.fromState,
      to: e.toState,
      actor: e.actor,
      reason: e.reason,
      at: iso(e.at) ?? "",
    })),
  };
}

/** The full view type (routes' schemas are checked against it). */
export type OrderView = Awaited<ReturnType<typeof orderView>>;

const LIST_SCOPE = "orders:createdAt:desc";

/**
 * Orders newest first, keyset paginated by (created_at, id): the user's own (`userId`), or every order
 * in some states (admin).
 */
export async function listOrders(db: Db, filter: { userId?: string; states?: readonly OrderState[] }, limit: number, cursor?: string) {
  const where: (SQL | undefined)[] = [
    filter.userId === undefined ? undefined : eq(orders.userId, filter.userId),
    filter.states === undefined || filter.states.length === 0 ? undefined : inArray(orders.state, [...filter.states]),
  ];
  if (cursor !== undefined) {
    const [createdAt, id] = decodeCursor(LIST_SCOPE, cursor, 2);
    where.push(sql`(${orders.createdAt}, ${orders.id}) < (${createdAt}, ${id})`);
  }
  const rows = await db
    .select()
    .from(orders)
    .where(and(...where))
    .orderBy(desc(orders.createdAt), desc(orders.id))
    .limit(limit + 1);
  const page = toPage(rows, limit, (r) => encodeCursor(LIST_SCOPE, [r.createdAt, r.id]));
  return { items: page.items.map(orderSummary), nextCursor: page.nextCursor };
}
