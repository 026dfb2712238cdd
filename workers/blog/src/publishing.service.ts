// What a status change sets in motion: a scheduled article gets its publisher alarm, a schedule that
// is dropped loses it, and an article that becomes published notifies its author's followers.
import type { ArticleStatus } from "./articles.service";
import { publisherFor } from "./do/scheduled-publisher";
import { announcePublished } from "./notifications";

export interface StatusChange {
  articleId: number;
  before: ArticleStatus | null;
  after: ArticleStatus;
  publishAt: number | null;
}

export async function applyStatusChange(env: Env, ctx: { waitUntil(p: Promise<unknown>): void }, change: StatusChange): Promise<void> {
  if (change.after === "scheduled" && change.publishAt !== null) {
    await publisherFor(env, change.articleId).schedule(change.articleId, change.publishAt);
  } else if (change.before === "scheduled") {
    await publisherFor(env, change.articleId).cancel();
  }
  if (change.after === "published" && change.before !== "published") announcePublished(env, ctx, change.articleId);
}
