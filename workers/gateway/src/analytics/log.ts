import { log } from "@edgeworks/http";
import type { ProxyLogRecord } from "../contract";

/** Records wait in this isolate at most this long (ms) before they are sent together. */
const FLUSH_AFTER_MS = 100;
/** A queue batch's limit (messages); a full buffer is sent at once. */
const MAX_BATCH = 100;

/** Plain records of any request of this isolate, by the queue they go to, waiting for its next sendBatch (only data crosses requests). */
const pending = new Map<Queue, ProxyLogRecord[]>();

/**
 * Leaves the record of one proxied request on LOGS_QUEUE, off the request's path. Records are gathered per
 * isolate and sent with one `sendBatch` (≤ 100) at most 100 ms later, from the `waitUntil` of the request
 * that opened the window: one queue call per hundred requests instead of one each (a send per request cost
 * the proxy a large share of its throughput). A throwing binding or rejected send never reaches a caller
 * (a lost log line must never fail or slow the request it describes); the consumer (`logs.queue.ts`)
 * writes each batch into D1.
 *
 * @example
 * logRequest(ctx.env, ctx.exec, ctx.log); // at the end of the proxy pipeline, after the response is built
 */
export function logRequest(env: Env, exec: ExecutionContext, record: ProxyLogRecord): void {
  try {
    const queue = env.LOGS_QUEUE;
    const waiting = pending.get(queue);
    if (waiting === undefined) {
      // this record opens the window: its request's waitUntil sends whatever has gathered by then
      pending.set(queue, [record]);
      exec.waitUntil(new Promise((resolve) => setTimeout(resolve, FLUSH_AFTER_MS)).then(() => flushLogs(env)));
      return;
    }
    waiting.push(record);
    if (waiting.length >= MAX_BATCH) exec.waitUntil(flushLogs(env));
  } catch (err) {
    dropped(env, err);
  }
}

/**
 * Sends every waiting record now (tests call it instead of waiting out the window).
 *
 * @example await flushLogs(env);
 */
export async function flushLogs(env: Env): Promise<void> {
  const queue = env.LOGS_QUEUE;
  const waiting = pending.get(queue);
  if (waiting === undefined) return;
  pending.delete(queue);
  for (let i = 0; i < waiting.length; i += MAX_BATCH) {
    try {
      await queue.sendBatch(waiting.slice(i, i + MAX_BATCH).map((body) => ({ body })));
    } catch (err) {
      dropped(env, err);
    }
  }
}

function dropped(env: Env, err: unknown): void {
  try {
    log(env.LOG_LEVEL, "warn", "gateway log record dropped", { error: err instanceof Error ? err.message : String(err) });
  } catch {
    // logging itself must not throw into the request either
  }
}
