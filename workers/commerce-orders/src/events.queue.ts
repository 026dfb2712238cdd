// The saga's consumer of edgeworks-commerce-orders-events (and of its DLQ, into dead_letters).
import {
  type CommerceEvent,
  defineEventConsumer,
  type EventContext,
  type EventHandlers,
  relayInBackground,
  type ServiceLogger,
  serviceLogger,
} from "@edgeworks/commerce-contracts";
import { defineDeadLetterConsumer } from "@edgeworks/queue";
import { applyInput } from "./saga/apply";
import { requestCharge } from "./saga/effects";
import { inputOf } from "./saga/machine";

/** The consumer's name: in logs and in `processed_messages`. */
export const CONSUMER = "orders-saga";
/** The queue orders consumes (and redrives to). */
export const EVENTS_QUEUE_NAME = "edgeworks-commerce-orders-events";

/** An event whose precondition is not reached yet: thrown so the queue retries it with backoff. */
export class EarlyEvent extends Error {}

/**
 * Applies one consumed event through the machine, in one batch with its claim; then the effects that are
 * calls (the charge). Early → thrown (retried); stale or a duplicate → recorded / skipped; an event of an
 * order orders never had → logged and dropped.
 */
export async function handleEvent(event: CommerceEvent, ctx: EventContext<Env>, root: ServiceLogger): Promise<void> {
  const { env } = ctx;
  const logger = root.with({ correlationId: event.correlationId, requestId: event.requestId });
  const input = inputOf(event.type, event.payload);
  if (!input) return;
  const result = await applyInput(
    env.DB,
    event.payload.orderId,
    input,
    {
      id: event.id,
      kind: "event_in",
      type: event.type,
      service: event.producer,
      occurredAt: Date.parse(event.occurredAt),
      causationId: event.causationId,
      payload: event.payload,
    },
    { cause: { event }, claim: ctx.consumer },
  );
  switch (result.kind) {
    case "not_found":
      logger.warn("event for an unknown order dropped", { eventId: event.id, type: event.type });
      return;
    case "duplicate":
      logger.info("event already handled", { eventId: event.id, type: event.type });
      return;
    case "early":
      logger.info("event arrived early; retried later", { eventId: event.id, type: event.type, status: result.order.status });
      throw new EarlyEvent(`${event.type} ${event.id} early: ${result.reason}`);
    case "stale":
      logger.info("late event recorded, no change", { eventId: event.id, type: event.type, reason: result.reason });
      return;
    case "applied":
      logger.info("event applied", {
        eventId: event.id,
        type: event.type,
        from: result.from.status,
        to: result.order.status,
        published: result.published.map((e) => `${e.type}:${e.id}`),
      });
      for (const effect of result.effects) if (effect.kind === "charge") await requestCharge(env, result.order, logger);
  }
}

const HANDLED = [
  "inventory.reserved",
  "inventory.rejected",
  "inventory.released",
  "payment.succeeded",
  "payment.failed",
  "payment.refunded",
  "notification.sent",
] as const;

/** The event consumer of one batch (its logger is flushed when the batch is done). */
function eventConsumer(logger: ServiceLogger) {
  const handlers: EventHandlers<Env> = Object.fromEntries(
    HANDLED.map((type) => [type, (event: CommerceEvent, ctx: EventContext<Env>) => handleEvent(event, ctx, logger)]),
  );
  return defineEventConsumer<Env>({
    name: CONSUMER,
    service: "orders",
    db: (env) => env.DB,
    handlers,
    deadLetter: (env) => env.EVENTS_QUEUE_DLQ,
    // an early event comes back within seconds, not minutes
    backoff: { baseSeconds: 1, maxSeconds: 30 },
  });
}

const consumeDeadLetters = defineDeadLetterConsumer<Env>({ name: "orders-dlq", db: (env) => env.DB });

/** The Worker's `queue` handler: the DLQ into dead_letters, the events through the saga, then the relay. */
export async function queue(batch: MessageBatch<unknown>, env: Env, ctx?: ExecutionContext): Promise<void> {
  if (batch.queue.endsWith("-dlq")) return consumeDeadLetters(batch, env);
  const logger = serviceLogger(env, "orders", { requestId: null });
  try {
    await eventConsumer(logger)(batch, env);
  } finally {
    await logger.flush();
  }
  const relay = relayInBackground(env, env.DB);
  if (ctx) ctx.waitUntil(relay);
  else await relay;
}
