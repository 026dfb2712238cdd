import type { MiddlewareHandler } from "hono";

/** Log levels in increasing severity; `silent` turns request logs off (benchmarks). */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Writes one structured JSON log line if `level` passes the configured threshold. */
export function log(
  threshold: string | undefined,
  level: Exclude<LogLevel, "silent">,
  msg: string,
  fields: Record<string, unknown> = {},
): void {
  const min = ORDER[(threshold as LogLevel) ?? "info"] ?? ORDER.info;
  if (ORDER[level] < min) return;
  const line = JSON.stringify({ level, msg, time: new Date().toISOString(), ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

/** A run of 40+ URL-safe characters: a secret in a path (32-byte tokens are 43), never an id (21). */
const SECRET_RUN = /[A-Za-z0-9_-]{40,}/g;

/**
 * The path as logs may show it: capability secrets carried in paths (public note links, calendar
 * feed URLs) are replaced by `[redacted]`, so log readers can't use them.
 *
 * @example redactPath("/boards/v1/calendar/Zm9v…43 chars….ics") // "/boards/v1/calendar/[redacted].ics"
 */
export const redactPath = (path: string): string => path.replace(SECRET_RUN, "[redacted]");

/**
 * One JSON log line per request, with the request id, method, path, status and duration.
 * The threshold comes from the Worker's `LOG_LEVEL` var (default `info`).
 *
 * @example app.use(requestLogger());
 */
export function requestLogger(): MiddlewareHandler {
  return async function requestLogger(c, next) {
    const threshold = (c.env as { LOG_LEVEL?: string } | undefined)?.LOG_LEVEL;
    if (threshold === "silent") return next();
    const start = Date.now();
    await next();
    const status = c.res.status;
    log(threshold, status >= 500 ? "error" : "info", "request", {
      requestId: c.get("requestId"),
      method: c.req.method,
      path: redactPath(new URL(c.req.url).pathname),
      status,
      durationMs: Date.now() - start,
    });
  };
}
