// The event bus of the commerce services: a transactional outbox per publisher (one row per subscriber),
// a relay that drains it to each subscriber's queue, and typed, idempotent consumers.
import { log } from "@edgeworks/http";
import { type BackoffOptions, defineConsumer, drainOutbox, outboxStatement, type QueueConsumer } from "@edgeworks/queue";
import {
  type CommerceEvent,
  commerceEvent,
  EVENT_SUBSCRIBERS,
  type EventType,
  type ServiceName,
  SUBSCRIBERS,
  type Subscriber,
  subscriberBinding,
} from "./events";
import { type ServiceLogger, serviceLogger, type TelemetryEnv } from "./telemetry";

/**
 * The outbox rows of one event: one per subscriber (topic = subscriber name). Put them in the same
 * `d1.batch` as the state change that causes the event, so both commit or neither does.
 *
 * @example await env.DB.batch([updateOrder, ...eventOutboxStatements(env.DB, confirmed)]);
 */
export function eventOutboxStatements(d1: D1Database, event: CommerceEvent, now = Date.now()): D1PreparedStatement[] {
  return EVENT_SUBSCRIBERS[event.type].map((topic) => outboxStatement(d1, { topic, body: event, id: `${event.id}:${topic}` }, now));
}

/**
 * Sends every pending outbox row to its subscriber's queue (the binding `<SUBSCRIBER>_EVENTS` of `env`);
 * call it in `waitUntil` after a write and from the cron (`scheduled`) for whatever a dead isolate left.
 * Returns how many rows were sent. A topic whose binding is missing is an error (a deploy mistake).
 *
 * @example ctx.waitUntil(relayEvents(env, env.DB));
 */
export async function relayEvents(env: object, d1: D1Database, topics: readonly Subscriber[] = SUBSCRIBERS): Promise<number> {
  let sent = 0;
  for (const topic of topics) {
    const queue = (env as Record<string, unknown>)[subscriberBinding(topic)] as Queue | undefined;
    if (!queue) continue;
    sent += await drainOutbox({ db: d1, topic, queue });
  }
  return sent;
}

/**
 * Like {@link relayEvents}, never throwing (for `waitUntil`): a failure is logged and the cron retries.
 */
export function relayInBackground(env: { LOG_LEVEL?: string }, d1: D1Database): Promise<void> {
  return relayEvents(env, d1).then(
    () => undefined,
    (error) => log(env.LOG_LEVEL, "warn", "event relay failed; the cron sweeper retries", { error: String(error) }),
  );
}

/** The statement that claims an event for a consumer inside the handler's own batch (see {@link isDuplicateClaim}). */
export function claimEventStatement(d1: D1Database, consumer: string, eventId: string, now = Date.now()): D1PreparedStatement {
  return d1.prepare("INSERT INTO processed_messages (consumer, message_key, processed_at) VALUES (?, ?, ?)").bind(consumer, eventId, now);
}

/**
 * True when a batch failed because its claim row already exists: the event was handled before (a
 * redelivery, or a twin handled concurrently), and the batch, being atomic, changed nothing.
 */
export function isDuplicateClaim(error: unknown): boolean {
  const text = String(error instanceof Error ? `${error.message} ${String(error.cause ?? "")}` : error);
  return text.includes("UNIQUE constraint failed") && text.includes("processed_messages");
}

/** What an event handler gets. */
export interface EventContext<E> {
  env: E;
  message: Message<unknown>;
  /** The consumer's name (for `claimEventStatement`). */
  consumer: string;
  /** A logger bound to the event's request and order (`correlationId`); flushed when the handler ends. */
  log: ServiceLogger;
}

/** A handler per event type this consumer subscribes to; other types are acked and ignored. */
export type EventHandlers<E> = { [T in EventType]?: (event: CommerceEvent<T>, ctx: EventContext<E>) => Promise<void> };

/** Options of {@link defineEventConsumer}. */
export interface EventConsumerOptions<E> {
  /** Stable: names the consumer in logs and in `processed_messages` (e.g. `orders-saga`). */
  name: string;
  /** The service whose logs the handlers write (`log` in their context). */
  service: ServiceName;
  /** The database holding `processed_messages` (the processed-event table of this consumer). */
  db: (env: E) => D1Database;
  handlers: EventHandlers<E>;
  /** Where a body that is not a valid commerce event goes, with the reason (the service's own DLQ producer). */
  deadLetter?: (env: E) => Queue | undefined;
  backoff?: BackoffOptions;
}

/**
 * A typed, idempotent consumer of commerce events: bodies are parsed with the contract's schema (an
 * invalid one is parked on the DLQ at once), an event id already processed is a no-op, a handler that
 * throws is retried alone with backoff (after `max_retries` the Queue moves it to the DLQ). Handlers whose
 * effect must count once put `claimEventStatement` in their own batch and return on `isDuplicateClaim`.
 *
 * @example export const consumeEvents = defineEventConsumer<Env>({ name: "catalog", db: (env) => env.DB, handlers: { "order.created": reserve } });
 */
export function defineEventConsumer<E>(options: EventConsumerOptions<E>): QueueConsumer<E> {
  return defineConsumer<E, CommerceEvent>({
    name: options.name,
    schema: commerceEvent as never,
    idempotency: { db: options.db, key: (event) => event.id },
    ...(options.deadLetter ? { deadLetter: options.deadLetter } : {}),
    ...(options.backoff ? { backoff: options.backoff } : {}),
    handle: async (event, { env, message }) => {
      const handler = options.handlers[event.type] as ((e: CommerceEvent, c: EventContext<E>) => Promise<void>) | undefined;
      if (!handler) return;
      const log = serviceLogger(env as TelemetryEnv, options.service, { requestId: event.requestId, correlationId: event.correlationId });
      log.info("event consumed", { eventId: event.id, type: event.type, producer: event.producer, causationId: event.causationId });
      try {
        await handler(event, { env, message, consumer: options.name, log });
      } catch (error) {
        log.warn("event handler failed; retried with backoff", { eventId: event.id, type: event.type, error: String(error) });
        throw error;
      } finally {
        await log.flush();
      }
    },
  });
}

/**
 * The `queue` handler of a consuming service: its DLQ (a queue name ending in `-dlq`) goes to the dead-letter
 * store, its events queue to the event consumer, after which the outbox rows the handlers wrote are relayed
 * at once (never throwing: what fails is left to the cron sweeper).
 *
 * @example export default product.worker({ queue: eventQueueHandler({ events: consumeEvents, deadLetters: consumeDeadLetters }) });
 */
export function eventQueueHandler<E extends { DB: D1Database; LOG_LEVEL?: string }>(handlers: {
  events: QueueConsumer<E>;
  deadLetters: QueueConsumer<E>;
}): (batch: MessageBatch<unknown>, env: E) => Promise<void> {
  return async (batch, env) => {
    if (batch.queue.endsWith("-dlq")) return handlers.deadLetters(batch, env);
    try {
      await handlers.events(batch, env);
    } finally {
      await relayInBackground(env, env.DB);
    }
  };
}
