// The consumer of edgeworks-commerce-notifications-events: order.confirmed → receipt, order.cancelled →
// cancellation notice, payment.refunded → refund notice; by email and (opted in) SMS. One notification per
// (order, template, channel): the claim of the event and the unique index make a redelivery, or a second event
// for the same notice, a no-op; the rows, the email, the SMS and each `notification.sent` commit in one batch.
import {
  type Contact,
  call,
  claimEventStatement,
  defineEventConsumer,
  type EventContext,
  eventOutboxStatements,
  isDuplicateClaim,
  newEvent,
  relayEvents,
  type ServiceLogger,
  serviceLogger,
  usersRpc,
} from "@edgeworks/commerce-contracts";
import { drainMail, mailOutboxStatement } from "@edgeworks/mail";
import { defineDeadLetterConsumer } from "@edgeworks/queue";
import { and, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { nanoid } from "nanoid";
import { notifications } from "./schema";
import { drainSms, smsOutboxStatement } from "./sms/outbox";
import { type Channel, emailOf, type NoticeEvent, smsTextOf, TEMPLATE_OF } from "./templates";

/** The consumer's name (logs, `processed_messages`). */
export const CONSUMER = "notifications";
/** The queue this service consumes, as the dead letters name it. */
export const EVENTS_QUEUE_NAME = "edgeworks-commerce-notifications-events";

/** What one channel gets for one notice. */
export interface Decision {
  channel: Channel;
  status: "sent" | "skipped";
  reason: string | null;
  recipient: string | null;
}

/** Email and SMS, each sent or skipped with the reason, from the customer's contact (null: the users service knows no such user). */
export function decide(contact: Contact | null): Decision[] {
  if (!contact)
    return [
      { channel: "email", status: "skipped", reason: "no_contact", recipient: null },
      { channel: "sms", status: "skipped", reason: "no_contact", recipient: null },
    ];
  const email: Decision = !contact.notifyByEmail
    ? { channel: "email", status: "skipped", reason: "opted_out", recipient: null }
    : contact.email
      ? { channel: "email", status: "sent", reason: null, recipient: contact.email }
      : { channel: "email", status: "skipped", reason: "no_email", recipient: null };
  const sms: Decision = !contact.notifyBySms
    ? { channel: "sms", status: "skipped", reason: "opted_out", recipient: null }
    : contact.phone
      ? { channel: "sms", status: "sent", reason: null, recipient: contact.phone }
      : { channel: "sms", status: "skipped", reason: "no_phone", recipient: null };
  return [email, sms];
}

/** True when a batch failed on the notifications' (order, template, channel) unique index: a twin got there first. */
export function isDuplicateNotice(error: unknown): boolean {
  const text = String(error instanceof Error ? `${error.message} ${String(error.cause ?? "")}` : error);
  return text.includes("UNIQUE constraint failed") && text.includes("notifications.");
}

/** The customer of an order, from the notices already recorded for it (payment.refunded carries no user id). */
async function customerOf(d1: D1Database, orderId: string): Promise<string | null> {
  const [row] = await drizzle(d1)
    .select({ userId: notifications.userId })
    .from(notifications)
    .where(eq(notifications.orderId, orderId))
    .limit(1);
  return row?.userId ?? null;
}

/**
 * Handles one notice: the contact over USERS (down → throws → retried with backoff, then the DLQ), then one batch
 * with the claim, a row per channel, the email (mail outbox), the SMS (SMS outbox) and a `notification.sent` per
 * sent channel (event outbox → orders). Returns what happened, for the logs and tests.
 */
export async function handleNotice(
  event: NoticeEvent,
  { env, consumer }: Pick<EventContext<Env>, "env" | "consumer">,
  logger: ServiceLogger,
  now = Date.now(),
): Promise<"sent" | "duplicate"> {
  const template = TEMPLATE_OF[event.type];
  const orderId = event.payload.orderId;
  const done = await drizzle(env.DB)
    .select({ id: notifications.id })
    .from(notifications)
    .where(and(eq(notifications.orderId, orderId), eq(notifications.template, template)))
    .limit(1);
  if (done.length > 0) {
    logger.info("notice already recorded; event is a no-op", { eventId: event.id, type: event.type, template });
    return "duplicate";
  }
  const userId = event.type === "payment.refunded" ? await customerOf(env.DB, orderId) : event.payload.userId;
  // early: the refund of an order whose receipt or cancellation notice is not recorded yet (they race on the queue)
  if (!userId) throw new Error(`payment.refunded for ${orderId} before any notice of that order; retried later`);
  const contact = await call(
    env.USERS,
    usersRpc,
    "getContact",
    { requestId: event.requestId ?? `evt:${event.id}`, correlationId: orderId },
    { userId },
  );
  const decisions = decide(contact);
  const statements: D1PreparedStatement[] = [claimEventStatement(env.DB, consumer, event.id, now)];
  const sent: { notificationId: string; channel: Channel }[] = [];
  for (const d of decisions) {
    const id = `ntf_${nanoid(21)}`;
    statements.push(
      env.DB.prepare(
        "INSERT INTO notifications (id, order_id, user_id, channel, template, status, reason, recipient, event_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      ).bind(id, orderId, userId, d.channel, template, d.status, d.reason, d.recipient, event.id, now),
    );
    if (d.status !== "sent" || !d.recipient || !contact) continue;
    if (d.channel === "email") statements.push(mailOutboxStatement(env.DB, emailOf(env, event, d.recipient, contact), now));
    else
      statements.push(
        smsOutboxStatement(
          env.DB,
          { id: `commerce-${template}-${orderId}`, to: d.recipient, body: smsTextOf(event), notificationId: id },
          now,
        ),
      );
    const notice = newEvent("notification.sent", { orderId, userId, notificationId: id, channel: d.channel, template }, { event }, now);
    statements.push(...eventOutboxStatements(env.DB, notice, now));
    sent.push({ notificationId: id, channel: d.channel });
  }
  try {
    await env.DB.batch(statements);
  } catch (err) {
    if (isDuplicateClaim(err) || isDuplicateNotice(err)) {
      logger.info("notice handled concurrently; event is a no-op", { eventId: event.id, type: event.type, template });
      return "duplicate";
    }
    throw err;
  }
  logger.info("notice recorded", {
    eventId: event.id,
    type: event.type,
    template,
    userId,
    channels: decisions.map((d) => ({ channel: d.channel, status: d.status, reason: d.reason })),
    produced: sent.length > 0 ? "notification.sent" : null,
    notifications: sent,
  });
  return "sent";
}

/** The typed, idempotent consumer of this service's events queue (invalid bodies → the DLQ at once, with the reason). */
export const consumeEvents = defineEventConsumer<Env>({
  name: CONSUMER,
  service: "notifications",
  db: (env) => env.DB,
  deadLetter: (env) => env.EVENTS_QUEUE_DLQ,
  backoff: { baseSeconds: 2, maxSeconds: 300 },
  handlers: {
    "order.confirmed": async (event, ctx) => void (await handleNotice(event, ctx, ctx.log)),
    "order.cancelled": async (event, ctx) => void (await handleNotice(event, ctx, ctx.log)),
    "payment.refunded": async (event, ctx) => void (await handleNotice(event, ctx, ctx.log)),
  },
});

/** The dead letters of the events queue, recorded in `dead_letters` (listed and redriven over NotificationsRpc). */
export const consumeDeadLetters = defineDeadLetterConsumer<Env>({ name: "notifications-dlq", db: (env) => env.DB });

/**
 * Sends what the outbox holds: notification.sent to orders, emails to the mail service, SMS to the provider. Never
 * throws (each failure is logged; the cron runs it again every minute).
 */
export async function drainAll(env: Env): Promise<void> {
  const logger = serviceLogger(env, "notifications");
  const attempts: [string, () => Promise<unknown>][] = [
    ["events", () => relayEvents(env, env.DB)],
    ["mail", () => drainMail(env)],
    ["sms", () => drainSms(env)],
  ];
  for (const [what, run] of attempts) {
    try {
      await run();
    } catch (err) {
      logger.warn(`${what} outbox drain failed; the cron retries`, { error: String(err) });
    }
  }
  await logger.flush();
}

/** The `queue` handler: the DLQ into `dead_letters`, the events queue into notices, then a drain. */
export async function queue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  if (batch.queue.endsWith("-dlq")) return consumeDeadLetters(batch, env);
  await consumeEvents(batch, env);
  await drainAll(env);
}
