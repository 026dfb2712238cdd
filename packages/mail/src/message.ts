import { z } from "zod";

/** The outbox topic (and the consumer's name) of mail; `drainMail` sends it to the `MAIL_QUEUE` binding. */
export const MAIL_TOPIC = "mail";

/** Queues refuse a message over 128 KB; a mail body (JSON) stays under this many UTF-8 bytes. */
export const MAX_MAIL_BYTES = 120_000;

// Each pattern is one character class with one quantifier (linear), and runs only after the length
// check passed: zod runs `.regex()` even when `.max()` already failed, so the length is checked here.
const ADDRESS = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+$/;
const ID = /^[A-Za-z0-9._:@/-]+$/;
const KIND = /^[a-z][a-z0-9-]*$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters (header injection) is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

const isUrl = (s: string): boolean => {
  try {
    new URL(s);
    return true;
  } catch {
    return false;
  }
};

const bounded = (max: number, test: (s: string) => boolean, message: string) =>
  z.string().refine((s) => s.length > 0 && s.length <= max && test(s), { message, abort: true });

/** One mailbox, `local@domain` (no display name, no spaces or line breaks), at most 254 characters. */
export const mailAddress = bounded(254, (s) => ADDRESS.test(s), "must be one address, local@domain");

/**
 * One email, as products write it to their outbox and the mail Worker sends it. `id` is the
 * idempotency key: the mail Worker sends one email per id (redeliveries, retries and a product
 * writing the same id twice all send once), and the HTTP provider gets it as `Idempotency-Key`.
 * Make it name the event exactly once, e.g. `blog-follower/<articleId>/<userId>`.
 */
export const mailMessage = z
  .strictObject({
    id: bounded(200, (s) => ID.test(s), "1-200 characters of A-Z a-z 0-9 . _ : @ / -"),
    to: mailAddress,
    subject: bounded(300, (s) => !CONTROL.test(s), "1-300 characters, no line breaks or control characters"),
    text: z.string().min(1).max(50_000),
    html: z.string().min(1).max(100_000),
    replyTo: mailAddress.optional(),
    /**
     * The link that unsubscribes the recipient from this kind of email without logging in: sent as
     * `List-Unsubscribe` with `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058), so mail
     * clients show their own unsubscribe button. The endpoint must accept a POST that turns it off.
     */
    unsubscribeUrl: bounded(
      1000,
      (s) => (s.startsWith("https://") || s.startsWith("http://")) && isUrl(s) && !CONTROL.test(s),
      "an absolute http(s) URL of at most 1000 characters",
    ).optional(),
    /** What the email is (`verify-email`, `password-reset`, `blog-follower`…): logs, provider tags, the capture list. */
    kind: bounded(40, (s) => KIND.test(s), "lower-case kebab-case, at most 40 characters"),
  })
  .refine((m) => new TextEncoder().encode(JSON.stringify(m)).length <= MAX_MAIL_BYTES, {
    message: `the email is over ${MAX_MAIL_BYTES} bytes`,
  });

/**
 * The RFC 8058 one-click unsubscribe headers of an email (none without `unsubscribeUrl`).
 *
 * @example listUnsubscribeHeaders({ unsubscribeUrl: "https://x.example/u?token=t" }) // { "List-Unsubscribe": "<https://x.example/u?token=t>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" }
 */
export function listUnsubscribeHeaders(message: { unsubscribeUrl?: string | undefined }): Record<string, string> {
  if (!message.unsubscribeUrl) return {};
  return { "List-Unsubscribe": `<${message.unsubscribeUrl}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" };
}

/** One email to send (see `mailMessage`). */
export type MailMessage = z.infer<typeof mailMessage>;
