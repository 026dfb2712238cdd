import { log } from "@edgeworks/http";
import { defineConsumer } from "@edgeworks/queue";
import { z } from "zod";

/** The body of a events message; anything else is dead-lettered by the consumer, never retried. */
export const eventsMessage = z.strictObject({ itemId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });
export type EventsMessage = z.infer<typeof eventsMessage>;

/** The producer side: one message on the EVENTS_QUEUE queue (validated here too, so a bad send fails at the sender). */
export async function sendEvents(queue: Queue<EventsMessage>, body: EventsMessage): Promise<void> {
  await queue.send(eventsMessage.parse(body));
}

/**
 * The consumer of edgeworks-commerce-notifications-events: validated bodies, a failed message retried alone with
 * exponential backoff and jitter, invalid bodies parked on the DLQ with the reason.
 */
export const consumeEvents = defineConsumer<Env, EventsMessage>({
  name: "commerce-notifications-events",
  schema: eventsMessage,
  backoff: { baseSeconds: 2, maxSeconds: 300 },
  deadLetter: (env) => env.EVENTS_QUEUE_DLQ,
  handle: async (body, { env }) => {
    // the work goes here; throw to retry this message (with backoff)
    log(env.LOG_LEVEL, "info", "events message handled", { itemId: body.itemId });
  },
});
