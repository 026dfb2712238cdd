// Payments' own queue (edgeworks-commerce-payments-events): `order.cancelled`, and its DLQ into dead_letters.
import { defineEventConsumer, relayInBackground, serviceLogger } from "@edgeworks/commerce-contracts";
import { defineDeadLetterConsumer } from "@edgeworks/queue";
import { cancelOrder } from "./payments.service";

/** The queue payments consumes (and redrives into). */
export const EVENTS_QUEUE_NAME = "edgeworks-commerce-payments-events";

/**
 * `order.cancelled` → cancel the pending PaymentIntent / refund a succeeded one / record the cancellation
 * so a later charge is refused. Idempotent (processed_messages + conditional updates); a Stripe failure
 * throws → retried with backoff, then the DLQ.
 */
export const consumeEvents = defineEventConsumer<Env>({
  name: "payments",
  db: (env) => env.DB,
  deadLetter: (env) => env.EVENTS_QUEUE_DLQ,
  backoff: { baseSeconds: 2, maxSeconds: 300 },
  handlers: {
    "order.cancelled": async (event, { env }) => {
      const logger = serviceLogger(env, "payments", { requestId: event.requestId, correlationId: event.correlationId });
      logger.info("event consumed", { type: event.type, eventId: event.id, reason: event.payload.reason, refund: event.payload.refund });
      try {
        await cancelOrder({ env, now: Date.now, logger, cause: { event } }, event.payload);
      } finally {
        await logger.flush();
      }
    },
  },
});

/** The DLQ consumer: every dead letter recorded once in `dead_letters` (RPC deadLetters / redrive). */
export const consumeDeadLetters = defineDeadLetterConsumer<Env>({ name: "payments-dlq", db: (env) => env.DB });

/**
 * The Worker's `queue` handler: dispatches on the queue name. After the events batch, the outbox rows its
 * handlers wrote (payment.refunded of a cancelled paid order) are relayed at once, awaited, never throwing
 * (a failed relay is logged and left to the cron sweeper), as catalog and orders do.
 */
export async function queue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  if (batch.queue.endsWith("-dlq")) return consumeDeadLetters(batch, env);
  try {
    await consumeEvents(batch, env);
  } finally {
    await relayInBackground(env, env.DB);
  }
}
