import { type MailMessage, mailMessage } from "@edgeworks/mail";
import { defineConsumer } from "@edgeworks/queue";
import { type DeliverOptions, deliverMail, type ProviderPause } from "./deliver";

/** The consumer's name in logs and processed_messages (stable once deployed). */
export const MAIL_CONSUMER = "mail";

/**
 * The consumer of edgeworks-mail: each body validated as a `MailMessage` (an invalid one is parked on
 * the DLQ with the reason, never retried); each email handled once per id (processed_messages, keyed
 * by the email's id, so duplicate sends fold too); a temporary failure retried alone with exponential
 * backoff and full jitter (ceilings 10 s … 10 min over max_retries = 8, about 30 minutes in all), then
 * the queue's DLQ.
 *
 * @example export default { queue: mailConsumer() };
 */
export function mailConsumer(options: DeliverOptions = {}) {
  const pause: ProviderPause = { until: 0 };
  return defineConsumer<Env, MailMessage>({
    name: MAIL_CONSUMER,
    schema: mailMessage,
    backoff: { baseSeconds: 5, maxSeconds: 600 },
    idempotency: { db: (env) => env.DB, key: (m) => m.id },
    deadLetter: (env) => env.MAIL_DLQ,
    now: options.now,
    handle: (message, { env, message: queued }) => deliverMail(env, message, queued.attempts, pause, options),
  });
}

/** The Worker's consumer of edgeworks-mail. */
export const consumeMail = mailConsumer();
