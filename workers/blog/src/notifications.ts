// Email notifications to followers when an article is published: the publishing request only queues
// `{articleId}`; the consumer (src/index.ts `queue`) writes one outbox row per follower, idempotently,
// with the email itself in the mail outbox (same batch), and drains that to the mail service's queue.
import { log } from "@edgeworks/http";
import { drainMail, type MailMessage, mailLink, mailMessage, oneLine, publicOrigin, renderMail } from "@edgeworks/mail";
import { defineConsumer } from "@edgeworks/queue";
import { z } from "zod";
import { type AccountUser, getAccountUsers } from "./accounts";
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

type PublishedArticle = NonNullable<Awaited<ReturnType<typeof findArticleById>>>;

/**
 * The follower email of one article: text and HTML (escaped) from the house layout, `url` on
 * PUBLIC_ORIGIN. Its id names the event once (`blog-follower/<article>/<user>`), so the mail
 * service sends it once however often it is written or queued. Undefined when the address is not
 * verified or cannot be mailed (the blog's row is still written: the record of the notification).
 */
function followerMail(article: PublishedArticle, user: AccountUser, url: string, subject: string): MailMessage | undefined {
  // anyone can register with someone else's address: mail only addresses their owners proved
  if (!user.emailVerified) return undefined;
  const parts = renderMail({
    heading: `${article.author.username} published “${article.title}”`,
    paragraphs: article.description ? [article.description] : [],
    action: { label: "Read it", url },
    footer: `You get this email because you follow ${article.author.username} on the Edgeworks blog.`,
  });
  const parsed = mailMessage.safeParse({
    id: `blog-follower/${article.id}/${user.id}`,
    to: user.email,
    subject,
    kind: "blog-follower",
    ...parts,
  });
  return parsed.success ? parsed.data : undefined;
}

/**
 * Writes the emails for one published article: one row per follower (UNIQUE(article_id, user_id)
 * makes a redelivery write nothing new) and, in the same batch, each email in the mail outbox; then
 * drains the mail outbox to the mail service's queue. A message for a deleted or unpublished article
 * is dropped. Throws (so the message is retried) when the mail queue refuses: what was written stays,
 * and the retry sends it.
 */
export async function notifyFollowers(env: Env, body: PublishedMessage, now: number): Promise<number> {
  const db = blogDb(env.DB);
  const article = await findArticleById(db, body.articleId);
  // deleted, or back to draft since it was queued
  if (article?.status !== "published") return 0;
  const ids = await followerIds(db, article.authorId);
  const users = await getAccountUsers(env, ids);
  if (users.length === 0) return 0;
  // links go to the public front door, never to the origin a request came to (PUBLIC_ORIGIN; unset
  // outside dev mode, this throws and the message is retried rather than mailing dead links)
  const link = mailLink(publicOrigin(env), `/blog/api/articles/${encodeURIComponent(article.slug)}`);
  const subject = oneLine(`${article.author.username} published: ${article.title}`).slice(0, 300);
  const text = `${article.author.username} published "${article.title}".\n\n${article.description}\n\nRead it: ${link}\n`;
  const written = await addOutboxEmails(
    db,
    users.map((u) => ({
      row: { articleId: article.id, userId: u.id, toEmail: u.email, subject, body: text, createdAt: now },
      mail: followerMail(article, u, link, subject),
    })),
  );
  await drainMail(env);
  return written;
}

/**
 * The Queue consumer: a body that is not `{articleId}` is acked and logged (it can never succeed); a
 * failure (D1, the accounts directory, the mail queue, PUBLIC_ORIGIN unset) retries that message
 * alone with backoff, up to max_retries and then the DLQ. No processed-message table: the outbox's
 * UNIQUE(article_id, user_id) and the mail ids already make a redelivery write and send nothing new,
 * and a new follower still gets the mail of a re-publish.
 */
export const consumeNotifications = defineConsumer<Env, PublishedMessage>({
  name: "blog-notifications",
  schema: publishedMessage,
  // an accounts outage may last minutes: ceilings 10, 20, 40, 80, 160 s over the 5 retries
  backoff: { baseSeconds: 5, maxSeconds: 300 },
  async handle(body, { env }) {
    await notifyFollowers(env, body, Date.now());
  },
});
