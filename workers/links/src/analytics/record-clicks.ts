import { eq, inArray, lt, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../deps";
import { clickDimensions, clicksHourly, links, processedClicks } from "../schema";
import { aggregateClicks, HOUR_MS } from "./aggregate-clicks";
import { type ClickMessage, countOf } from "./click-event";

/** Processed message keys are kept this long: longer than a message can live in the queue with its retries. */
export const DEDUPE_WINDOW_MS = 7 * 24 * HOUR_MS;
/** D1 binds at most 100 parameters per statement. */
const MAX_PARAMS = 100;

const chunk = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/** The keys among `ids` that were already counted. */
async function alreadyCounted(db: Db, ids: string[]): Promise<Set<string>> {
  const seen = new Set<string>();
  for (const part of chunk(ids, MAX_PARAMS - 1)) {
    const rows = await db.select({ id: processedClicks.eventId }).from(processedClicks).where(inArray(processedClicks.eventId, part)).all();
    for (const r of rows) seen.add(r.id);
  }
  return seen;
}

/**
 * Adds the clicks of messages to the hourly aggregates in one atomic D1 batch: per link per hour, per
 * dimension value, the link's total, and the message keys as processed. A key already counted (a
 * redelivered message, a duplicate send) is skipped; if another consumer counts the same key
 * concurrently, the plain insert of the key fails and the whole batch rolls back, to be retried.
 * Returns how many clicks were newly counted.
 */
export async function recordClicks(db: Db, messages: ClickMessage[], now: number): Promise<number> {
  const unique = [...new Map(messages.map((m) => [m.key, m])).values()];
  const seen = await alreadyCounted(
    db,
    unique.map((m) => m.key),
  );
  const freshMessages = unique.filter((m) => !seen.has(m.key));
  const fresh = freshMessages.flatMap((m) => m.events);
  if (fresh.length === 0) return 0;

  const { hourly, dimensions, perLink } = await aggregateClicks(fresh);

  const statements: BatchItem<"sqlite">[] = [];
  for (const part of chunk(freshMessages, Math.floor(MAX_PARAMS / 2))) {
    statements.push(db.insert(processedClicks).values(part.map((m) => ({ eventId: m.key, processedAt: now }))));
  }
  for (const part of chunk(hourly, Math.floor(MAX_PARAMS / 5))) {
    statements.push(
      db
        .insert(clicksHourly)
        .values(part)
        .onConflictDoUpdate({
          target: [clicksHourly.linkId, clicksHourly.hour],
          set: { clicks: sql`clicks + excluded.clicks`, humans: sql`humans + excluded.humans`, bots: sql`bots + excluded.bots` },
        }),
    );
  }
  for (const part of chunk(dimensions, Math.floor(MAX_PARAMS / 6))) {
    statements.push(
      db
        .insert(clickDimensions)
        .values(part)
        .onConflictDoUpdate({
          target: [clickDimensions.linkId, clickDimensions.dimension, clickDimensions.hour, clickDimensions.value],
          set: { clicks: sql`clicks + excluded.clicks`, humans: sql`humans + excluded.humans` },
        }),
    );
  }
  for (const [linkId, n] of perLink) {
    statements.push(
      db
        .update(links)
        .set({ clicks: sql`${links.clicks} + ${n}` })
        .where(eq(links.id, linkId)),
    );
  }
  statements.push(db.delete(processedClicks).where(lt(processedClicks.processedAt, now - DEDUPE_WINDOW_MS)));
  await db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  return fresh.reduce((n, e) => n + countOf(e), 0);
}
