// The payment timeout: an OrderSaga alarm per order (created + PAYMENT_TIMEOUT_SECONDS) and a cron sweeper
// for orders whose alarm was lost. Both run the machine's `payment.timeout` input; a late one is stale.
import { relayEvents, type ServiceLogger, serviceLogger } from "@edgeworks/commerce-contracts";
import { and, inArray, isNull, lt } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { orders } from "../schema";
import { type ApplyResult, applyInput, newStepId, readOrder } from "./apply";
import { requestCharge } from "./effects";

/** Sets the order's alarm (its OrderSaga object, idFromName(orderId)). */
export async function scheduleTimeout(env: Env, orderId: string, at: number): Promise<void> {
  await env.ORDER_SAGA.get(env.ORDER_SAGA.idFromName(orderId)).schedule(orderId, at);
}

/** Times one order out (if it is still open): cancelled(payment_timeout) + `order.cancelled`. */
export async function timeoutOrder(env: Env, orderId: string, source: "alarm" | "sweeper", now = Date.now): Promise<ApplyResult> {
  const order = await readOrder(env.DB, orderId);
  if (!order) return { kind: "not_found" };
  const stepId = newStepId();
  const t = now();
  const result = await applyInput(
    env.DB,
    orderId,
    { type: "payment.timeout" },
    { id: stepId, kind: "step", type: "payment.timeout", service: "orders", occurredAt: t, causationId: null, payload: { source } },
    { cause: { event: { id: stepId, requestId: order.requestId } }, now },
  );
  const logger = serviceLogger(env, "orders", { requestId: order.requestId, correlationId: orderId });
  if (result.kind === "applied") logger.info("payment timeout: order cancelled", { source, from: result.from.status });
  else logger.debug("payment timeout: nothing to do", { source, outcome: result.kind });
  await logger.flush();
  return result;
}

/**
 * The cron's work: time out open orders older than the timeout (their alarm was lost), retry the charge of
 * awaiting orders whose PAYMENTS.charge never answered, then relay the outbox.
 */
export async function sweep(env: Env, timeoutMs: number, now = Date.now): Promise<{ timedOut: number; charged: number; relayed: number }> {
  const t = now();
  const db = drizzle(env.DB);
  const overdue = await db
    .select({ id: orders.id })
    .from(orders)
    .where(and(inArray(orders.status, ["pending", "awaiting_payment"]), lt(orders.createdAt, t - timeoutMs)))
    .limit(100);
  let timedOut = 0;
  for (const { id } of overdue) {
    if ((await timeoutOrder(env, id, "sweeper", now)).kind === "applied") timedOut++;
  }
  const uncharged = await db
    .select()
    .from(orders)
    .where(and(inArray(orders.status, ["awaiting_payment"]), isNull(orders.chargedAt), lt(orders.updatedAt, t - 30_000)))
    .limit(50);
  let charged = 0;
  const logger: ServiceLogger = serviceLogger(env, "orders", { requestId: "cron" });
  for (const order of uncharged) {
    if (await requestCharge(env, order, logger.with({ correlationId: order.id, requestId: order.requestId }))) charged++;
  }
  await logger.flush();
  const relayed = await relayEvents(env, env.DB);
  return { timedOut, charged, relayed };
}
