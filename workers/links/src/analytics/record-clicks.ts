import { eq, inArray, lt, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../deps";
import { clickDimensions, clicksHourly, type Dimension, links, processedClicks } from "../schema";
import type { ClickEvent } from "./click-event";
import { describeAgent } from "./describe-agent";

export const HOUR_MS = 3_600_000;
/** Processed event ids are kept this long: longer than a message can live in the queue with its retries. */
export const DEDUPE_WINDOW_MS = 7 * 24 * HOUR_MS;
/** D1 binds at most 100 parameters per statement. */
const MAX_PARAMS = 100;

const chunk = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

type Counts = { clicks: number; humans: number; bots: number };
const bump = <K>(map: Map<K, Counts>, key: K, bot: boolean) => {
  const c = map.get(key) ?? { clicks: 0, humans: 0, bots: 0 };
  c.clicks++;
  if (bot) c.bots++;
  else c.humans++;
  map.set(key, c);
};

/** The ids among `ids` that were already counted. */
async function alreadyCounted(db: Db, ids: string[]): Promise<Set<string>> {
  const seen = new Set<string>();
  for (const part of chunk(ids, MAX_PARAMS - 1)) {
    const rows = await db.select({ id: processedClicks.eventId }).from(processedClicks).where(inArray(processedClicks.eventId, part)).all();
    for (const r of rows) seen.add(r.id);
  }
  return seen;
}

/**
 * Adds click events to the hourly aggregates in one atomic D1 batch: per link per hour, per
 * dimension value, the link's total, and the event ids as processed. An event id already counted
 * (a redelivered message, a duplicate send) is skipped; if another consumer counts the same id
 * concurrently, the plain insert of the id fails and the whole batch rolls back, to be retried.
 * Returns how many events were newly counted.
 */
export async function recordClicks(db: Db, events: ClickEvent[], now: number): Promise<number> {
  const unique = [...new Map(events.map((e) => [e.id, e])).values()];
  const seen = await alreadyCounted(
    db,
    unique.map((e) => e.id),
  );
  const fresh = unique.filter((e) => !seen.has(e.id));
  if (fresh.length === 0) return 0;

  const hourly = new Map<string, Counts>();
  const dims = new Map<string, Counts>();
  const perLink = new Map<string, number>();
  for (const e of fresh) {
    const hour = Math.floor(e.ts / HOUR_MS) * HOUR_MS;
    const agent = describeAgent(e.ua);
    bump(hourly, JSON.stringify([e.linkId, hour]), agent.bot);
    const values: Record<Dimension, string> = {
      referrer: e.referrerHost ?? "direct",
      country: e.country ?? "unknown",
      city: e.city ?? "unknown",
      device: agent.device,
      browser: agent.browser,
      os: agent.os,
    };
    for (const [dimension, value] of Object.entries(values)) bump(dims, JSON.stringify([e.linkId, hour, dimension, value]), agent.bot);
    perLink.set(e.linkId, (perLink.get(e.linkId) ?? 0) + 1);
  }

  const statements: BatchItem<"sqlite">[] = [];
  for (const part of chunk(fresh, Math.floor(MAX_PARAMS / 2))) {
    statements.push(db.insert(processedClicks).values(part.map((e) => ({ eventId: e.id, processedAt: now }))));
  }
  const hourlyRows = [...hourly].map(([key, c]) => {
    const [linkId, hour] = JSON.parse(key) as [string, number];
    return { linkId, hour, ...c };
  });
  for (const part of chunk(hourlyRows, Math.floor(MAX_PARAMS / 5))) {
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
  const dimRows = [...dims].map(([key, c]) => {
    const [linkId, hour, dimension, value] = JSON.parse(key) as [string, number, Dimension, string];
    return { linkId, hour, dimension, value, clicks: c.clicks, humans: c.humans };
  });
  for (const part of chunk(dimRows, Math.floor(MAX_PARAMS / 6))) {
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
  return fresh.length;
}
