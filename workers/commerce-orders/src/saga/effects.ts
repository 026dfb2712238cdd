// The effects of a committed transition that are calls, not rows: the charge.
import { call, paymentsRpc, type ServiceLogger } from "@edgeworks/commerce-contracts";
import type { OrderRow } from "../schema";
import { recordStep } from "./apply";

/**
 * Asks payments to charge the order (idempotent by order id on payments' side, so a retry is safe). The
 * answer is a step on the log and sets `charged_at`; a failed call is logged and left to the cron, which
 * retries awaiting orders without `charged_at`. Returns whether payments answered.
 */
export async function requestCharge(env: Env, order: OrderRow, logger: ServiceLogger): Promise<boolean> {
  const ctx = { requestId: order.requestId ?? `order:${order.id}`, correlationId: order.id };
  // the step's `at` is when the charge was asked for: payments' answer (payment.succeeded) may occur before the RPC returns
  const startedAt = Date.now();
  try {
    const answer = await call(env.PAYMENTS, paymentsRpc, "charge", ctx, {
      orderId: order.id,
      userId: order.userId,
      amount: order.amount,
      currency: order.currency,
      paymentMethod: order.paymentMethod,
    });
    const now = Date.now();
    await recordStep(env.DB, order.id, "payment.requested", answer, {
      now,
      occurredAt: startedAt,
      extra: [env.DB.prepare("UPDATE orders SET charged_at = ? WHERE id = ? AND charged_at IS NULL").bind(now, order.id)],
    });
    logger.info("payment requested", { paymentId: answer.paymentId, status: answer.status });
    return true;
  } catch (err) {
    logger.warn("charge call failed; the cron retries it", { error: String(err) });
    await recordStep(env.DB, order.id, "payment.request_failed", { error: String(err).slice(0, 500) }).catch(() => {});
    return false;
  }
}
