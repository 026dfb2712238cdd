// Email notifications to followers when an article is published: the publishing request only queues
// `{articleId}`; the consumer (src/index.ts `queue`) writes one outbox row per follower, idempotently.
import { log } from "@edgeworks/http";
import { getAccountUsers } from "./accounts";
import { findArticleById } from "./articles.service";
import { followerIds } from "./profiles.service";

export interface PublishedMessage {
  articleId: number;
}

/** Queues the notification after the response (a failed send is logged, never fails the request). */
export function announcePublished(env: Env, ctx: { waitUntil(p: Promise<unknown>): void }, articleId: number): void {
  ctx.waitUntil(
    env.NOTIFICATIONS.send({ articleId } satisfies PublishedMessage).catch((err: unknown) =>
      log(env.LOG_LEVEL, "error", "could not queue publish notification", { articleId, error: String(err) }),
    ),
  );
}

const isMessage = (body: unknown): body is PublishedMessage =>
  typeof body === "object" && body !== null && Number.isSafeInteger((body as PublishedMessage).articleId);

/**
 * Writes the emails for one published article: one row per follower (UNIQUE(article_id, user_id)
 * makes a redelivery write nothing new). A message for a deleted or unpublished article is dropped.
 */
export async function notifyFollowers(env: Env, body: unknown, now: number, origin: string): Promise<number> {
  if (!isMessage(body)) return 0;
  const article = await findArticleById(env.DB, body.articleId);
  // deleted, or back to draft since it was queued
  if (article?.status !== "published") return 0;
  const ids = await followerIds(env.DB, article.authorId);
  const users = await getAccountUsers(env, ids);
  if (users.length === 0) return 0;
  const link = `${origin}/blog/api/articles/${encodeURIComponent(article.slug)}`;
  const subject = `${article.author.username} published: ${article.title}`.slice(0, 300);
  const text = `${article.author.username} published "${article.title}".\n\n${article.description}\n\nRead it: ${link}\n`;
  const results = await env.DB.batch(
    users.map((u) =>
      env.DB.prepare(
        `INSERT INTO outbox (article_id, user_id, to_email, subject, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (article_id, user_id) DO NOTHING`,
      ).bind(article.id, u.id, u.email, subject, text, now),
    ),
  );
  return results.reduce((n, r) => n + (r.meta.changes ?? 0), 0);
}
