import { and, asc, eq, inArray, isNull, lt, or } from "drizzle-orm";
import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
import { queueOutbox } from "./schema";
import { sendBatches } from "./send-batches";

/** One message to be sent once the change that causes it is committed. */
export interface OutboxMessage {
  /** Which Queue it goes to: `drainOutbox` sends one topic to one Queue. */
  topic: string;
  /** JSON-serialisable; put a key in it if consumers dedupe (`idempotency.key`). */
  body: unknown;
  /** The row id (default a random UUID). */
  id?: string;
}

const rowOf = (m: OutboxMessage, now: number) => ({
  id: m.id ?? crypto.randomUUID(),
  topic: m.topic,
  body: JSON.stringify(m.body),
  createdAt: now,
});

/**
 * The outbox insert to put in the same `db.batch` as the change that causes the message, so both
 * commit or neither does (a send in `waitUntil` after the commit can be lost; this cannot).
 *
 * @example
 * await db.batch([
 *   db.update(articles).set({ status: "published" }).where(eq(articles.id, id)),
 *   outboxInsert(db, { topic: "published", body: { articleId: id } }),
 * ]);
 * ctx.waitUntil(drainOutbox({ db: env.DB, topic: "published", queue: env.NOTIFICATIONS }));
 */
export function outboxInsert<S extends Record<string, unknown>>(db: DrizzleD1Database<S>, message: OutboxMessage, now = Date.now()) {
  return db.insert(queueOutbox).values(rowOf(message, now));
}

/**
 * The same insert as a raw D1 statement, for a `D1Database.batch` of prepared statements.
 *
 * @example await env.DB.batch([changeStatement, outboxStatement(env.DB, { topic: "published", body })]);
 */
export function outboxStatement(d1: D1Database, message: OutboxMessage, now = Date.now()): D1PreparedStatement {
  const row = rowOf(message, now);
  return d1
    .prepare("INSERT INTO queue_outbox (id, topic, body, created_at) VALUES (?, ?, ?, ?)")
    .bind(row.id, row.topic, row.body, row.createdAt);
}

/** Ids per "mark sent" statement: D1 binds at most 100 parameters, and the statement has two more. */
const MARK_SLICE = 90;

export interface DrainOptions {
  /** The D1 database holding `queue_outbox`. */
  db: D1Database;
  topic: string;
  queue: Queue;
  /** Rows claimed per round (default 100, a `sendBatch`'s limit). */
  limit?: number;
  /** Rounds per call (default 10), so one drain stays short; the next drain continues. */
  maxRounds?: number;
  /** A claim expires after this long (default 60 s): a drain that died mid-send is retried by the next. */
  leaseMs?: number;
  /** Sent rows are kept this long, then deleted (default 1 day). */
  retentionMs?: number;
  /** Epoch ms (tests pin it). */
  now?: () => number;
}

/**
 * Sends pending outbox rows of `topic` to `queue` and marks them sent. Call it from `waitUntil` after
 * the write, from a cron, or from a Durable Object alarm. Safe when drains overlap: each round claims
 * its rows in one conditional UPDATE (SQLite runs it atomically), so two drains never send the same
 * row. Delivery is at least once: a drain that dies after sending but before marking leaves its claim
 * to expire, and the rows are sent again, so consumers dedupe (see `idempotency`). Returns the number
 * of rows sent; a failed send releases the unsent rows and throws.
 *
 * @example ctx.waitUntil(drainOutbox({ db: env.DB, topic: "published", queue: env.NOTIFICATIONS }).catch((e) => log(…)));
 */
export async function drainOutbox(options: DrainOptions): Promise<number> {
  const db = drizzle(options.db);
  const now = options.now ?? Date.now;
  const limit = Math.min(options.limit ?? 100, 100);
  const claimable = () =>
    and(
      eq(queueOutbox.topic, options.topic),
      isNull(queueOutbox.sentAt),
      or(isNull(queueOutbox.claimedUntil), lt(queueOutbox.claimedUntil, now())),
    );
  let sent = 0;
  for (let round = 0; round < (options.maxRounds ?? 10); round++) {
    const claim = crypto.randomUUID();
    const pending = db.select({ id: queueOutbox.id }).from(queueOutbox).where(claimable()).orderBy(asc(queueOutbox.createdAt)).limit(limit);
    const rows = await db
      .update(queueOutbox)
      .set({ claimedBy: claim, claimedUntil: now() + (options.leaseMs ?? 60_000) })
      .where(and(inArray(queueOutbox.id, pending), claimable()))
      .returning({ id: queueOutbox.id, body: queueOutbox.body, createdAt: queueOutbox.createdAt });
    if (rows.length === 0) break;
    rows.sort((a, b) => a.createdAt - b.createdAt);
    try {
      await sendBatches(options.queue, rows, async (ids) => {
        // D1 binds at most 100 parameters per statement: the ids go in slices, all in one batch
        const marks = [];
        for (let i = 0; i < ids.length; i += MARK_SLICE) {
          marks.push(
            db
              .update(queueOutbox)
              .set({ sentAt: now() })
              .where(and(eq(queueOutbox.claimedBy, claim), inArray(queueOutbox.id, ids.slice(i, i + MARK_SLICE)))),
          );
        }
        const [first, ...rest] = marks;
        if (first) await db.batch([first, ...rest]);
        sent += ids.length;
      });
    } catch (err) {
      // whatever was not sent is released at once rather than waiting for the lease
      await db
        .update(queueOutbox)
        .set({ claimedBy: null, claimedUntil: null })
        .where(and(eq(queueOutbox.claimedBy, claim), isNull(queueOutbox.sentAt)));
      throw err;
    }
    if (rows.length < limit) break;
  }
  await db
    .delete(queueOutbox)
    .where(and(eq(queueOutbox.topic, options.topic), lt(queueOutbox.sentAt, now() - (options.retentionMs ?? 86_400_000))));
  return sent;
}
