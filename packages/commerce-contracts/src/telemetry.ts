// Structured logs of the commerce services: one JSON line per entry with `service`, `requestId` and
// `correlationId`, written to the console (Workers Logs / Logpush in production) and, when the Worker
// has a `LOGS` queue producer, shipped to the log sink (the gateway's D1 in dev) for
// `GET /commerce/v1/admin/logs?correlationId=`.
import { log } from "@edgeworks/http";
import { z } from "zod";
import { SERVICES, type ServiceName } from "./events";

/** The request id header every hop forwards (the front door sets it, the gateway keeps it). */
export const REQUEST_ID_HEADER = "X-Request-Id";
/** The saga (order) id a request belongs to, when known; forwarded by the gateway. */
export const CORRELATION_ID_HEADER = "X-Correlation-Id";

/** One log entry as it travels to the sink. */
export const logEntry = z.object({
  time: z.iso.datetime(),
  level: z.enum(["debug", "info", "warn", "error"]),
  service: z.enum(SERVICES),
  msg: z.string().max(500),
  requestId: z.string().max(200).nullable(),
  correlationId: z.string().max(200).nullable(),
  /** Anything else, kept small (the sink cuts it to 4 KB). */
  fields: z.record(z.string(), z.unknown()),
});
export type LogEntry = z.infer<typeof logEntry>;

/** The bindings a service logger reads. */
export interface TelemetryEnv {
  LOG_LEVEL?: string;
  /** Producer binding to `edgeworks-commerce-logs` (the sink); without it logs go to the console only. */
  LOGS?: Queue;
}

/** A logger bound to one service and one request or message; `flush()` ships what was logged. */
export interface ServiceLogger {
  readonly service: ServiceName;
  readonly requestId: string | null;
  readonly correlationId: string | null;
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** The same sink and request with another correlation id (one order of a batch). */
  with(ids: { correlationId?: string | null; requestId?: string | null }): ServiceLogger;
  /** Sends the buffered entries to the sink (never throws; call it in `waitUntil` or at the end of a batch). */
  flush(): Promise<void>;
}

/**
 * A logger for one request or queue message.
 *
 * @example const logger = serviceLogger(env, "orders", { requestId, correlationId: orderId }); logger.info("order placed", { amount }); ctx.waitUntil(logger.flush());
 */
export function serviceLogger(
  env: TelemetryEnv,
  service: ServiceName,
  ids: { requestId?: string | null; correlationId?: string | null } = {},
): ServiceLogger {
  const buffer: LogEntry[] = [];
  const make = (requestId: string | null, correlationId: string | null): ServiceLogger => {
    const write = (level: LogEntry["level"], msg: string, fields: Record<string, unknown> = {}) => {
      log(env.LOG_LEVEL, level, msg, { service, requestId, correlationId, ...fields });
      if (env.LOGS)
        buffer.push({ time: new Date().toISOString(), level, service, msg: msg.slice(0, 500), requestId, correlationId, fields });
    };
    return {
      service,
      requestId,
      correlationId,
      debug: (m, f) => write("debug", m, f),
      info: (m, f) => write("info", m, f),
      warn: (m, f) => write("warn", m, f),
      error: (m, f) => write("error", m, f),
      with: (next) =>
        make(
          next.requestId === undefined ? requestId : next.requestId,
          next.correlationId === undefined ? correlationId : next.correlationId,
        ),
      flush: async () => {
        if (!env.LOGS || buffer.length === 0) return;
        const entries = buffer.splice(0, buffer.length);
        try {
          for (let i = 0; i < entries.length; i += 100) {
            await env.LOGS.sendBatch(entries.slice(i, i + 100).map((body) => ({ body, contentType: "json" as const })));
          }
        } catch (error) {
          log(env.LOG_LEVEL, "warn", "log sink unreachable; entries stay in the console log", { service, error: String(error) });
        }
      },
    };
  };
  return make(ids.requestId ?? null, ids.correlationId ?? null);
}
