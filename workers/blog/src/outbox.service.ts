// The notification emails the queue consumer wrote (src/notifications.ts), read back for the dev page;
// each is also written to the mail outbox (queue_outbox, topic "mail") in the same batch, for the mail service.
import { type MailMessage, mailOutboxInsert } from "@edgeworks/mail";
import { desc } from "drizzle-orm";
import type { BlogDb } from "./db";
import { outbox } from "./schema";

export interface OutboxEmail {
  id: number;
  articleId: number;
  userId: string;
  toEmail: string;
  subject: string;
  body: string;
  createdAt: number;
}

/** A notification email to write: one per (article, follower). */
export type NewOutboxEmail = Omit<OutboxEmail, "id">;

/** A notification email: the blog's own row (the dev outbox page) and, when it can be sent, the email itself. */
export interface OutboxEmailWithMail {
  row: NewOutboxEmail;
  mail?: MailMessage;
}

/**
 * Writes the emails in one batch (all or nothing), one statement each (D1 binds at most 100 values per
 * statement): the blog's row and the mail service's outbox row of each email. UNIQUE(article_id, user_id)
 * and the mail id (one outbox row per id) make a redelivered message write nothing twice. Answers how
 * many blog rows were new.
 *
 * @example const written = await addOutboxEmails(db, users.map((u) => ({ row: { articleId, userId: u.id, ... }, mail })));
 */
export async function addOutboxEmails(db: BlogDb, emails: OutboxEmailWithMail[]): Promise<number> {
  const rows = emails.map((e) =>
    db
      .insert(outbox)
      .values(e.row)
      .onConflictDoNothing({ target: [outbox.articleId, outbox.userId] }),
  );
  const mails = emails.flatMap((e) => (e.mail ? [mailOutboxInsert(db, e.mail, e.row.createdAt)] : []));
  const [first, ...rest] = rows;
  if (!first) return 0;
  const results = await db.batch([first, ...rest, ...mails]);
  return results.slice(0, rows.length).reduce((n, r) => n + (r.meta.changes ?? 0), 0);
}

/**
 * The newest `limit` emails of the outbox, newest first.
 *
 * @example const items = await listOutbox(db, 50);
 */
export async function listOutbox(db: BlogDb, limit: number): Promise<OutboxEmail[]> {
  return db
    .select({
      id: outbox.id,
      articleId: outbox.articleId,
      userId: outbox.userId,
      toEmail: outbox.toEmail,
      subject: outbox.subject,
      body: outbox.body,
      createdAt: outbox.createdAt,
    })
    .from(outbox)
    .orderBy(desc(outbox.id))
    .limit(limit);
}
