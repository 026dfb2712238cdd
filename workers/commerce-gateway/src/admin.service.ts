import { call, DLQ_OWNERS, opsRpc, ordersRpc, paymentsRpc, type RpcContext } from "@edgeworks/commerce-contracts";
import { notFound } from "@edgeworks/http";
import { entryOf, type Registry } from "./registry";
import { bindingOf, serviceUnavailable } from "./upstream";

export type DlqName = keyof typeof DLQ_OWNERS;
export const DLQ_NAMES = Object.keys(DLQ_OWNERS) as DlqName[];

/** The binding of a service by the registry; 503 when it has none. */
function serviceBinding(env: object, registry: Registry, service: string): Fetcher {
  const entry = entryOf(registry, service);
  const binding = entry ? bindingOf(env, entry.binding) : null;
  if (!binding) throw serviceUnavailable(service);
  return binding;
}

/** Runs an RPC, turning any failure (unreachable, thrown, answer off-contract) into that service's 503. */
async function rpcOr503<T>(service: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch {
    throw serviceUnavailable(service);
  }
}

/** The prefix of the queues' full names (`edgeworks-commerce-orders-events`, its DLQ `…-dlq`). */
export const QUEUE_NAME_PREFIX = "edgeworks-commerce-";

/**
 * The DLQ key of a path's `{queue}`: a key of DLQ_OWNERS (`orders-events`), or the full name of the queue or
 * of its dead-letter queue (`edgeworks-commerce-orders-events[-dlq]`, what the services answer with); else 404.
 */
export function dlqKeyOf(queue: string): DlqName {
  let key = queue.startsWith(QUEUE_NAME_PREFIX) ? queue.slice(QUEUE_NAME_PREFIX.length) : queue;
  if (queue !== key && key.endsWith("-dlq")) key = key.slice(0, -"-dlq".length);
  if (!Object.hasOwn(DLQ_OWNERS, key)) throw notFound("Dead-letter queue");
  return key as DlqName;
}

/** A page of a DLQ's parked messages (its `queue` is the key, whatever name the service gives it), from the service that consumes it (opsRpc.deadLetters). */
export async function listDeadLetters(
  env: object,
  registry: Registry,
  queue: string,
  ctx: RpcContext,
  input: { cursor?: string; limit?: number },
) {
  const key = dlqKeyOf(queue);
  const service = DLQ_OWNERS[key];
  const binding = serviceBinding(env, registry, service);
  const page = await rpcOr503(service, () => call(binding, opsRpc, "deadLetters", ctx, input));
  return { ...page, queue: key };
}

/** Sends a DLQ's parked messages (all, or `ids`) back to their queue (opsRpc.redrive). */
export async function redriveDeadLetters(env: object, registry: Registry, queue: string, ctx: RpcContext, input: { ids?: string[] }) {
  const key = dlqKeyOf(queue);
  const service = DLQ_OWNERS[key];
  const binding = serviceBinding(env, registry, service);
  const result = await rpcOr503(service, () => call(binding, opsRpc, "redrive", ctx, input));
  return { ...result, queue: key };
}

/** Pages a ledger RPC to the end, at most `maxEntries` entries. */
async function readLedger<T>(
  page: (cursor: string | null) => Promise<{ entries: T[]; nextCursor: string | null }>,
  maxEntries: number,
): Promise<{ entries: T[]; truncated: boolean }> {
  const entries: T[] = [];
  let cursor: string | null = null;
  do {
    const answer = await page(cursor);
    entries.push(...answer.entries);
    cursor = answer.nextCursor;
  } while (cursor && entries.length < maxEntries);
  return { entries, truncated: cursor !== null };
}

export interface Difference {
  orderId: string;
  orderStatus: string | null;
  currency: string;
  /** What payments should hold for it: the amount of a confirmed order, else 0. */
  expected: number;
  /** What payments holds for it: captured minus refunded, over its payments. */
  actual: number;
  difference: number;
}

/**
 * Orders' ledger against payments' ledger: per order, a confirmed order must have its amount captured and
 * kept (net), any other order nothing; a payment whose order orders does not know is a difference too.
 * `totalDifference` is the sum of |difference| (zero exactly when consistent).
 */
export async function reconcile(env: object, registry: Registry, ctx: RpcContext, maxEntries = 50_000) {
  const orders = serviceBinding(env, registry, "orders");
  const payments = serviceBinding(env, registry, "payments");
  const [orderLedger, paymentLedger] = await Promise.all([
    rpcOr503("orders", () => readLedger((cursor) => call(orders, ordersRpc, "ledger", ctx, { cursor, limit: 1000 }), maxEntries)),
    rpcOr503("payments", () => readLedger((cursor) => call(payments, paymentsRpc, "ledger", ctx, { cursor, limit: 1000 }), maxEntries)),
  ]);
  const net = new Map<string, { amount: number; currency: string }>();
  for (const p of paymentLedger.entries) {
    const seen = net.get(p.orderId);
    net.set(p.orderId, { amount: (seen?.amount ?? 0) + p.net, currency: p.currency });
  }
  const differences: Difference[] = [];
  const known = new Set<string>();
  for (const o of orderLedger.entries) {
    known.add(o.orderId);
    const expected = o.status === "confirmed" ? o.amount : 0;
    const paid = net.get(o.orderId);
    const actual = paid?.amount ?? 0;
    const sameCurrency = !paid || paid.currency === o.currency || actual === 0;
    if (actual !== expected || !sameCurrency) {
      differences.push({
        orderId: o.orderId,
        orderStatus: o.status,
        currency: o.currency,
        expected,
        actual,
        difference: actual - expected,
      });
    }
  }
  for (const [orderId, paid] of net) {
    if (!known.has(orderId) && paid.amount !== 0 && !orderLedger.truncated) {
      differences.push({ orderId, orderStatus: null, currency: paid.currency, expected: 0, actual: paid.amount, difference: paid.amount });
    }
  }
  return {
    orders: orderLedger.entries.length,
    payments: paymentLedger.entries.length,
    truncated: orderLedger.truncated || paymentLedger.truncated,
    differences,
    totalDifference: differences.reduce((sum, d) => sum + Math.abs(d.difference), 0),
  };
}
