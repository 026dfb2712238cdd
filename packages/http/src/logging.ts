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
/** The same, as a yes/no test (a global regex keeps state between `test` calls). */
const HAS_SECRET_RUN = /[A-Za-z0-9_-]{40}/;

/** Path words after which the next segment is a capability (share links, feeds, resets, invites, tickets). */
const CAPABILITY_SEGMENTS = new Set([
  "public",
  "share",
  "shared",
  "s",
  "feed",
  "feeds",
  "calendar",
  "reset",
  "verify",
  "invite",
  "invites",
  "ticket",
  "tickets",
  "unsubscribe",
  "token",
  "tokens",
]);
/** A capability segment long enough to be a secret (16+ URL-safe characters, an optional `.ext` after). */
const CAPABILITY = /^[A-Za-z0-9_-]{16,}(\.[A-Za-z0-9]{1,8})?$/;
/** Query parameters whose value is a credential, by exact name … */
const SECRET_PARAMS = new Set(["code", "auth", "otp", "sig", "session", "share", "invite", "reset", "pass"]);
/** … or by the end of the name (`ticket`, `access_token`, `api_key`, `client_secret`, `X-Amz-Signature`). */
const SECRET_SUFFIXES = ["ticket", "token", "key", "secret", "password", "signature"];

const REDACTED = "[redacted]";
/** Logged URLs are cut to this many characters (after redaction, so a cut never reveals half a secret). */
const MAX_LOGGED = 2048;

const isSecretParam = (rawName: string): boolean => {
  const name = rawName.toLowerCase();
  return SECRET_PARAMS.has(name) || SECRET_SUFFIXES.some((s) => name.endsWith(s));
};

/**
 * The path as logs may show it: capability secrets carried in paths (public note links, calendar
 * feed URLs, share and reset tokens) are replaced by `[redacted]`, so log readers can't use them: any
 * run of 40+ URL-safe characters, and a 16+ character segment right after a capability word
 * (`/public/`, `/share/`, `/feed/`, `/reset/`, `/invite/`, …).
 *
 * @example redactPath("/boards/v1/calendar/Zm9v…43 chars….ics") // "/boards/v1/calendar/[redacted].ics"
 */
export function redactPath(path: string): string {
  const segments = path.split("/");
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i] as string;
    if (segment.length <= 200 && CAPABILITY_SEGMENTS.has((segments[i - 1] as string).toLowerCase()) && CAPABILITY.test(segment)) {
      const dot = segment.lastIndexOf(".");
      segments[i] = dot > 0 ? `${REDACTED}${segment.slice(dot)}` : REDACTED;
    }
  }
  return segments.join("/").replace(SECRET_RUN, REDACTED);
}

/** The query as logs may show it: the value of a credential-named parameter or of a 40+ character token is `[redacted]`. */
function redactQuery(query: string): string {
  return query
    .split("&")
    .map((pair) => {
      const eq = pair.indexOf("=");
      if (eq === -1) return pair.replace(SECRET_RUN, REDACTED);
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      return isSecretParam(name) || HAS_SECRET_RUN.test(value) ? `${name}=${REDACTED}` : pair;
    })
    .join("&");
}

/**
 * A URL (absolute, or a path with its query) as every log line shows it: the path and the query,
 * both redacted ({@link redactPath}, credential-named query parameters such as `ticket`, `token`,
 * `key`, `code`, `sig`), never the origin, the fragment or more than 2048 characters. The request
 * logger and the error logger both use it.
 *
 * @example redactUrl("https://x.dev/chat/v1/rooms/r1/ws?ticket=abc&since=5") // "/chat/v1/rooms/r1/ws?ticket=[redacted]&since=5"
 */
export function redactUrl(url: string): string {
  const schemeEnd = url.indexOf("://");
  const start = !url.startsWith("/") && schemeEnd !== -1 ? url.indexOf("/", schemeEnd + 3) : 0;
  if (start === -1) return "/";
  const rest = url.slice(start);
  const hash = rest.indexOf("#");
  const target = hash === -1 ? rest : rest.slice(0, hash);
  const q = target.indexOf("?");
  const redacted = q === -1 ? redactPath(target) : `${redactPath(target.slice(0, q))}?${redactQuery(target.slice(q + 1))}`;
  return redacted.length > MAX_LOGGED ? `${redacted.slice(0, MAX_LOGGED)}…` : redacted;
}

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
      path: redactUrl(c.req.url),
      status,
      durationMs: Date.now() - start,
    });
  };
}
