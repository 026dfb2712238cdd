import { iso } from "@edgeworks/http";
import { desc, eq, sql } from "drizzle-orm";
import { nanoid } from "nanoid";
import type { Db } from "./deps";
import { type OutboxKind, type OutboxRow, outbox } from "./schema";
import type { OutboxMessage } from "./validation";

/** What an email needs: who, which template, the one-time token and when it expires. */
export interface MailInput {
  kind: OutboxKind;
  to: string;
  token: string;
  expiresAt: number;
  /** Where links point: `PUBLIC_ORIGIN`, or the public origin of the request (see `emailOrigin`). */
  origin: string;
  /** For an email-change notice: the address the account is being moved to. */
  newEmail?: string;
}

// There is no web front end yet: links point at the API route that takes the token, and the text says how to use it.
const TEMPLATES: Record<OutboxKind, { subject: string; path: string; text: (link: string, expires: string, mail: MailInput) => string }> = {
  email_verification: {
    subject: "Verify your email address",
    path: "/auth/v1/email/verify",
    text: (link, expires) =>
      `Confirm that this address is yours: ${link}\n(POST the token to /auth/v1/email/verify.) The link expires at ${expires}.`,
  },
  password_reset: {
    subject: "Reset your password",
    path: "/auth/v1/password/reset",
    text: (link, expires) =>
      `Someone asked to reset the password of this account. To choose a new one: ${link}\n` +
      `(POST the token and a new password to /auth/v1/password/reset.) The link expires at ${expires}. ` +
      "If it was not you, ignore this email.",
  },
  email_change_notice: {
    subject: "Your email address is being changed",
    path: "/auth/v1/email/revert",
    text: (link, expires, mail) =>
      `Someone asked to change the email address of your account from this address to ${mail.newEmail ?? "another address"}.\n` +
      `If it was you, there is nothing to do. If it was not, undo it here: ${link}\n` +
      `(POST the token to /auth/v1/email/revert.) That puts this address back and signs every session and API key out; ` +
      `then reset your password from this address. The link expires at ${expires}.`,
  },
};

/**
 * The insert that queues one email; callers put it in the same batch as the write that caused it,
 * so a message exists exactly when its token does.
 *
 * @example await db.batch([insertUser, queueEmail(db, { kind: "email_verification", to, token, expiresAt, origin }, now)]);
 */
export function queueEmail(db: Db, mail: MailInput, now: number) {
  const template = TEMPLATES[mail.kind];
  const link = `${mail.origin}${template.path}?token=${encodeURIComponent(mail.token)}`;
  const expires = new Date(mail.expiresAt).toISOString();
  return db.insert(outbox).values({
    id: nanoid(),
    kind: mail.kind,
    toEmail: mail.to,
    subject: template.subject,
    body: template.text(link, expires, mail),
    payload: { token: mail.token, link, expiresAt: expires, ...(mail.newEmail === undefined ? {} : { newEmail: mail.newEmail }) },
    createdAt: now,
  });
}

const toMessage = (row: OutboxRow): OutboxMessage => ({
  id: row.id,
  kind: row.kind,
  to: row.toEmail,
  subject: row.subject,
  body: row.body,
  payload: row.payload,
  createdAt: new Date(row.createdAt).toISOString(),
  sentAt: iso(row.sentAt),
});

/** The newest queued messages, optionally only those to one address (dev mode only: they hold live tokens). */
export async function listOutbox(db: Db, filter: { to?: string; limit: number }): Promise<OutboxMessage[]> {
  const where = filter.to === undefined ? undefined : eq(outbox.toEmail, filter.to);
  // rowid breaks ties between messages queued in the same millisecond, in insertion order
  const rows = await db.select().from(outbox).where(where).orderBy(desc(outbox.createdAt), desc(sql`rowid`)).limit(filter.limit);
  return rows.map(toMessage);
}
