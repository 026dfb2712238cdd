import { drizzle } from "drizzle-orm/d1";
import type { MailMessage } from "../message";
import { capturedMail } from "../schema";
import { formatSender, type MailProvider, type MailSender } from "./provider";

/**
 * Keeps every email (text and HTML) in the mail Worker's `captured_mail` table instead of sending it:
 * `pnpm dev` works offline, and `GET /mail/v1/dev/messages` (dev mode only) lists what would have gone
 * out. The same id twice is kept once.
 *
 * @example const provider = captureProvider(env.DB, { email: "no-reply@localhost" });
 */
export function captureProvider(d1: D1Database, from: MailSender, now: () => number = Date.now): MailProvider {
  const db = drizzle(d1);
  return {
    name: "capture",
    async send(message: MailMessage) {
      await db
        .insert(capturedMail)
        .values({
          id: message.id,
          kind: message.kind,
          fromAddress: formatSender(from),
          toAddress: message.to,
          replyTo: message.replyTo ?? null,
          subject: message.subject,
          text: message.text,
          html: message.html,
          capturedAt: now(),
        })
        .onConflictDoNothing();
      return { providerId: `capture:${message.id}` };
    },
  };
}
