import { defineBatchConsumer } from "@edgeworks/queue";
import { drizzle } from "drizzle-orm/d1";
import { type ClickMessage, clickMessage } from "./click-event";
import { recordClicks } from "./record-clicks";

/**
 * The Queue consumer of clicks. The whole batch is aggregated in one D1 transaction and every message
 * acked; if that fails, each message is tried on its own so that one bad message cannot hold back the
 * others: it alone is retried, with backoff (and after max_retries lands in the dead-letter queue). A
 * body that is neither a click nor a batch of clicks can never succeed: it is logged and acked.
 * Idempotency is not the package's processed-message table but recordClicks' own: the message keys
 * are written in the same batch as the counts, so a click is counted exactly once.
 */
export const consumeClicks = defineBatchConsumer<Env, ClickMessage>({
  name: "link-clicks",
  schema: clickMessage,
  async handleBatch(messages, { env }) {
    await recordClicks(drizzle(env.DB), messages, Date.now());
  },
});
