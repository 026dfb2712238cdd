import { and, eq, inArray, lt } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { processedMessages } from "./schema";

/** D1 binds at most 100 parameters per statement. */
const MAX_PARAMS = 100;
/** Keys are kept this long by default: longer than a message lives in a Queue with its retries. */
export const DEFAULT_RETENTION_MS = 7 * 24 * 3_600_000;

const chunk = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/**
 * The keys among `keys` that `consumer` has already handled.
 *
 * @example const done = await processedKeys(env.DB, "chat-notify", ["m1", "m2"]); // Set {"m1"}
 */
export async function processedKeys(d1: D1Database, consumer: string, keys: string[]): Promise<Set<string>> {
  const db = drizzle(d1);
  const seen = new Set<string>();
  for (const part of chunk([...new Set(keys)], MAX_PARAMS - 1)) {
    const rows = await db
      .select({ key: processedMessages.messageKey })
      .from(processedMessages)
      .where(and(eq(processedMessages.consumer, consumer), inArray(processedMessages.messageKey, part)))
      .all();
    for (const r of rows) seen.add(r.key);
  }
  return seen;
}

/**
 * Records keys as handled by `consumer` (a key recorded twice stays one row), and drops this
 * consumer's keys older than `retentionMs`, in one D1 batch.
 *
 * @example await markProcessed(env.DB, "chat-notify", ["m1"], Date.now());
 */
export async function markProcessed(
  d1: D1Database,
  consumer: string,
  keys: string[],
  now: number,
  retentionMs = DEFAULT_RETENTION_MS,
): Promise<void> {
  if (keys.length === 0) return;
  const db = drizzle(d1);
  const inserts = chunk([...new Set(keys)], Math.floor(MAX_PARAMS / 3)).map((part) =>
    db
      .insert(processedMessages)
      .values(part.map((messageKey) => ({ consumer, messageKey, processedAt: now })))
      .onConflictDoNothing(),
  );
  const prune = db
    .delete(processedMessages)
    .where(and(eq(processedMessages.consumer, consumer), lt(processedMessages.processedAt, now - retentionMs)));
  await db.batch([prune, ...inserts]);
}
