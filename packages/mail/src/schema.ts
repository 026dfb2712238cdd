import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Emails the `capture` provider kept instead of sending (dev): listed at `GET /mail/v1/dev/messages`
 * in dev mode only. One row per message id. Lives in the mail Worker's database (migrations/mail).
 *
 * @example export { capturedMail } from "@edgeworks/mail"; // in workers/mail/src/schema.ts
 */
export const capturedMail = sqliteTable(
  "captured_mail",
  {
    id: text("id").primaryKey(),
    kind: text("kind").notNull(),
    fromAddress: text("from_address").notNull(),
    toAddress: text("to_address").notNull(),
    replyTo: text("reply_to"),
    subject: text("subject").notNull(),
    text: text("text").notNull(),
    html: text("html").notNull(),
    capturedAt: integer("captured_at").notNull(),
  },
  (t) => [index("captured_mail_at").on(t.capturedAt)],
);
