// The orders service: placing an order (priced by catalog, the cart or the given items), reading orders,
// cancelling, the timeline and the replay. Services take explicit deps, never a Hono context.
import {
  call,
  cartRpc,
  catalogRpc,
  newEvent,
  type OrderView,
  type RpcContext,
  relayInBackground,
  type ServiceLogger,
  usersRpc,
} from "@edgeworks/commerce-contracts";
import { ApiError, decodeCursor, encodeCursor, invalidCursor, iso, notFound, toPage } from "@edgeworks/http";
import { and, desc, eq, inArray, type SQL, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { nanoid } from "nanoid";
import { applyInput, newStepId, publishStatements, readLines, readOrder, recordStep, stateOf } from "./saga/apply";
import { fold, type SagaState } from "./saga/machine";
import { scheduleTimeout } from "./saga/timeout";
import { type OrderEventRow, type OrderLineRow, type OrderRow, orderEvents, orderLines, orders } from "./schema";
import type { CreateOrderInput, ListOrdersQuery } from "./validation";

/** What an order request needs: bindings, the caller, the request and the clock. */
export interface OrderDeps {
  env: Env;
  userId: string;
  /** Operators (commerce:admin) read any order. */
  admin: boolean;
  requestId: string;
  now: () => number;
  logger: ServiceLogger;
  defer: (work: Promise<unknown>) => void;
}

/** The API view of an order (the contracts' OrderView). */
export function toOrderView(row: OrderRow, lines: OrderLineRow[]): OrderView {
  return {
    id: row.id,
    userId: row.userId,
    status: row.status,
    cancelReason: row.cancelReason,
    lines: lines.map((l) => ({ productId: l.productId, sku: l.sku, name: l.name, quantity: l.quantity, unitAmount: l.unitAmount })),
    amount: row.amount,
    currency: row.currency,
    paymentStatus: row.paymentStatus,
    addressId: row.addressId,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

const unavailable = (service: string, err: unknown) =>
  new ApiError("service_unavailable", `The ${service} service is unavailable; nothing was ordered (${String(err).slice(0, 200)})`);

async function rpcOr503<T>(service: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw unavailable(service, err);
  }
}

const invalid = (detail: string, path: string, message: string) =>
  new ApiError("validation_failed", detail, { errors: [{ path, location: "body", message }] });

/** The minimum Stripe charges (in the minor unit of most currencies). */
export const MIN_ORDER_AMOUNT = 50;
const MAX_AMOUNT = 99_999_999;

/** The payment timeout in ms (PAYMENT_TIMEOUT_SECONDS, default 900, at least 1 s). */
export function paymentTimeoutMs(env: { PAYMENT_TIMEOUT_SECONDS?: string }): number {
  const seconds = Number.parseInt(env.PAYMENT_TIMEOUT_SECONDS ?? "", 10);
  return (Number.isFinite(seconds) && seconds >= 1 ? seconds : 900) * 1000;
}

/**
 * Places an order: lines from the body or the caller's cart, prices from catalog, the address checked with
 * users; one batch writes the order, its lines, `order.created` (outbox) and the saga log. Then the
 * timeout alarm, the cart cleared (if it was used) and the relay.
 */
export async function createOrder(deps: OrderDeps, input: CreateOrderInput): Promise<OrderView> {
  const { env, userId } = deps;
  const orderId = `ord_${nanoid(21)}`;
  const ctx: RpcContext = { requestId: deps.requestId, correlationId: orderId };
  const fromCart = input.items === undefined;
  const items = fromCart ? (await rpcOr503("cart", () => call(env.CART, cartRpc, "getCart", ctx, { userId }))).lines : (input.items ?? []);
  if (items.length === 0) throw invalid("The cart is empty: nothing to order", "items", "The cart is empty");
  if (items.length > 50) throw invalid("An order has at most 50 lines", "items", "At most 50 lines");
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (seen.has(item.productId)) throw invalid("Each product may appear once", `items.${i}.productId`, "Listed twice");
    seen.add(item.productId);
  });
  if (input.addressId !== undefined) {
    const address = await rpcOr503("users", () =>
      call(env.USERS, usersRpc, "getAddress", ctx, { userId, addressId: input.addressId ?? "" }),
    );
    if (!address) throw invalid("No such address", "addressId", "Not one of your addresses");
  }
  const { products } = await rpcOr503("catalog", () =>
    call(env.CATALOG, catalogRpc, "getProducts", ctx, { productIds: items.map((i) => i.productId) }),
  );
  const byId = new Map(products.map((p) => [p.productId, p]));
  const missing = items.filter((i) => !byId.get(i.productId)?.active).map((i) => i.productId);
  if (missing.length > 0)
    throw new ApiError("validation_failed", `Unknown or inactive products: ${missing.join(", ")}`, {
      errors: items.flatMap((item, i) =>
        missing.includes(item.productId)
          ? [{ path: `items.${i}.productId`, location: "body", message: "Unknown or inactive product" }]
          : [],
      ),
    });
  const priced = items.map((item) => {
    const p = byId.get(item.productId);
    if (!p) throw new Error("unreachable: priced a missing product");
    return { item, product: p };
  });
  const currencies = [...new Set(priced.map((p) => p.product.currency))];
  if (currencies.length > 1)
    throw invalid(`The products are priced in different currencies (${currencies.join(", ")})`, "items", "Mixed currencies");
  const currency = currencies[0] ?? "usd";
  const amount = priced.reduce((sum, p) => sum + p.product.unitAmount * p.item.quantity, 0);
  if (amount < MIN_ORDER_AMOUNT)
    throw invalid(`The total (${amount}) is below the minimum of ${MIN_ORDER_AMOUNT}`, "items", "Total too small");
  if (amount > MAX_AMOUNT) throw invalid(`The total (${amount}) is above the maximum of ${MAX_AMOUNT}`, "items", "Total too large");

  const paymentMethod = input.paymentMethod ?? "pm_card_visa";
  const t = deps.now();
  const lines = priced.map(({ item, product }) => ({
    productId: product.productId,
    sku: product.sku,
    name: product.name,
    quantity: item.quantity,
    unitAmount: product.unitAmount,
  }));
  const created = newEvent("order.created", { orderId, userId, lines, amount, currency, paymentMethod }, { requestId: deps.requestId }, t);
  const d1 = env.DB;
  await d1.batch([
    d1
      .prepare(
        "INSERT INTO orders (id, user_id, status, cancel_reason, payment_status, amount, currency, payment_method, address_id, request_id, charged_at, created_at, updated_at, version) " +
          "VALUES (?, ?, 'pending', NULL, 'none', ?, ?, ?, ?, ?, NULL, ?, ?, 1)",
      )
      .bind(orderId, userId, amount, currency, paymentMethod, input.addressId ?? null, deps.requestId, t, t),
    ...lines.map((l, i) =>
      d1
        .prepare("INSERT INTO order_lines (order_id, position, product_id, sku, name, quantity, unit_amount) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .bind(orderId, i, l.productId, l.sku, l.name, l.quantity, l.unitAmount),
    ),
    ...publishStatements(d1, created, t, 1),
  ]);
  const logger = deps.logger.with({ correlationId: orderId });
  logger.info("order placed", { amount, currency, lines: lines.length, fromCart, eventId: created.id });
  deps.defer(relayInBackground(env, d1));
  try {
    await scheduleTimeout(env, orderId, t + paymentTimeoutMs(env));
  } catch (err) {
    logger.warn("timeout alarm not set; the cron sweeper times the order out", { error: String(err) });
  }
  if (fromCart) {
    try {
      const { cleared } = await call(env.CART, cartRpc, "clearCart", ctx, { userId, orderId });
      await recordStep(d1, orderId, "cart.cleared", { cleared });
    } catch (err) {
      logger.warn("cart not cleared", { error: String(err) });
      await recordStep(d1, orderId, "cart.clear_failed", { error: String(err).slice(0, 500) });
    }
  }
  const row = await readOrder(d1, orderId);
  if (!row) throw new Error("the order just written is gone");
  return toOrderView(row, await readLines(d1, orderId));
}

/** The order if the caller may see it (theirs, or any for an operator); 404 otherwise. */
export async function visibleOrder(deps: Pick<OrderDeps, "env" | "userId" | "admin">, orderId: string): Promise<OrderRow> {
  const row = await readOrder(deps.env.DB, orderId);
  if (!row || (row.userId !== deps.userId && !deps.admin)) throw notFound("Order");
  return row;
}

export async function getOrder(deps: Pick<OrderDeps, "env" | "userId" | "admin">, orderId: string): Promise<OrderView> {
  const row = await visibleOrder(deps, orderId);
  return toOrderView(row, await readLines(deps.env.DB, orderId));
}

/** Lines of several orders at once, by order id. */
async function linesOf(d1: D1Database, ids: string[]): Promise<Map<string, OrderLineRow[]>> {
  const out = new Map<string, OrderLineRow[]>();
  if (ids.length === 0) return out;
  const rows = await drizzle(d1)
    .select()
    .from(orderLines)
    .where(inArray(orderLines.orderId, ids))
    .orderBy(orderLines.orderId, orderLines.position);
  for (const r of rows) out.set(r.orderId, [...(out.get(r.orderId) ?? []), r]);
  return out;
}

const LIST_SCOPE = "orders:createdAt:desc";

/** The caller's orders, newest first (keyset on created_at, id), optionally of one status. */
export async function listOrders(
  deps: Pick<OrderDeps, "env" | "userId">,
  query: ListOrdersQuery,
): Promise<{ items: OrderView[]; nextCursor: string | null }> {
  let after: SQL | undefined;
  if (query.cursor !== undefined) {
    const [createdAt, id] = decodeCursor(LIST_SCOPE, query.cursor, 2);
    if (typeof createdAt !== "number" || typeof id !== "string") throw invalidCursor();
    after = sql`(${orders.createdAt}, ${orders.id}) < (${createdAt}, ${id})`;
  }
  const rows = await drizzle(deps.env.DB)
    .select()
    .from(orders)
    .where(and(eq(orders.userId, deps.userId), query.status ? eq(orders.status, query.status) : undefined, after))
    .orderBy(desc(orders.createdAt), desc(orders.id))
    .limit(query.limit + 1);
  const page = toPage(rows, query.limit, (last) => encodeCursor(LIST_SCOPE, [last.createdAt, last.id]));
  const lines = await linesOf(
    deps.env.DB,
    page.items.map((r) => r.id),
  );
  return { items: page.items.map((r) => toOrderView(r, lines.get(r.id) ?? [])), nextCursor: page.nextCursor };
}

/**
 * A customer's cancel: pending/awaiting_payment → cancelled (customer_request, no refund); confirmed →
 * cancelled with `refund: true` (payments refunds, catalog puts the stock back); already cancelled → 409,
 * which writes nothing (no log row: refusals must not grow the saga log).
 */
export async function cancelOrder(deps: OrderDeps, orderId: string): Promise<OrderView> {
  const row = await visibleOrder(deps, orderId);
  const t = deps.now();
  const stepId = newStepId();
  const result = await applyInput(
    deps.env.DB,
    orderId,
    { type: "cancel.requested" },
    {
      id: stepId,
      kind: "step",
      type: "cancel.requested",
      service: "orders",
      occurredAt: t,
      causationId: `req:${deps.requestId}`,
      payload: { by: deps.userId },
    },
    { cause: { event: { id: stepId, requestId: row.requestId ?? deps.requestId } }, now: deps.now, logStale: false },
  );
  if (result.kind === "not_found") throw notFound("Order");
  if (result.kind === "stale") throw new ApiError("conflict", `The order cannot be cancelled: ${result.reason}`);
  if (result.kind !== "applied") throw new ApiError("conflict", "The order changed meanwhile; retry");
  deps.logger
    .with({ correlationId: orderId })
    .info("order cancelled by request", { from: result.from.status, refund: result.from.status === "confirmed" });
  deps.defer(relayInBackground(deps.env, deps.env.DB));
  return toOrderView(result.order, await readLines(deps.env.DB, orderId));
}

/** The saga log of one order in recorded order (rowid): the order the machine applied its inputs, what replay folds. */
async function logOf(d1: D1Database, orderId: string): Promise<OrderEventRow[]> {
  return drizzle(d1).select().from(orderEvents).where(eq(orderEvents.orderId, orderId)).orderBy(sql`rowid`);
}

/**
 * The log by `at` (an event's occurredAt, a step's own time), ties in recorded order: events arrive out of
 * the order they occurred in (a retried early event, a slow queue), and the timeline is oldest first by `at`.
 */
async function timelineRowsOf(d1: D1Database, orderId: string): Promise<OrderEventRow[]> {
  return drizzle(d1).select().from(orderEvents).where(eq(orderEvents.orderId, orderId)).orderBy(orderEvents.occurredAt, sql`rowid`);
}

const summaryOf = (row: OrderEventRow): string => {
  const what =
    row.kind === "event_in"
      ? `consumed ${row.type} from ${row.service}`
      : row.kind === "event_out"
        ? `published ${row.type}`
        : `step ${row.type}`;
  return row.outcome ? `${what} (${row.outcome})` : what;
};

export interface TimelineStep {
  id: string;
  at: string;
  kind: "event_in" | "event_out" | "step";
  type: string;
  service: string;
  causationId: string | null;
  summary: string;
  payload: unknown;
}

/** Every event produced and consumed and every step of one order, oldest first by `at` (ties: recorded order). */
export async function timeline(
  deps: Pick<OrderDeps, "env" | "userId" | "admin">,
  orderId: string,
): Promise<{ orderId: string; status: OrderRow["status"]; steps: TimelineStep[] }> {
  const row = await visibleOrder(deps, orderId);
  const rows = await timelineRowsOf(deps.env.DB, orderId);
  return {
    orderId,
    status: row.status,
    steps: rows.map((r) => ({
      id: r.id,
      at: iso(r.occurredAt),
      kind: r.kind,
      type: r.type,
      service: r.service,
      causationId: r.causationId,
      summary: summaryOf(r),
      payload: JSON.parse(r.payload) as unknown,
    })),
  };
}

/** The inputs of the machine on the log: consumed events and the timeout / cancel steps. */
const isInput = (r: OrderEventRow) =>
  r.kind === "event_in" || (r.kind === "step" && (r.type === "payment.timeout" || r.type === "cancel.requested"));

export interface ReplayReport {
  orderId: string;
  stored: SagaState;
  replayed: SagaState;
  steps: { eventId: string; type: string; outcome: "applied" | "stale" | "early"; from: string; to: string }[];
  differences: { field: string; stored: unknown; replayed: unknown }[];
  consistent: boolean;
}

/**
 * Rebuilds the order's state by folding its stored inputs (in recorded order) through the saga's machine and
 * compares it with the stored row. A read: it writes nothing to the log it folds (the Worker log has it).
 */
export async function replayOrder(deps: Pick<OrderDeps, "env" | "logger">, orderId: string): Promise<ReplayReport> {
  const row = await readOrder(deps.env.DB, orderId);
  if (!row) throw notFound("Order");
  const rows = (await logOf(deps.env.DB, orderId)).filter(isInput);
  const { state, steps } = fold(rows.map((r) => ({ id: r.id, type: r.type, payload: JSON.parse(r.payload) as unknown })));
  const stored = stateOf(row);
  const differences = (Object.keys(stored) as (keyof SagaState)[])
    .filter((field) => stored[field] !== state[field])
    .map((field) => ({ field, stored: stored[field], replayed: state[field] }));
  const report: ReplayReport = {
    orderId,
    stored,
    replayed: state,
    steps: steps.map((s) => ({ eventId: s.eventId, type: s.type, outcome: s.outcome, from: s.from.status, to: s.to.status })),
    differences,
    consistent: differences.length === 0,
  };
  deps.logger.with({ correlationId: orderId }).info("order replayed", { consistent: report.consistent, differences, inputs: steps.length });
  return report;
}

const LEDGER_SCOPE = "orders:ledger";

/** Every order, oldest first, for reconciliation with payments' ledger. */
export async function ledger(
  d1: D1Database,
  input: { cursor?: string | null; limit?: number },
): Promise<{ entries: { orderId: string; status: OrderRow["status"]; amount: number; currency: string }[]; nextCursor: string | null }> {
  const limit = input.limit ?? 100;
  let after: SQL | undefined;
  if (input.cursor) {
    const [createdAt, id] = decodeCursor(LEDGER_SCOPE, input.cursor, 2);
    if (typeof createdAt !== "number" || typeof id !== "string") throw invalidCursor();
    after = sql`(${orders.createdAt}, ${orders.id}) > (${createdAt}, ${id})`;
  }
  const rows = await drizzle(d1)
    .select({ id: orders.id, status: orders.status, amount: orders.amount, currency: orders.currency, createdAt: orders.createdAt })
    .from(orders)
    .where(after)
    .orderBy(orders.createdAt, orders.id)
    .limit(limit + 1);
  const page = toPage(rows, limit, (last) => encodeCursor(LEDGER_SCOPE, [last.createdAt, last.id]));
  return {
    entries: page.items.map((r) => ({ orderId: r.id, status: r.status, amount: r.amount, currency: r.currency })),
    nextCursor: page.nextCursor,
  };
}

export type { OrderRow };
