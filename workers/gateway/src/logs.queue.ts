import { defineBatchConsumer } from "@edgeworks/queue";
import { drizzle } from "drizzle-orm/d1";
import { addToTotals, batchJson, insertLogs } from "./analytics/ingest";
import { type LogRecord, proxyLogRecord } from "./analytics/record";
import { pruneLogs } from "./analytics/retention";

/** Options of {@link createLogsConsumer}; tests pin the clock. */
export interface LogsConsumerOptions {
  /** Epoch ms, for retention. */
  now?: () => number;
}

/**
 * The consumer of edgeworks-gateway-logs (ProxyLogRecords sent by analytics/log.ts): each batch is one D1
 * batch (one transaction) of three statements — running totals, raw rows, retention — whatever its size.
 * Rows are keyed by the Queue message id, so a redelivered batch is counted once. An invalid body goes to
 * LOGS_QUEUE_DLQ with the reason and is never retried; if the batch fails, each message is tried alone and
 * only the failing ones are retried (defineBatchConsumer).
 *
 * @example export default { queue: createLogsConsumer({ now: () => fixedNow }) };
 */
export function createLogsConsumer(options: LogsConsumerOptions = {}) {
  const now = options.now ?? Date.now;
  return defineBatchConsumer<Env, LogRecord>({
    name: "gateway-logs",
    schema: proxyLogRecord,
    backoff: { baseSeconds: 2, maxSeconds: 300 },
    deadLetter: (env) => env.LOGS_QUEUE_DLQ,
    handleBatch: async (records, { env, messages }) => {
      const db = drizzle(env.DB);
      const json = batchJson(records.map((record, i) => ({ id: messages[i]?.id ?? crypto.randomUUID(), record })));
      await db.batch([addToTotals(db, json), insertLogs(db, json), pruneLogs(db, now())]);
    },
  });
}

/** The Worker's `queue` handler. */
export const consumeLogs = createLogsConsumer();
