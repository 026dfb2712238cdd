import { log } from "@edgeworks/http";
import type { ProxyLogRecord } from "../contract";

/**
 * Leaves the record of one proxied request on LOGS_QUEUE, off the request's path: the send runs in
 * `exec.waitUntil`, and neither a throwing binding nor a rejected send ever reaches the caller (a lost log
 * line must never fail or slow the request it describes). The consumer (`logs.queue.ts`) batches it into D1.
 *
 * @example
 * logRequest(ctx.env, ctx.exec, ctx.log); // at the end of the proxy pipeline, after the response is built
 */
export function logRequest(env: Env, exec: ExecutionContext, record: ProxyLogRecord): void {
  try {
    const sent = env.LOGS_QUEUE.send(record).catch((err: unknown) => dropped(env, err));
    exec.waitUntil(sent);
  } catch (err) {
    // a synchronous throw (no binding, unserialisable record) is dropped the same way
    dropped(env, err);
  }
}

function dropped(env: Env, err: unknown): void {
  try {
    log(env.LOG_LEVEL, "warn", "gateway log record dropped", { error: err instanceof Error ? err.message : String(err) });
  } catch {
    // logging itself must not throw into the request either
  }
}
