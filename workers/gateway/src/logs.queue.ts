import { log } from "@edgeworks/http";
import { defineConsumer } from "@edgeworks/queue";
import { z } from "zod";

/** The body of a logs message; anything else is dead-lettered by the consumer, never retried. */
export const logsMessage = z.strictObject({ itemId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });
export type LogsMessage = z.infer<typeof logsMessage>;

/** The producer side: one message on the LOGS_QUEUE queue (validated here too, so a bad send fails at the sender). */
export async function sendLogs(queue: Queue<LogsMessage>, body: LogsMessage): Promise<void> {
  await queue.send(logsMessage.parse(body));
}

/**
 * The consumer of edgeworks-gateway-logs: validated bodies, a failed message retried alone with
 * exponential backoff and jitter, invalid bodies parked on the DLQ with the reason.
 */
export const consumeLogs = defineConsumer<Env, LogsMessage>({
  name: "gateway-logs",
  schema: logsMessage,
  backoff: { baseSeconds: 2, maxSeconds: 300 },
  deadLetter: (env) => env.LOGS_QUEUE_DLQ,
  handle: async (body, { env }) => {
    // the work goes here; throw to retry this message (with backoff)
    log(env.LOG_LEVEL, "info", "logs message handled", { itemId: body.itemId });
  },
});
