import { randomToken, sha256Hex } from "@edgeworks/auth";
import { notFound } from "@edgeworks/http";
import { eq } from "drizzle-orm";
import { type BoardsDb, listFeedBoardIds } from "../board-index";
import { calendarFeeds } from "../schema";

// One iCalendar feed per user. The URL's secret is the credential (calendar apps send no headers);
// only its SHA-256 is stored, and looked up, so comparing it leaks nothing by timing.

/** Boards per feed: a feed reads every board of the user, so it is bounded. */
export const MAX_FEED_BOARDS = 100;

/**
 * Creates the user's feed, or regenerates it (the old secret stops working). Answers the secret,
 * shown once.
 *
 * @example const { secret, createdAt } = await createFeed({ db, now: Date.now }, userId);
 */
export async function createFeed(
  deps: { db: BoardsDb; now: () => number },
  userId: string,
): Promise<{ secret: string; createdAt: number }> {
  const secret = randomToken(32);
  const createdAt = deps.now();
  const secretHash = await sha256Hex(secret);
  await deps.db
    .insert(calendarFeeds)
    .values({ userId, secretHash, createdAt })
    .onConflictDoUpdate({ target: calendarFeeds.userId, set: { secretHash, createdAt } });
  return { secret, createdAt };
}

/** Revokes the user's feed; 404 when there is none. */
export async function revokeFeed(db: BoardsDb, userId: string): Promise<void> {
  const res = await db.delete(calendarFeeds).where(eq(calendarFeeds.userId, userId));
  if (res.meta.changes === 0) throw notFound("Calendar feed");
}

/** The owner of the feed with this secret and the boards it shows; unknown or revoked is 404. */
export async function feedBoards(db: BoardsDb, secret: string): Promise<{ userId: string; boardIds: string[] }> {
  const feed = await db
    .select({ userId: calendarFeeds.userId })
    .from(calendarFeeds)
    .where(eq(calendarFeeds.secretHash, await sha256Hex(secret)))
    .get();
  if (!feed) throw notFound("Calendar feed");
  return { userId: feed.userId, boardIds: await listFeedBoardIds(db, feed.userId, MAX_FEED_BOARDS) };
}
