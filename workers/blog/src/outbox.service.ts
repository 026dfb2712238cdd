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
