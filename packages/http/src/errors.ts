import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { log, redactUrl } from "./logging";

/** Every error code the platform emits, with the HTTP status it maps to. */
export const ERROR_STATUS = {
  bad_request: 400,
  malformed_json: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  gone: 410,
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  range_not_satisfiable: 416,
  validation_failed: 422,
  upgrade_required: 426,
  rate_limited: 429,
  headers_too_large: 431,
  internal: 500,
  bad_gateway: 502,
  service_unavailable: 503,
  gateway_timeout: 504,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_STATUS;

const TITLES: Record<ErrorCode, string> = {
  bad_request: "Bad request",
  malformed_json: "Malformed JSON",
  unauthorized: "Unauthorized",
  forbidden: "Forbidden",
  not_found: "Not found",
  method_not_allowed: "Method not allowed",
  conflict: "Conflict",
  gone: "Gone",
  precondition_failed: "Precondition failed",
  payload_too_large: "Payload too large",
  unsupported_media_type: "Unsupported media type",
  range_not_satisfiable: "Range not satisfiable",
  validation_failed: "Validation failed",
  upgrade_required: "Upgrade required",
  rate_limited: "Too many requests",
  headers_too_large: "Request header fields too large",
  internal: "Internal server error",
  bad_gateway: "Bad gateway",
  service_unavailable: "Service unavailable",
  gateway_timeout: "Gateway timeout",
};

/** One field-level validation failure, as listed in a 422 problem's `errors`. */
export interface FieldError {
  /** Dotted path inside the request part, e.g. `tags.0`; empty for the part itself. */
  path: string;
  /** Which part of the request: body, query, path or header. */
  location?: string;
  message: string;
}

/** RFC 9457 problem details, the body of every error response. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: ErrorCode;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = "application/problem+json";
const TYPE_BASE = "https://edgeworks.dev/problems/";

/**
 * The one error type of the platform: a code that maps to a status, a human detail, and optional
 * extension members (RFC 9457 §3.2) and response headers.
 *
 * @example
 * throw new ApiError("not_found", "Todo not found");
 * throw new ApiError("rate_limited", "Slow down", { headers: { "Retry-After": "3" } });
 */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: ContentfulStatusCode;
  readonly errors?: FieldError[];
  readonly extensions?: Record<string, unknown>;
  readonly headers?: Record<string, string>;

  constructor(
    code: ErrorCode,
    detail?: string,
    options: {
      errors?: FieldError[];
      extensions?: Record<string, unknown>;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(detail ?? TITLES[code]);
    this.name = "ApiError";
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.errors = options.errors;
    this.extensions = options.extensions;
    this.headers = options.headers;
  }

  /** Builds the problem+json body for this error. */
  toProblem(instance?: string): Problem {
    return {
      ...this.extensions,
      type: `${TYPE_BASE}${this.code.replaceAll("_", "-")}`,
      title: TITLES[this.code],
      status: this.status,
      detail: this.message,
      ...(instance ? { instance } : {}),
      code: this.code,
      ...(this.errors ? { errors: this.errors } : {}),
    };
  }
}

/** Shorthand for the most common error: a resource that does not exist or is not the caller's. */
export const notFound = (what = "Resource"): ApiError => new ApiError("not_found", `${what} not found`);

/** Renders an ApiError as an `application/problem+json` response. */
export function problemResponse(c: Context, err: ApiError): Response {
  // undefined when the error is rendered outside createApp (no request-id middleware ran)
  const instance: string | undefined = c.get("requestId");
  // c.newResponse keeps headers already set on the context (X-Request-Id, CORS)
  return c.newResponse(JSON.stringify(err.toProblem(instance)), err.status, { ...err.headers, "Content-Type": PROBLEM_CONTENT_TYPE });
}

const codeForStatus = (status: number): ErrorCode => {
  const found = (Object.entries(ERROR_STATUS) as [ErrorCode, number][]).find(([, s]) => s === status);
  return found?.[0] ?? (status >= 500 ? "internal" : "bad_request");
};

/** Converts anything thrown into an ApiError; unknown errors become a generic 500. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof HTTPException) {
    const status = err.status;
    // hono's validator reports malformed JSON as a 400 with this message
    if (status === 400 && /malformed json/i.test(err.message)) {
      return new ApiError("malformed_json", "The request body is not valid JSON");
    }
    const code = codeForStatus(status);
    return new ApiError(code, err.message || undefined);
  }
  return new ApiError("internal", "An unexpected error occurred");
}

/**
 * The one `onError` for every Worker: problem+json for known errors; unexpected errors are logged
 * with the request id and answered as a generic 500 without stack or message.
 *
 * @example app.onError(onError);
 */
export function onError(err: unknown, c: Context): Response {
  const apiError = toApiError(err);
  if (apiError.status >= 500) {
    log((c.env as { LOG_LEVEL?: string } | undefined)?.LOG_LEVEL, "error", "unhandled error", {
      requestId: c.get("requestId"),
      method: c.req.method,
      path: redactUrl(c.req.url),
      error: err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : String(err),
    });
  }
  return problemResponse(c, apiError);
}

/**
 * 426 for a plain request to a WebSocket endpoint, naming the protocol to upgrade to (RFC 9110 §15.5.22).
 *
 * @example if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") throw upgradeRequired("This endpoint only speaks WebSocket");
 */
export const upgradeRequired = (detail: string): ApiError =>
  new ApiError("upgrade_required", detail, { headers: { Upgrade: "websocket", Connection: "Upgrade" } });

/** The `notFound` handler: a 404 problem for any unknown route. */
export function onNotFound(c: Context): Response {
  return problemResponse(c, new ApiError("not_found", `No route for ${c.req.method} ${new URL(c.req.url).pathname}`));
}
