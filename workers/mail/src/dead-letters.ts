import { type MailMessage, mailMessage } from "@edgeworks/mail";
import { defineConsumer, processedMessages } from "@edgeworks/queue";
import { and, asc, desc, eq, inArray, isNotNull, isNull } from "drizzle-orm";
import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
import { z } from "zod";
import { mailDeadLetters, mailDeliveries } from "./schema";
import { MAIL_CONSUMER } from "./send.queue";

/** The dead-letter queue's name (wrangler.toml); the Worker's every other batch is edgeworks-mail. */
export const MAIL_DLQ_NAME = "edgeworks-mail-dlq";

/** A dead letter's body is kept up to this many characters (an email is at most 120 KB). */
const MAX_BODY = 130_000;

/** The shapes that reach the DLQ besides a bare email: a refusal (`reason`) or an invalid body (`issues`). */
const parked = z.object({ reason: z.string().optional(), issues: z.array(z.string()).optional(), body: z.unknown() });

/** The email in a dead letter, if it holds a valid one, and why it is there. */
export function readDeadLetter(body: unknown): { email?: MailMessage; reason: string } {
  const bare = mailMessage.safeParse(body);
  if (bare.success) return { email: bare.data, reason: "failed every retry" };
  const wrapped = parked.safeParse(body);
  if (!wrapped.success) return { reason: "not an email" };
  const inner = mailMessage.safeParse(wrapped.data.body);
  const reason = wrapped.data.reason ?? (wrapped.data.issues ? `invalid: ${wrapped.data.issues.join("; ")}` : "parked");
  return { ...(inner.success ? { email: inner.data } : {}), reason: reason.slice(0, 1_000) };
}

/**
 * The consumer of edgeworks-mail-dlq: records each dead letter in mail_dead_letters (once per queue
 * message id), so it can be listed and redriven; nothing is lost when the DLQ's own retention ends.
 */
export const consumeDeadLetters = defineConsumer<Env, unknown>({
  name: "mail-dlq",
  schema: z.unknown(),
  handle: async (body, { env, message }) => {
    const { email, reason } = readDeadLetter(body);
    await drizzle(env.DB)
      .insert(mailDeadLetters)
      .values({ id: message.id, mailId: email?.id ?? null, reason, body: JSON.stringify(body).slice(0, MAX_BODY), receivedAt: Date.now() })
      .onConflictDoNothing();
  },
});

/**
 * Sends the dead letters an operator asked for (`redrive_requested_at` set) back to edgeworks-mail,
 * forgetting that the email was handled (processed_messages) or refused (mail_deliveries `failed`),
 * so it is really tried again. Rows without a valid email cannot be redriven and stay as they are.
 * Called by the cron; returns how many were sent.
 */
export async function redriveRequested(env: Env, now = Date.now()): Promise<number> {
  const db: DrizzleD1Database = drizzle(env.DB);
  const rows = await db
    .select({ id: mailDeadLetters.id, body: mailDeadLetters.body })
    .from(mailDeadLetters)
    .where(and(isNotNull(mailDeadLetters.redriveRequestedAt), isNull(mailDeadLetters.redrivenAt), isNotNull(mailDeadLetters.mailId)))
    .orderBy(asc(mailDeadLetters.receivedAt))
    .limit(30);
  const ready = rows.flatMap((r) => {
    const { email } = readDeadLetter(JSON.parse(r.body));
    return email ? [{ id: r.id, email }] : [];
  });
  const [first, ...more] = ready;
  if (!first) return 0;
  await env.MAIL_QUEUE.sendBatch(ready.map((r) => ({ body: r.email, contentType: "json" as const })));
  const mailIds = ready.map((r) => r.email.id);
  await db.batch([
    db
      .update(mailDeadLetters)
      .set({ redrivenAt: now })
      .where(inArray(mailDeadLetters.id, [first.id, ...more.map((r) => r.id)])),
    db.delete(processedMessages).where(and(eq(processedMessages.consumer, MAIL_CONSUMER), inArray(processedMessages.messageKey, mailIds))),
    db.delete(mailDeliveries).where(and(inArray(mailDeliveries.id, mailIds), eq(mailDeliveries.status, "failed"))),
  ]);
  return ready.length;
}

/** The newest dead letters (for the dev listing and tests). */
export function listDeadLetters(db: DrizzleD1Database, limit: number) {
  return db.select().from(mailDeadLetters).orderBy(desc(mailDeadLetters.receivedAt)).limit(limit);
}
