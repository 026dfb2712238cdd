// Payments' own queue (edgeworks-commerce-payments-events): `order.cancelled`, and its DLQ into dead_letters.
import { defineEventConsumer, eventQueueHandler } from "@edgeworks/commerce-contracts";
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
  service: "payments",
  db: (env) => env.DB,
  deadLetter: (env) => env.EVENTS_QUEUE_DLQ,
  backoff: { baseSeconds: 2, maxSeconds: 300 },
  handlers: {
    "order.cancelled": async (event, { env, log }) => {
      log.info("order cancelled: settling its payment", { reason: event.payload.reason, refund: event.payload.refund });
      await cancelOrder({ env, now: Date.now, logger: log, cause: { event } }, event.payload);
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
export const queue = eventQueueHandler<Env>({ events: consumeEvents, deadLetters: consumeDeadLetters });
