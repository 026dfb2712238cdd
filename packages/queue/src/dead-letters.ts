import { decodeCursor, encodeCursor, invalidCursor, log, toPage } from "@edgeworks/http";
import { and, asc, desc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { backoffDelay } from "./backoff";
import { logLevelOf } from "./deliveries";
import { deadLetters } from "./schema";

/** A dead letter as listed: `body` is the original message body (parsed), `reason` why it is here (null: it failed every retry). */
export interface DeadLetter {
  id: string;
  queue: string;
  body: unknown;
  reason: string | null;
  attempts: number;
  receivedAt: number;
  redriveRequestedAt: number | null;
  redrivenAt: number | null;
}

/** Options of {@link defineDeadLetterConsumer}. */
export interface DeadLetterConsumerOptions<E> {
  /** Names the consumer in logs. */
  name: string;
  /** The D1 database holding `dead_letters` (packages/queue/migrations/0002_dead_letters.sql). */
  db: (env: E) => D1Database;
  /** The original queue of a dead-letter queue (default: the name without its "-dlq" suffix). */
  queueOf?: (dlqName: string) => string;
  /** Epoch ms (tests pin it). */
  now?: () => number;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The original body and the reason of a dead letter. A body parked by a consumer's `deadLetter` (an invalid
 * one: `{ consumer, messageId, issues, body }`, or a refusal: `{ reason, body }`) is unwrapped; anything else
 * reached the DLQ by failing every retry, as it was sent (reason null).
 */
export function unwrapDeadLetter(body: unknown): { body: unknown; reason: string | null } {
  if (!isRecord(body) || !("body" in body)) return { body, reason: null };
  const issues = Array.isArray(body.issues) && body.issues.every((i) => typeof i === "string") ? (body.issues as string[]) : undefined;
  if (typeof body.reason === "string") return { body: body.body, reason: body.reason.slice(0, 1_000) };
  if (issues && typeof body.consumer === "string") return { body: body.body, reason: `invalid: ${issues.join("; ")}`.slice(0, 1_000) };
  return { body, reason: null };
}

/** JSON text of a body (a Queue body may be any structured-cloneable value; `undefined` becomes null). */
const jsonOf = (body: unknown): string => JSON.stringify(body) ?? "null";

/**
 * The consumer of a dead-letter queue: records each message once in `dead_letters` (by its DLQ message id,
 * INSERT … ON CONFLICT DO NOTHING, so a redelivery is not a second row) with its original queue, body and
 * reason, then acks the batch. If D1 fails, the whole batch is retried with backoff (nothing is acked).
 *
 * @example
 * const consumeDlq = defineDeadLetterConsumer<Env>({ name: "orders-dlq", db: (env) => env.DB });
 * export default { fetch: app.fetch, queue: (batch, env) => batch.queue.endsWith("-dlq") ? consumeDlq(batch, env) : consumeEvents(batch, env) };
 */
export function defineDeadLetterConsumer<E>(
  options: DeadLetterConsumerOptions<E>,
): (batch: MessageBatch<unknown>, env: E) => Promise<void> {
  const queueOf = options.queueOf ?? ((dlq: string) => dlq.replace(/-dlq$/, ""));
  return async function consumeDeadLetters(batch, env) {
    if (batch.messages.length === 0) return;
    const db = drizzle(options.db(env));
    const now = options.now?.() ?? Date.now();
    const queue = queueOf(batch.queue);
    const [first, ...rest] = batch.messages.map((m) => {
      const { body, reason } = unwrapDeadLetter(m.body);
      return db
        .insert(deadLetters)
        .values({ id: m.id, queue, body: jsonOf(body), reason, attempts: m.attempts, receivedAt: now })
        .onConflictDoNothing();
    });
    try {
      if (first) await db.batch([first, ...rest]);
    } catch (err) {
      const attempts = Math.max(...batch.messages.map((m) => m.attempts));
      log(logLevelOf(env), "error", "dead letters not recorded", { consumer: options.name, queue: batch.queue, error: String(err) });
      batch.retryAll({ delaySeconds: backoffDelay(attempts) });
      return;
    }
    log(logLevelOf(env), "warn", "dead letters recorded", { consumer: options.name, queue, count: batch.messages.length });
    batch.ackAll();
  };
}

const cursorScope = (queue: string) => `dead_letters:${queue}`;

const toDeadLetter = (row: typeof deadLetters.$inferSelect): DeadLetter => ({ ...row, body: JSON.parse(row.body) as unknown });

/**
 * The dead letters of one queue, newest first, `limit` (1..100, default 20) at a time; redriven ones only with
 * `includeRedriven`. A cursor not made for this queue throws packages/http's `invalidCursor()` (a 422).
 */
export async function listDeadLetters(
  d1: D1Database,
  opts: { queue: string; limit?: number; cursor?: string; includeRedriven?: boolean },
): Promise<{ items: DeadLetter[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(Math.trunc(opts.limit ?? 20), 1), 100);
  const conditions = [eq(deadLetters.queue, opts.queue)];
  if (!opts.includeRedriven) conditions.push(isNull(deadLetters.redrivenAt));
  if (opts.cursor !== undefined) {
    const [receivedAt, id] = decodeCursor(cursorScope(opts.queue), opts.cursor, 2);
    if (typeof receivedAt !== "number" || typeof id !== "string") throw invalidCursor();
    conditions.push(sql`(${deadLetters.receivedAt}, ${deadLetters.id}) < (${receivedAt}, ${id})`);
  }
  const rows = await drizzle(d1)
    .select()
    .from(deadLetters)
    .where(and(...conditions))
    .orderBy(desc(deadLetters.receivedAt), desc(deadLetters.id))
    .limit(limit + 1);
  const page = toPage(rows, limit, (r) => encodeCursor(cursorScope(opts.queue), [r.receivedAt, r.id]));
  return { items: page.items.map(toDeadLetter), nextCursor: page.nextCursor };
}

/** A claim older than this (a redrive that died between claiming and sending) may be taken again. */
export const REDRIVE_CLAIM_MS = 5 * 60_000;
/** Rows claimed per statement (D1 binds at most 100 parameters). */
const CLAIM_CHUNK = 50;

/**
 * Sends dead letters of `queue` back (all not yet redriven, oldest first, up to `limit` (default 100); or just
 * `ids`): each row is first claimed by a conditional UPDATE (`redrive_requested_at`), so two redrives at once
 * never send one letter twice; then `send(bodies)` (e.g. `(b) => env.EVENTS_QUEUE.sendBatch(b.map((body) =>
 * ({ body, contentType: "json" })))`; at most 50 bodies a call), then `redriven_at` is set. If `send` throws,
 * that chunk's claims are released and the error is rethrown. Unknown or already redriven ids are skipped.
 */
export async function redriveDeadLetters(
  d1: D1Database,
  opts: { queue: string; ids?: string[]; send: (bodies: unknown[]) => Promise<void>; now?: () => number; limit?: number },
): Promise<{ redriven: number; ids: string[] }> {
  const db = drizzle(d1);
  const now = opts.now ?? Date.now;
  const done: string[] = [];
  const claimable = (at: number) =>
    and(
      eq(deadLetters.queue, opts.queue),
      isNull(deadLetters.redrivenAt),
      or(isNull(deadLetters.redriveRequestedAt), lt(deadLetters.redriveRequestedAt, at - REDRIVE_CLAIM_MS)),
    );
  const claim = async (ids: string[] | undefined, take: number) => {
    const at = now();
    const target = ids
      ? inArray(deadLetters.id, ids)
      : inArray(
          deadLetters.id,
          db
            .select({ id: deadLetters.id })
            .from(deadLetters)
            .where(claimable(at))
            .orderBy(asc(deadLetters.receivedAt), asc(deadLetters.id))
            .limit(take),
        );
    const rows = await db
      .update(deadLetters)
      .set({ redriveRequestedAt: at })
      .where(and(target, claimable(at)))
      .returning({ id: deadLetters.id, body: deadLetters.body, receivedAt: deadLetters.receivedAt });
    return rows.sort((a, b) => a.receivedAt - b.receivedAt || (a.id < b.id ? -1 : 1));
  };
  const sendClaimed = async (rows: { id: string; body: string }[]) => {
    const ids = rows.map((r) => r.id);
    try {
      await opts.send(rows.map((r) => JSON.parse(r.body) as unknown));
    } catch (err) {
      await db
        .update(deadLetters)
        .set({ redriveRequestedAt: null })
        .where(and(inArray(deadLetters.id, ids), isNull(deadLetters.redrivenAt)));
      throw err;
    }
    await db.update(deadLetters).set({ redrivenAt: now() }).where(inArray(deadLetters.id, ids));
    done.push(...ids);
  };
  if (opts.ids) {
    const unique = [...new Set(opts.ids)];
    for (let i = 0; i < unique.length; i += CLAIM_CHUNK) {
      const rows = await claim(unique.slice(i, i + CLAIM_CHUNK), CLAIM_CHUNK);
      if (rows.length) await sendClaimed(rows);
    }
  } else {
    const limit = Math.max(Math.trunc(opts.limit ?? 100), 0);
    while (done.length < limit) {
      const rows = await claim(undefined, Math.min(CLAIM_CHUNK, limit - done.length));
      if (rows.length === 0) break;
      await sendClaimed(rows);
    }
  }
  return { redriven: done.length, ids: done };
}
