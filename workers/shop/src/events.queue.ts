import { log } from "@edgeworks/http";
import { drainMail, mailOutboxInsert } from "@edgeworks/mail";
import { defineConsumer } from "@edgeworks/queue";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { z } from "zod";
import { receiptMail, recipientOf, refundMail } from "./orders/emails";
import { orders } from "./orders/schema";

const ID = /^[A-Za-z0-9_-]{1,80}$/;
const id = z.string().max(80).regex(ID);

/**
 * The body of a shop event (written to the outbox in the same batch as the order change, drained to
 * EVENTS_QUEUE): an order was paid (receipt email) or refunded (refund email). Anything else is
 * dead-lettered by the consumer, never retried.
 */
export const eventsMessage = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("order.paid"), orderId: id }),
  z.strictObject({ type: z.literal("order.refunded"), orderId: id, refundId: id }),
]);
export type EventsMessage = z.infer<typeof eventsMessage>;

/**
 * Writes the email of one shop event into the mail outbox (its id names the event, so a redelivered
 * message writes nothing new) and drains the mail outbox. A receipt needs the order still to have been
 * paid; nobody to mail (no verified address) writes nothing.
 */
export async function handleShopEvent(env: Env, body: EventsMessage, now: number): Promise<"written" | "skipped"> {
  const db = drizzle(env.DB);
  const [order] = await db.select().from(orders).where(eq(orders.id, body.orderId));
  // a receipt for an order that was paid; a refund email for any money that came in (also a cancelled order's)
  if (!order || (body.type === "order.paid" ? order.paidAt === null : order.amountPaid === 0)) return "skipped";
  const to = await recipientOf(env, order);
  if (!to) return "skipped";
  const mail = body.type === "order.paid" ? await receiptMail(env, db, order, to) : await refundMail(env, db, order, body.refundId, to);
  if (!mail) return "skipped";
  await mailOutboxInsert(db, mail, now);
  await drainMail(env).catch((err: unknown) => log(env.LOG_LEVEL, "warn", "mail drain failed; the cron retries", { error: String(err) }));
  return "written";
}

/**
 * The consumer of edgeworks-shop-events: validated bodies, a failed message retried alone with
 * exponential backoff and jitter, invalid bodies parked on the DLQ with the reason.
 */
export const consumeEvents = defineConsumer<Env, EventsMessage>({
  name: "shop-events",
  schema: eventsMessage,
  backoff: { baseSeconds: 2, maxSeconds: 300 },
  deadLetter: (env) => env.EVENTS_QUEUE_DLQ,
  handle: async (body, { env }) => {
    const outcome = await handleShopEvent(env, body, Date.now());
    log(env.LOG_LEVEL, "info", "shop event handled", { type: body.type, orderId: body.orderId, outcome });
  },
});
