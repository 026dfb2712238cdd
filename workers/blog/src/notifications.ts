// Email notifications to followers when an article is published: the publishing request only queues
// `{articleId}`; the consumer (src/index.ts `queue`) writes one outbox row per follower, idempotently.
import { log } from "@edgeworks/http";
import { defineConsumer } from "@edgeworks/queue";
import { z } from "zod";
import { getAccountUsers } from "./accounts";
import { findArticleById } from "./articles.service";
import { blogDb } from "./db";
import { addOutboxEmails } from "./outbox.service";
import { followerIds } from "./profiles.service";

/** The body of a notification message (zod 4's `int()` is a safe integer). */
export const publishedMessage = z.object({ articleId: z.number().int() });
export type PublishedMessage = z.infer<typeof publishedMessage>;

/** Queues the notification after the response (a failed send is logged, never fails the request). */
export function announcePublished(env: Env, ctx: { waitUntil(p: Promise<unknown>): void }, articleId: number): void {
  ctx.waitUntil(
    env.NOTIFICATIONS.send({ articleId } satisfies PublishedMessage).catch((err: unknown) =>
      log(env.LOG_LEVEL, "error", "could not queue publish notification", { articleId, error: String(err) }),
    ),
  );
}

/**
 * Writes the emails for one published article: one row per follower (UNIQUE(article_id, user_id)
 * makes a redelivery write nothing new). A message for a deleted or unpublished article is dropped.
 */
export async function notifyFollowers(env: Env, body: PublishedMessage, now: number, origin: string): Promise<number> {
  const article = await findArticleById(blogDb(env.DB), body.articleId);
  // deleted, or back to draft since it was queued
  if (article?.status !== "published") return 0;
  const ids = await followerIds(blogDb(env.DB), article.authorId);
  const users = await getAccountUsers(env, ids);
  if (users.length === 0) return 0;
  const link = `${origin}/blog/api/articles/${encodeURIComponent(article.slug)}`;
  const subject = `${article.author.username} published: ${article.title}`.slice(0, 300);
  const text = `${article.author.username} published "${article.title}".\n\n${article.description}\n\nRead it: ${link}\n`;
  return addOutboxEmails(
    blogDb(env.DB),
    users.map((u) => ({ articleId: article.id, userId: u.id, toEmail: u.email, subject, body: text, createdAt: now })),
  );
}

/**
 * The Queue consumer: a body that is not `{articleId}` is acked and logged (it can never succeed); a
 * failure (D1, the accounts directory) retries that message alone with backoff, up to max_retries
 * and then the DLQ. No processed-message table: the outbox's UNIQUE(article_id, user_id) already makes
 * a redelivery write nothing new, and a new follower still gets the mail of a re-publish.
 */
export const consumeNotifications = defineConsumer<Env, PublishedMessage>({
  name: "blog-notifications",
  schema: publishedMessage,
  // an accounts outage may last minutes: ceilings 10, 20, 40, 80, 160 s over the 5 retries
  backoff: { baseSeconds: 5, maxSeconds: 300 },
  async handle(body, { env }) {
    await notifyFollowers(env, body, Date.now(), env.PUBLIC_ORIGIN || "http://127.0.0.1:8787");
  },
});
