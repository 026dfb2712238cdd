import { listUnsubscribeHeaders, type MailMessage } from "../message";
import { type MailProvider, MailSendError, type MailSender } from "./provider";

/** The `send_email` binding (workers-types' `SendEmail`); only its structured `send` is used. */
export type SendEmailBinding = Pick<SendEmail, "send">;

// Errors the Email Service raises for this email itself (a sender or recipient it will not take, an
// invalid message): retrying cannot help. Throttling, quotas and outages are checked first: they pass.
const TEMPORARY = /rate|limit|quota|throttl|timeout|timed out|unavailable|internal|try again|E_(RATE|INTERNAL)/i;
const PERMANENT = /not allowed|not verified|unverified|invalid|suppress|blocked|E_(SENDER|RECIPIENT|VALIDATION|CONTENT|HEADER)/i;

/** Whether a `send_email` error can never succeed for this email (unknown errors are retried). */
export function isPermanentBindingError(message: string): boolean {
  const text = message.slice(0, 500);
  return !TEMPORARY.test(text) && PERMANENT.test(text);
}

/**
 * Sends through Cloudflare's `send_email` binding ([[send_email]] in wrangler.toml; Cloudflare Email
 * Service), with the structured `send({from, to, subject, text, html})` the binding takes: it builds
 * the MIME (multipart/alternative, encoded headers) and DKIM-signs it. Locally, `wrangler dev` writes
 * what would be sent to temporary files and logs their paths. The message id goes in
 * `X-Edgeworks-Mail-Id`, so a delivered email can be traced to its outbox row.
 *
 * @example const provider = cloudflareProvider(env.EMAIL, { email: "no-reply@example.com", name: "Edgeworks" });
 */
export function cloudflareProvider(binding: SendEmailBinding, from: MailSender): MailProvider {
  const sender = from.name ? { email: from.email, name: from.name } : from.email;
  return {
    name: "cloudflare",
    async send(message: MailMessage, signal: AbortSignal) {
      signal.throwIfAborted();
      try {
        const sent = await binding.send({
          from: sender,
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
          ...(message.replyTo ? { replyTo: message.replyTo } : {}),
          headers: { "X-Edgeworks-Mail-Id": message.id, ...listUnsubscribeHeaders(message) },
        });
        return { providerId: sent.messageId };
      } catch (err) {
        const text = err instanceof Error ? err.message : String(err);
        throw new MailSendError(`send_email: ${text}`, isPermanentBindingError(text));
      }
    },
  };
}
