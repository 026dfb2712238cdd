import { log } from "@edgeworks/http";
import { drainOutbox, outboxInsert, queueOutbox } from "@edgeworks/queue";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { MAIL_TOPIC, type MailMessage, mailMessage } from "./message";

/** The outbox row id of an email: one row per idempotency key, so writing the same email twice writes one row. */
const rowId = (message: MailMessage) => `${MAIL_TOPIC}:${message.id}`;

/**
 * The outbox insert of one email, for the same `db.batch` as the change that causes it (both commit
 * or neither does). The message is validated here, so a bad email fails the producer's batch rather
 * than reaching the queue. Writing the same `id` again writes nothing (ON CONFLICT DO NOTHING); the
 * mail Worker also sends each id once. Then `drainMailLater(env, ctx)`.
 *
 * @example
 * await db.batch([
 *   db.update(users).set({ passwordResetHash }).where(eq(users.id, user.id)),
 *   mailOutboxInsert(db, { id: `password-reset/${resetId}`, to: user.email, kind: "password-reset", subject, ...parts }),
 * ]);
 * drainMailLater(env, c.executionCtx);
 */
export function mailOutboxInsert<S extends Record<string, unknown>>(db: DrizzleD1Database<S>, message: MailMessage, now = Date.now()) {
  const body = mailMessage.parse(message);
  return outboxInsert(db, { topic: MAIL_TOPIC, id: rowId(body), body }, now).onConflictDoNothing({ target: queueOutbox.id });
}

/**
 * The same insert as a raw D1 statement, for a `D1Database.batch` of prepared statements.
 *
 * @example await env.DB.batch([changeStatement, mailOutboxStatement(env.DB, message)]);
 */
export function mailOutboxStatement(d1: D1Database, message: MailMessage, now = Date.now()): D1PreparedStatement {
  const body = mailMessage.parse(message);
  return d1
    .prepare("INSERT INTO queue_outbox (id, topic, body, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING")
    .bind(rowId(body), MAIL_TOPIC, JSON.stringify(body), now);
}

/** The bindings a product that sends mail has: its D1 (with `queue_outbox`) and the `edgeworks-mail` producer. */
export interface MailProducerEnv {
  DB: D1Database;
  MAIL_QUEUE: Queue;
  LOG_LEVEL?: string;
}

/**
 * Sends the product's committed, unsent emails to the mail queue (packages/queue's `drainOutbox` on
 * topic "mail"): overlapping drains never send a row twice, a drain that dies leaves a lease that
 * expires. Returns how many were sent; throws when the queue refuses (the rows stay for the next drain).
 *
 * @example async scheduled(_c, env) { await drainMail(env); } // a cron catches what waitUntil missed
 */
export function drainMail(env: MailProducerEnv, options: { now?: () => number } = {}): Promise<number> {
  return drainOutbox({ db: env.DB, topic: MAIL_TOPIC, queue: env.MAIL_QUEUE, now: options.now });
}

/**
 * `drainMail` after the response (`waitUntil`); a failure is logged, never thrown: the rows stay
 * pending and the next drain or the cron sends them.
 *
 * @example await db.batch([change, mailOutboxInsert(db, message)]); drainMailLater(c.env, c.executionCtx);
 */
export function drainMailLater(env: MailProducerEnv, ctx: { waitUntil(promise: Promise<unknown>): void }): void {
  ctx.waitUntil(drainMail(env).catch((err: unknown) => log(env.LOG_LEVEL, "error", "mail outbox drain failed", { error: String(err) })));
}
