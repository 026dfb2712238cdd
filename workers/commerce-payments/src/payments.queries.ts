// Reads: the caller's payments (HTTP), one payment and the ledger (RPC).
import { decodeCursor, encodeCursor, invalidCursor, notFound, toPage } from "@edgeworks/http";
import { and, asc, desc, eq, type SQL, sql } from "drizzle-orm";
import type { Db, ServiceDeps } from "./deps";
import { netOf, toPayment } from "./payment-view";
import { payments } from "./schema";
import type { ListPaymentsQuery, Payment } from "./validation";

const MINE = "payments:createdAt:desc";
const LEDGER = "payments:ledger";

/** One page of the user's payments, newest first (keyset on created_at, id); `orderId` narrows to one order. */
export async function listPayments(
  { db, userId }: ServiceDeps,
  query: ListPaymentsQuery,
): Promise<{ items: Payment[]; nextCursor: string | null }> {
  let after: SQL | undefined;
  if (query.cursor !== undefined) {
    const [createdAt, id] = decodeCursor(MINE, query.cursor, 2);
    if (typeof createdAt !== "number" || typeof id !== "string") throw invalidCursor();
    after = sql`(${payments.createdAt}, ${payments.id}) < (${createdAt}, ${id})`;
  }
  const rows = await db
    .select()
    .from(payments)
    .where(and(eq(payments.userId, userId), query.orderId ? eq(payments.orderId, query.orderId) : undefined, after))
    .orderBy(desc(payments.createdAt), desc(payments.id))
    .limit(query.limit + 1);
  const page = toPage(rows, query.limit, (last) => encodeCursor(MINE, [last.createdAt, last.id]));
  return { items: page.items.map(toPayment), nextCursor: page.nextCursor };
}

/** One of the user's payments, or 404 (also for another user's: existence is not revealed). */
export async function getPaymentOrThrow({ db, userId }: ServiceDeps, id: string): Promise<Payment> {
  const [row] = await db
    .select()
    .from(payments)
    .where(and(eq(payments.id, id), eq(payments.userId, userId)))
    .limit(1);
  if (!row) throw notFound("Payment");
  return toPayment(row);
}

/** The payment of an order; `userId` null = any owner (operators, the gateway's summary); another user's is null. */
export async function paymentOfOrder(db: Db, orderId: string, userId: string | null): Promise<Payment | null> {
  const [row] = await db
    .select()
    .from(payments)
    .where(and(eq(payments.orderId, orderId), userId === null ? undefined : eq(payments.userId, userId)))
    .limit(1);
  return row ? toPayment(row) : null;
}

/** Every payment, oldest first, with what the shop keeps of it (reconciliation against orders' ledger). */
export async function ledger(db: Db, input: { cursor?: string | null | undefined; limit?: number | undefined }) {
  const limit = input.limit ?? 100;
  let after: SQL | undefined;
  if (input.cursor) {
    const [createdAt, id] = decodeCursor(LEDGER, input.cursor, 2);
    if (typeof createdAt !== "number" || typeof id !== "string") throw invalidCursor();
    after = sql`(${payments.createdAt}, ${payments.id}) > (${createdAt}, ${id})`;
  }
  const rows = await db
    .select()
    .from(payments)
    .where(after)
    .orderBy(asc(payments.createdAt), asc(payments.id))
    .limit(limit + 1);
  const page = toPage(rows, limit, (last) => encodeCursor(LEDGER, [last.createdAt, last.id]));
  return {
    entries: page.items.map((r) => ({ orderId: r.orderId, paymentId: r.id, status: r.status, net: netOf(r), currency: r.currency })),
    nextCursor: page.nextCursor,
  };
}
