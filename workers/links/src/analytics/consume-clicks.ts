import { log } from "@edgeworks/http";
import { drizzle } from "drizzle-orm/d1";
import { clicksOf } from "./click-event";
import { type ClickMessage, recordClicks } from "./record-clicks";

/** Seconds before a failed message is delivered again (grows with each attempt). */
const retryDelay = (attempts: number) => Math.min(60, 2 ** attempts);

/**
 * The Queue consumer of clicks. The whole batch is aggregated in one D1 transaction and every message
 * acked; if that fails, each message is tried on its own so that one bad message cannot hold back the
 * others: it alone is retried (and after max_retries lands in the dead-letter queue). A body that is
 * neither a click nor a batch of clicks can never succeed: it is logged and acked.
 */
export async function consumeClicks(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const db = drizzle(env.DB);
  const valid: { message: Message<unknown>; clicks: ClickMessage }[] = [];
  for (const message of batch.messages) {
    const clicks = clicksOf(message.body);
    if (clicks) valid.push({ message, clicks });
    else {
      log(env.LOG_LEVEL, "warn", "dropped a malformed click message", { queue: batch.queue, messageId: message.id });
      message.ack();
    }
  }
  if (valid.length === 0) return;
  try {
    await recordClicks(
      db,
      valid.map((v) => v.clicks),
      Date.now(),
    );
    for (const v of valid) v.message.ack();
    return;
  } catch (err) {
    log(env.LOG_LEVEL, "warn", "click batch failed; retrying messages one by one", { error: String(err), size: valid.length });
  }
  for (const { message, clicks } of valid) {
    try {
      await recordClicks(db, [clicks], Date.now());
      message.ack();
    } catch (err) {
      log(env.LOG_LEVEL, "error", "click message failed", { messageId: message.id, attempts: message.attempts, error: String(err) });
      message.retry({ delaySeconds: retryDelay(message.attempts) });
    }
  }
}
