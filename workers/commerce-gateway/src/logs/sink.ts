// The log sink: every commerce service's structured log entries (contracts `logEntry`) arrive on
// `edgeworks-commerce-logs` and are stored in D1 `logs`, one row per queue message id (a redelivery is
// stored once). An entry that is not a logEntry is parked on the DLQ with the reason, never retried.
import { type LogEntry, logEntry } from "@edgeworks/commerce-contracts";
import { defineBatchConsumer } from "@edgeworks/queue";
import { lt } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { logs } from "../schema";

/** What `fields` may take in the sink, as JSON; larger is replaced by a note with the original size. */
export const MAX_FIELDS_BYTES = 4096;

/** `fields` as stored: JSON of at most 4 KB (a larger object becomes `{ truncated: true, bytes }`). */
export function storedFields(fields: Record<string, unknown>): string {
  const json = JSON.stringify(fields);
  const bytes = new TextEncoder().encode(json).byteLength;
  return bytes <= MAX_FIELDS_BYTES ? json : JSON.stringify({ truncated: true, bytes });
}

export const consumeLogs = defineBatchConsumer<Env, LogEntry>({
  name: "commerce-logs",
  schema: logEntry,
  backoff: { baseSeconds: 2, maxSeconds: 120 },
  deadLetter: (env) => env.LOGS_DLQ,
  handleBatch: async (entries, { env, messages }) => {
    const db = drizzle(env.DB);
    const now = Date.now();
    const rows = entries.map((e, i) => ({
      id: messages[i]?.id ?? crypto.randomUUID(),
      time: Date.parse(e.time),
      level: e.level,
      service: e.service,
      msg: e.msg,
      requestId: e.requestId,
      correlationId: e.correlationId,
      fields: storedFields(e.fields),
      receivedAt: now,
    }));
    // D1 takes 100 bound parameters per statement: 9 columns → 11 rows per insert, all in one batch
    const statements = [];
    for (let i = 0; i < rows.length; i += 11)
      statements.push(
        db
          .insert(logs)
          .values(rows.slice(i, i + 11))
          .onConflictDoNothing(),
      );
    const [first, ...rest] = statements;
    if (first) await db.batch([first, ...rest]);
  },
});

/** Deletes entries older than `days` (the daily cron); returns how many went. */
export async function pruneLogs(d1: D1Database, days: number, now = Date.now()): Promise<number> {
  const cutoff = now - days * 86_400_000;
  const deleted = await drizzle(d1).delete(logs).where(lt(logs.time, cutoff)).returning({ id: logs.id });
  return deleted.length;
}

export const retentionDays = (env: { LOG_RETENTION_DAYS?: string }): number => {
  const n = Number(env.LOG_RETENTION_DAYS);
  return Number.isInteger(n) && n > 0 ? n : 7;
};
