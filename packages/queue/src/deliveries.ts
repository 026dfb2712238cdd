import { log } from "@edgeworks/http";
import type { ZodType } from "zod";
import { type BackoffOptions, backoffDelay } from "./backoff";
import { markProcessed, processedKeys } from "./idempotency";

/** A processed-message table for a consumer whose handler is not naturally idempotent. */
export interface IdempotencyOptions<E, T> {
  /** The D1 database holding `processed_messages` (see packages/queue/migrations). */
  db: (env: E) => D1Database;
  /**
   * The key a message is handled once under (default: the Queue message id, which survives
   * redelivery). Return a key from the body to also fold duplicate sends of the same event.
   */
  key?: (body: T, message: Message<unknown>) => string;
  /** How long keys are kept (default 7 days; longer than a message can live in the Queue). */
  retentionMs?: number;
}

/** What every consumer is configured with. */
export interface BaseConsumerOptions<E, T> {
  /** Names the consumer in logs and in `processed_messages`; stable once deployed. */
  name: string;
  /** Validates each body; one that fails can never succeed, so it is acked (after the DLQ, if any). */
  schema: ZodType<T>;
  backoff?: BackoffOptions;
  idempotency?: IdempotencyOptions<E, T>;
  /** Where invalid bodies go, with the reason, before they are acked; without it they are logged only. */
  deadLetter?: (env: E) => Queue | undefined;
  /** Epoch ms (tests pin it). */
  now?: () => number;
}

/** A valid message with its parsed body and idempotency key. */
export interface Delivery<T> {
  message: Message<unknown>;
  body: T;
  key: string;
}

/** The `LOG_LEVEL` var of the Worker, read the way packages/http's request logger reads it. */
export const logLevelOf = (env: unknown): string | undefined =>
  typeof env === "object" && env !== null && "LOG_LEVEL" in env && typeof env.LOG_LEVEL === "string" ? env.LOG_LEVEL : undefined;

/** Acks (after logging, or the DLQ) every message whose body fails the schema; returns the valid ones. */
export async function validDeliveries<E, T>(
  batch: MessageBatch<unknown>,
  env: E,
  options: BaseConsumerOptions<E, T>,
): Promise<Delivery<T>[]> {
  const valid: Delivery<T>[] = [];
  for (const message of batch.messages) {
    const parsed = options.schema.safeParse(message.body);
    if (parsed.success) {
      valid.push({ message, body: parsed.data, key: options.idempotency?.key?.(parsed.data, message) ?? message.id });
      continue;
    }
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`);
    const fields = { consumer: options.name, queue: batch.queue, messageId: message.id, issues };
    const dlq = options.deadLetter?.(env);
    if (!dlq) {
      log(logLevelOf(env), "warn", "poison message acked", fields);
      message.ack();
      continue;
    }
    try {
      await dlq.send({ consumer: options.name, messageId: message.id, issues, body: message.body }, { contentType: "json" });
      log(logLevelOf(env), "warn", "poison message sent to the dead-letter queue", fields);
      message.ack();
    } catch (err) {
      // not lost: retried, and after max_retries the Queue's own dead_letter_queue takes it
      log(logLevelOf(env), "error", "dead-letter send failed", { ...fields, error: String(err) });
      retryLater(env, options, message, err);
    }
  }
  return valid;
}

/**
 * Acks the deliveries already handled (in an earlier batch, or earlier in this one) and returns the
 * rest. Without idempotency every delivery is returned.
 */
export async function freshDeliveries<E, T>(deliveries: Delivery<T>[], env: E, options: BaseConsumerOptions<E, T>): Promise<Delivery<T>[]> {
  const idem = options.idempotency;
  if (!idem || deliveries.length === 0) return deliveries;
  let done: Set<string>;
  try {
    done = await processedKeys(
      idem.db(env),
      options.name,
      deliveries.map((d) => d.key),
    );
  } catch (err) {
    // unknown whether they were handled: each is retried with backoff rather than run twice now
    for (const d of deliveries) retryLater(env, options, d.message, err);
    return [];
  }
  const fresh: Delivery<T>[] = [];
  for (const d of deliveries) {
    if (done.has(d.key)) d.message.ack();
    else {
      // a second copy in this batch is acked: the first copy carries the work (and its retries)
      done.add(d.key);
      fresh.push(d);
    }
  }
  return fresh;
}

/** Records handled keys; a failure is logged, never retried, since the handler's work is done. */
export async function recordHandled<E, T>(deliveries: Delivery<T>[], env: E, options: BaseConsumerOptions<E, T>): Promise<void> {
  const idem = options.idempotency;
  if (!idem || deliveries.length === 0) return;
  const now = options.now?.() ?? Date.now();
  try {
    await markProcessed(
      idem.db(env),
      options.name,
      deliveries.map((d) => d.key),
      now,
      idem.retentionMs,
    );
  } catch (err) {
    log(logLevelOf(env), "warn", "could not record processed messages", { consumer: options.name, error: String(err) });
  }
}

/** Retries one message with exponential backoff and full jitter from its attempt count. */
export function retryLater<E, T>(env: E, options: BaseConsumerOptions<E, T>, message: Message<unknown>, err: unknown): void {
  const delaySeconds = backoffDelay(message.attempts, options.backoff);
  log(logLevelOf(env), "error", "queue message failed", {
    consumer: options.name,
    messageId: message.id,
    attempts: message.attempts,
    delaySeconds,
    error: String(err),
  });
  message.retry({ delaySeconds });
}
