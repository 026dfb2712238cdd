import { log } from "@edgeworks/http";
import { drizzle } from "drizzle-orm/d1";
import { type ClickEvent, isClickEvent } from "./click-event";
import { recordClicks } from "./record-clicks";

/** Seconds before a failed message is delivered again (grows with each attempt). */
const retryDelay = (attempts: number) => Math.min(60, 2 ** attempts);

/**
 * The Queue consumer of click events. The whole batch is aggregated in one D1 transaction and every
 * message acked; if that fails, each message is tried on its own so that one bad message cannot hold
 * back the others: it alone is retried (and after max_retries lands in the dead-letter queue).
 * A body that is not a click event can never succeed: it is logged and acked.
 */
export async function consumeClicks(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const db = drizzle(env.DB);
  const valid: Message<ClickEvent>[] = [];
  for (const message of batch.messages) {
    if (isClickEvent(message.body)) valid.push(message as Message<ClickEvent>);
    else {
      log(env.LOG_LEVEL, "warn", "dropped a malformed click event", { queue: batch.queue, messageId: message.id });
      message.ack();
    }
  }
  if (valid.length === 0) return;
  try {
    await recordClicks(
      db,
      valid.map((m) => m.body),
      Date.now(),
    );
    for (const m of valid) m.ack();
    return;
  } catch (err) {
    log(env.LOG_LEVEL, "warn", "click batch failed; retrying messages one by one", { error: String(err), size: valid.length });
  }
  for (const m of valid) {
    try {
      await recordClicks(db, [m.body], Date.now());
      m.ack();
    } catch (err) {
      log(env.LOG_LEVEL, "error", "click event failed", { messageId: m.id, attempts: m.attempts, error: String(err) });
      m.retry({ delaySeconds: retryDelay(m.attempts) });
    }
  }
}
