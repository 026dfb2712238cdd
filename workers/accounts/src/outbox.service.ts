import { iso } from "@edgeworks/http";
import { type MailLayout, mailLink, mailOutboxInsert, renderMail } from "@edgeworks/mail";
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

interface Template {
  subject: string;
  /** The path of the link: a GET shows a page whose button does the action (routes/email-links.ts). */
  path: string;
  /** The mail service's kind tag. */
  mailKind: string;
  /** The plain text of the dev outbox row. */
  text: (link: string, expires: string, mail: MailInput) => string;
  /** The mail service's layout (text + HTML parts). */
  layout: (link: string, expires: string, mail: MailInput) => MailLayout;
}

const TEMPLATES: Record<OutboxKind, Template> = {
  email_verification: {
    subject: "Verify your email address",
    path: "/auth/v1/email/verify",
    mailKind: "verify-email",
    text: (link, expires) =>
      `Confirm that this address is yours: open this link and press the button.\n${link}\nThe link expires at ${expires}.`,
    layout: (link, expires) => ({
      heading: "Verify your email address",
      paragraphs: ["Confirm that this address is yours: open the link and press the button.", `The link expires at ${expires}.`],
      action: { label: "Verify this address", url: link },
      footer: "If you did not ask for an Edgeworks account, ignore this email.",
    }),
  },
  password_reset: {
    subject: "Reset your password",
    path: "/auth/v1/password/reset",
    mailKind: "password-reset",
    text: (link, expires) =>
      `Someone asked to reset the password of this account. To choose a new one, open this link:\n${link}\n` +
      `The link expires at ${expires}. ` +
      "If it was not you, ignore this email.",
    layout: (link, expires) => ({
      heading: "Reset your password",
      paragraphs: [
        "Someone asked to reset the password of your Edgeworks account.",
        `Open the link to choose a new one. It expires at ${expires}.`,
      ],
      action: { label: "Choose a new password", url: link },
      footer: "If it was not you, ignore this email.",
    }),
  },
  email_change_notice: {
    subject: "Your email address is being changed",
    path: "/auth/v1/email/revert",
    mailKind: "email-changed",
    text: (link, expires, mail) =>
      `Someone asked to change the email address of your account from this address to ${mail.newEmail ?? "another address"}.\n` +
      `If it was you, there is nothing to do. If it was not, open this link to undo it:\n${link}\n` +
      "That puts this address back and signs every session and API key out; a link to choose a new password then comes to this address. " +
      `The link expires at ${expires}.`,
    layout: (link, expires, mail) => ({
      heading: "Your email address is being changed",
      paragraphs: [
        `Someone asked to change the email address of your Edgeworks account from this address to ${mail.newEmail ?? "another address"}.`,
        "If it was you, there is nothing to do. If it was not, open the link to undo it: that puts this address back and signs every session and API key out; a link to choose a new password then comes to this address.",
        `The link expires at ${expires}.`,
      ],
      action: { label: "This was not me: undo it", url: link },
    }),
  },
};

/**
 * The inserts that queue one email, for the same batch as the write that caused it, so a message
 * exists exactly when its token does: the row of the dev outbox (`GET /auth/v1/dev/outbox`) and the
 * mail service's outbox row (text + HTML, drained to the edgeworks-mail queue; then call `deps.sendMail()`).
 *
 * @example await db.batch([insertUser, ...queueEmail(db, { kind: "email_verification", to, token, expiresAt, origin }, now)]);
 */
export function queueEmail(db: Db, mail: MailInput, now: number) {
  const template = TEMPLATES[mail.kind];
  const link = mailLink(mail.origin, template.path, { token: mail.token });
  const expires = new Date(mail.expiresAt).toISOString();
  const id = nanoid();
  return [
    db.insert(outbox).values({
      id,
      kind: mail.kind,
      toEmail: mail.to,
      subject: template.subject,
      body: template.text(link, expires, mail),
      payload: { token: mail.token, link, expiresAt: expires, ...(mail.newEmail === undefined ? {} : { newEmail: mail.newEmail }) },
      createdAt: now,
    }),
    mailOutboxInsert(
      db,
      {
        id: `accounts/${id}`,
        to: mail.to,
        subject: template.subject,
        kind: template.mailKind,
        ...renderMail(template.layout(link, expires, mail)),
      },
      now,
    ),
  ] as const;
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
