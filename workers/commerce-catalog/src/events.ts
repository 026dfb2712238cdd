import {
  type CommerceEvent,
  claimEventStatement,
  defineEventConsumer,
  eventOutboxStatements,
  isDuplicateClaim,
  newEvent,
  type OrderLine,
  relayInBackground,
  type ServiceLogger,
  type StockLine,
} from "@edgeworks/commerce-contracts";
import { defineDeadLetterConsumer } from "@edgeworks/queue";
import { unwrap } from "@edgeworks/realtime";
import type { StockLevel } from "./do/inventory";
import { inventoryOf, mirrorStatement } from "./stock";

/** The consumer's name (in `processed_messages` and logs). */
export const CONSUMER = "catalog";
/** This Worker's event queue and its dead-letter queue. */
export const EVENTS_QUEUE_NAME = "edgeworks-commerce-catalog-events";
export const EVENTS_DLQ_NAME = `${EVENTS_QUEUE_NAME}-dlq`;

type Ctx = { env: Env; consumer: string };
type OrderStatus = "reserved" | "committed" | "released" | "rejected" | "cancelled";

/** Thrown for an event that came before its precondition: the consumer retries it with backoff. */
export class EarlyEvent extends Error {}

const errorText = (err: unknown) => `${String(err)} ${err instanceof Error ? String(err.cause ?? "") : ""}`;
const isOrderConflict = (err: unknown) => {
  const text = errorText(err);
  return text.includes("UNIQUE constraint failed") && text.includes("stock_orders");
};

async function orderStatus(d1: D1Database, orderId: string): Promise<OrderStatus | null> {
  const row = await d1.prepare("SELECT status FROM stock_orders WHERE order_id = ?").bind(orderId).first<{ status: OrderStatus }>();
  return row?.status ?? null;
}

async function reservedLines(d1: D1Database, orderId: string): Promise<StockLine[]> {
  const { results } = await d1
    .prepare("SELECT product_id, quantity FROM order_reservations WHERE order_id = ? ORDER BY product_id")
    .bind(orderId)
    .all<{ product_id: string; quantity: number }>();
  return results.map((r) => ({ productId: r.product_id, quantity: r.quantity }));
}

/** The newest level of each product seen, as read-model statements. */
function mirrors(d1: D1Database, levels: Map<string, StockLevel>): D1PreparedStatement[] {
  return [...levels].map(([productId, level]) => mirrorStatement(d1, productId, level));
}
function keepNewest(levels: Map<string, StockLevel>, productId: string, level: StockLevel): void {
  const seen = levels.get(productId);
  if (!seen || seen.version < level.version) levels.set(productId, level);
}

/** One line per product (an order naming a product twice holds the sum), sorted by product id. */
function merged(lines: readonly OrderLine[]): OrderLine[] {
  const byProduct = new Map<string, OrderLine>();
  for (const line of lines) {
    const seen = byProduct.get(line.productId);
    byProduct.set(line.productId, seen ? { ...seen, quantity: seen.quantity + line.quantity } : { ...line });
  }
  return [...byProduct.values()].sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0));
}

/** Releases `orderId`'s holds of these products (idempotent), collecting the levels. */
async function releaseAll(env: Env, orderId: string, productIds: readonly string[], levels: Map<string, StockLevel>): Promise<number> {
  let quantity = 0;
  for (const productId of productIds) {
    const moved = unwrap(await inventoryOf(env.INVENTORY, productId).release(orderId));
    keepNewest(levels, productId, moved.level);
    quantity += moved.quantity;
  }
  return quantity;
}

/**
 * order.created → reserve every line (product by product, sorted by id) in its Inventory object. All or
 * nothing: an unknown or inactive product rejects the order before anything is held (`unknown_product`); a
 * line that is short releases the lines already held (`out_of_stock`). Then one D1 batch: the claim of the
 * event, the order's status and lines, the read model, and the outbox row of inventory.reserved | rejected.
 * The object calls before it are idempotent per order, so a crash between them and the batch is safe on redelivery.
 */
async function onOrderCreated(event: CommerceEvent<"order.created">, { env, consumer }: Ctx, log: ServiceLogger): Promise<void> {
  const d1 = env.DB;
  const { orderId } = event.payload;
  const seen = await orderStatus(d1, orderId);
  if (seen !== null) {
    log.info("order.created for an order already seen: no-op", { eventId: event.id, status: seen });
    return;
  }
  const lines = merged(event.payload.lines);
  const ids = lines.map((l) => l.productId);
  const { results: known } = await d1
    .prepare(`SELECT id FROM products WHERE deleted_at IS NULL AND active = 1 AND id IN (${ids.map(() => "?").join(", ")})`)
    .bind(...ids)
    .all<{ id: string }>();
  const knownIds = new Set(known.map((r) => r.id));
  const unknown = ids.filter((id) => !knownIds.has(id));
  const levels = new Map<string, StockLevel>();
  const held: string[] = [];
  let short: string[] = [];
  if (unknown.length === 0) {
    for (const line of lines) {
      const answer = unwrap(await inventoryOf(env.INVENTORY, line.productId).reserve(orderId, line.quantity));
      keepNewest(levels, line.productId, answer.level);
      if (answer.status === "reserved" || answer.status === "committed") {
        held.push(line.productId);
        continue;
      }
      short = [line.productId];
      break;
    }
    if (short.length > 0) await releaseAll(env, orderId, held, levels);
  }
  const ok = unknown.length === 0 && short.length === 0;
  const out = ok
    ? newEvent("inventory.reserved", { orderId, lines: lines.map((l) => ({ productId: l.productId, quantity: l.quantity })) }, { event })
    : newEvent(
        "inventory.rejected",
        { orderId, reason: unknown.length > 0 ? "unknown_product" : "out_of_stock", productIds: unknown.length > 0 ? unknown : short },
        { event },
      );
  const status = ok ? "reserved" : "rejected";
  const reason = out.type === "inventory.rejected" ? out.payload.reason : null;
  const now = Date.now();
  try {
    await d1.batch([
      claimEventStatement(d1, consumer, event.id, now),
      d1
        .prepare("INSERT INTO stock_orders (order_id, status, reason, created_at, updated_at) VALUES (?, ?, ?, ?, ?)")
        .bind(orderId, status, reason, now, now),
      ...lines.map((l) =>
        d1
          .prepare(
            "INSERT INTO order_reservations (order_id, product_id, sku, name, quantity, unit_amount, status, created_at, updated_at) " +
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
          )
          .bind(orderId, l.productId, l.sku, l.name, l.quantity, l.unitAmount, status, now, now),
      ),
      ...mirrors(d1, levels),
      ...eventOutboxStatements(d1, out, now),
    ]);
  } catch (err) {
    if (isDuplicateClaim(err)) {
      log.info("order.created already handled (a redelivery or its twin)", { eventId: event.id });
      return;
    }
    if (isOrderConflict(err) && (await orderStatus(d1, orderId)) === "cancelled") {
      // the order was cancelled while its stock was being reserved: give it back, publish nothing
      const released = await releaseAll(env, orderId, ids, new Map());
      log.info("order cancelled while reserving: holds released", { eventId: event.id, released });
      return;
    }
    throw err;
  }
  log.info(ok ? "stock reserved" : "order rejected", { eventId: event.id, produced: out.id, type: out.type, status, reason });
  await relayInBackground(env, d1);
}

/** order.confirmed → the reserved units leave stock (commit). Early (not reserved yet) retries; late is a no-op. */
async function onOrderConfirmed(event: CommerceEvent<"order.confirmed">, { env, consumer }: Ctx, log: ServiceLogger): Promise<void> {
  const d1 = env.DB;
  const { orderId } = event.payload;
  const status = await orderStatus(d1, orderId);
  if (status === null) throw new EarlyEvent(`order.confirmed for ${orderId} before its order.created was handled`);
  if (status !== "reserved") {
    log.info("order.confirmed is late: no-op", { eventId: event.id, status });
    return;
  }
  const lines = await reservedLines(d1, orderId);
  const levels = new Map<string, StockLevel>();
  for (const line of lines) {
    const moved = unwrap(await inventoryOf(env.INVENTORY, line.productId).commit(orderId));
    keepNewest(levels, line.productId, moved.level);
  }
  const now = Date.now();
  try {
    await d1.batch([
      claimEventStatement(d1, consumer, event.id, now),
      d1
        .prepare("UPDATE stock_orders SET status = 'committed', updated_at = ? WHERE order_id = ? AND status = 'reserved'")
        .bind(now, orderId),
      d1
        .prepare("UPDATE order_reservations SET status = 'committed', updated_at = ? WHERE order_id = ? AND status = 'reserved'")
        .bind(now, orderId),
      ...mirrors(d1, levels),
    ]);
  } catch (err) {
    if (isDuplicateClaim(err)) return;
    throw err;
  }
  log.info("stock committed", { eventId: event.id, lines: lines.length });
}

/**
 * order.cancelled → a reservation is freed, committed stock goes back on hand, and inventory.released is
 * published (only when something was held). Before order.created was handled: a `cancelled` mark, so the
 * late order.created reserves nothing.
 */
async function onOrderCancelled(event: CommerceEvent<"order.cancelled">, { env, consumer }: Ctx, log: ServiceLogger): Promise<void> {
  const d1 = env.DB;
  const { orderId, reason } = event.payload;
  const now = Date.now();
  const mark = await d1
    .prepare(
      "INSERT INTO stock_orders (order_id, status, reason, created_at, updated_at) VALUES (?, 'cancelled', ?, ?, ?) ON CONFLICT (order_id) DO NOTHING",
    )
    .bind(orderId, reason, now, now)
    .run();
  if (mark.meta.changes === 1) {
    log.info("order cancelled before any stock was reserved: marked", { eventId: event.id, reason });
    return;
  }
  const status = await orderStatus(d1, orderId);
  if (status !== "reserved" && status !== "committed") {
    log.info("order.cancelled: nothing held, no-op", { eventId: event.id, status });
    return;
  }
  const lines = await reservedLines(d1, orderId);
  const levels = new Map<string, StockLevel>();
  await releaseAll(
    env,
    orderId,
    lines.map((l) => l.productId),
    levels,
  );
  const out = newEvent("inventory.released", { orderId, lines, reason }, { event });
  try {
    await d1.batch([
      claimEventStatement(d1, consumer, event.id, now),
      d1
        .prepare(
          "UPDATE stock_orders SET status = 'released', reason = ?, updated_at = ? WHERE order_id = ? AND status IN ('reserved', 'committed')",
        )
        .bind(reason, now, orderId),
      d1
        .prepare(
          "UPDATE order_reservations SET status = 'released', updated_at = ? WHERE order_id = ? AND status IN ('reserved', 'committed')",
        )
        .bind(now, orderId),
      ...mirrors(d1, levels),
      ...eventOutboxStatements(d1, out, now),
    ]);
  } catch (err) {
    if (isDuplicateClaim(err)) return;
    throw err;
  }
  log.info("stock released", { eventId: event.id, produced: out.id, from: status, lines: lines.length, reason });
  await relayInBackground(env, d1);
}

/** The consumer of edgeworks-commerce-catalog-events: typed, idempotent per event id, invalid bodies parked on the DLQ. */
export const consumeEvents = defineEventConsumer<Env>({
  name: CONSUMER,
  service: "catalog",
  db: (env) => env.DB,
  deadLetter: (env) => env.EVENTS_QUEUE_DLQ,
  backoff: { baseSeconds: 2, maxSeconds: 300 },
  handlers: {
    "order.created": (event, ctx) => onOrderCreated(event, ctx, ctx.log),
    "order.confirmed": (event, ctx) => onOrderConfirmed(event, ctx, ctx.log),
    "order.cancelled": (event, ctx) => onOrderCancelled(event, ctx, ctx.log),
  },
});

/** The consumer of the DLQ: each message recorded once in `dead_letters` (listed and redriven over RPC). */
export const consumeDeadLetters = defineDeadLetterConsumer<Env>({ name: "catalog-dlq", db: (env) => env.DB });

/** The Worker's `queue` handler: dispatches on the queue name. */
export async function queue(batch: MessageBatch<unknown>, env: Env, ctx: ExecutionContext): Promise<void> {
  if (batch.queue === EVENTS_DLQ_NAME) return consumeDeadLetters(batch, env);
  return consumeEvents(batch, env, ctx);
}
