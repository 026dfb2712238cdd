import { log } from "@edgeworks/http";
import { defineConsumer } from "@edgeworks/queue";
import { z } from "zod";

/** The body of a mail message; anything else is dead-lettered by the consumer, never retried. */
export const mailMessage = z.strictObject({ itemId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });
export type MailMessage = z.infer<typeof mailMessage>;

/** The producer side: one message on the MAIL_QUEUE queue (validated here too, so a bad send fails at the sender). */
export async function sendMail(queue: Queue<MailMessage>, body: MailMessage): Promise<void> {
  await queue.send(mailMessage.parse(body));
}

/**
 * The consumer of edgeworks-mail-mail: validated bodies, a failed message retried alone with
 * exponential backoff and jitter, invalid bodies parked on the DLQ with the reason.
 */
export const consumeMail = defineConsumer<Env, MailMessage>({
  name: "mail-mail",
  schema: mailMessage,
  backoff: { baseSeconds: 2, maxSeconds: 300 },
  deadLetter: (env) => env.MAIL_QUEUE_DLQ,
  handle: async (body, { env }) => {
    // the work goes here; throw to retry this message (with backoff)
    log(env.LOG_LEVEL, "info", "mail message handled", { itemId: body.itemId });
  },
});
