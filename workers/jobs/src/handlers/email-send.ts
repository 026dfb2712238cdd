import { drainMail, MAX_MAIL_BYTES, mailMessage, mailOutboxStatement, renderMail } from "@edgeworks/mail";
import { type JobHandler, PermanentError, parsePayload } from "./context";
import { emailSendPayload } from "./email-send.payload";

/** The mail id (its idempotency key) of a job's email: the same on every attempt, so a retry never sends twice. */
export const messageIdOf = (jobId: string): string => `jobs/${jobId}`;

/**
 * Writes the email to the platform's mail outbox (@edgeworks/mail: packages/queue's queue_outbox,
 * row `mail:jobs/<jobId>`) and drains it to the mail queue; workers/mail sends each id once. A drain
 * that fails is not the job's failure: the row is committed and the Worker's cron drains it.
 * Result: `{messageId}`.
 */
export const emailSend: JobHandler = async (payload, ctx) => {
  const p = parsePayload(emailSendPayload, payload);
  const messageId = messageIdOf(ctx.job.id);
  const html = p.html ?? renderMail({ heading: p.subject, paragraphs: p.text.split(/\n{2,}/) }).html;
  const message = mailMessage.safeParse({ id: messageId, to: p.to, subject: p.subject, text: p.text, html, kind: "jobs-email" });
  if (!message.success)
    throw new PermanentError(`The email cannot be sent: ${message.error.issues[0]?.message ?? "invalid"} (max ${MAX_MAIL_BYTES} bytes)`);
  await ctx.env.DB.batch([mailOutboxStatement(ctx.env.DB, message.data)]);
  ctx.log(`queued ${messageId} to ${p.to}`);
  await drainMail(ctx.env).catch((error: unknown) => ctx.log(`mail drain failed, the cron will send it: ${String(error)}`));
  return { messageId };
};
