// The notification emails the queue consumer wrote (src/notifications.ts), read back for the dev page.
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

/**
 * Writes the emails in one batch, one statement each (D1 binds at most 100 values per statement);
 * UNIQUE(article_id, user_id) makes a redelivered message write nothing twice. Answers how many were new.
 *
 * @example const written = await addOutboxEmails(db, users.map((u) => ({ articleId, userId: u.id, ... })));
 */
export async function addOutboxEmails(db: BlogDb, emails: NewOutboxEmail[]): Promise<number> {
  const [first, ...rest] = emails.map((e) =>
    db
      .insert(outbox)
      .values(e)
      .onConflictDoNothing({ target: [outbox.articleId, outbox.userId] }),
  );
  if (!first) return 0;
  const results = await db.batch([first, ...rest]);
  return results.reduce((n, r) => n + (r.meta.changes ?? 0), 0);
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
