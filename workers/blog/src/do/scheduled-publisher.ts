import { DurableObject } from "cloudflare:workers";
import { log } from "@edgeworks/http";
import { publishIfDue } from "../articles.service";
import { blogDb } from "../db";
import { announcePublished } from "../notifications";

/**
 * One per scheduled article (`idFromName(String(articleId))`): its alarm publishes the article at
 * `publishAt`. The publish itself is a conditional UPDATE in D1, so a moved, cancelled or already
 * published schedule makes a stale alarm a no-op.
 */
export class ScheduledPublisher extends DurableObject<Env> {
  /** Sets (or moves) the alarm for this article. */
  async schedule(articleId: number, at: number): Promise<void> {
    await this.ctx.storage.put("articleId", articleId);
    await this.ctx.storage.setAlarm(at);
  }

  /** Removes the alarm (the article went back to draft, was published by hand, or deleted). */
  async cancel(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
  }

  override async alarm(): Promise<void> {
    const articleId = await this.ctx.storage.get<number>("articleId");
    if (articleId === undefined) return;
    const published = await publishIfDue(blogDb(this.env.DB), articleId, Date.now());
    if (published) {
      announcePublished(this.env, this.ctx, articleId);
      log(this.env.LOG_LEVEL, "info", "scheduled article published", { articleId });
    }
  }
}

/** The publisher of an article. */
export const publisherFor = (env: Env, articleId: number) => env.PUBLISHER.get(env.PUBLISHER.idFromName(String(articleId)));
