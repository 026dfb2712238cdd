import { ApiError, type FieldError, log, redactUrl } from "@edgeworks/http";
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ZodError } from "zod";
import { AccountsError } from "../accounts";
import { AuthError, type BlogEnv } from "../product";

/** RealWorld's error body: `{"errors": {field: [message, ...]}}`. */
export type RealWorldErrors = Record<string, string[]>;

/**
 * An error of the RealWorld API (`/blog/api`), rendered in its own shape instead of problem+json,
 * because RealWorld frontends read `errors.<field>`.
 *
 * @example throw new RealWorldError(404, "article", "not found");
 */
export class RealWorldError extends Error {
  readonly status: ContentfulStatusCode;
  readonly errors: RealWorldErrors;
  readonly headers?: Record<string, string>;

  constructor(status: ContentfulStatusCode, field: string | RealWorldErrors, message?: string, headers?: Record<string, string>) {
    const errors = typeof field === "string" ? { [field]: [message ?? "is invalid"] } : field;
    super(
      Object.entries(errors)
        .map(([k, v]) => `${k} ${v.join(", ")}`)
        .join("; "),
    );
    this.name = "RealWorldError";
    this.status = status;
    this.errors = errors;
    this.headers = headers;
  }
}

export const notFoundError = (resource: string) => new RealWorldError(404, resource, "not found");
export const forbiddenError = (resource: string) => new RealWorldError(403, resource, "forbidden");
export const takenError = (field: string) => new RealWorldError(409, field, "has already been taken");

/** Groups field errors by their last path segment (`user.email` → `email`), as RealWorld names fields. */
export function groupFieldErrors(errors: FieldError[] | undefined, fallback = "body"): RealWorldErrors {
  const grouped: RealWorldErrors = {};
  for (const e of errors ?? []) {
    const segments = e.path.split(".").filter((s) => s !== "" && !/^\d+$/.test(s));
    const field = segments.at(-1) ?? fallback;
    const list = grouped[field] ?? [];
    if (!list.includes(e.message)) list.push(e.message);
    grouped[field] = list;
  }
  return Object.keys(grouped).length > 0 ? grouped : { [fallback]: ["is invalid"] };
}

/** The zod hook of the RealWorld routers: a failed schema is 422 with RealWorld's error shape. */
export const realWorldHook = (result: { success: boolean; error?: ZodError; target?: string }, _c: Context): void => {
  if (result.success || !result.error) return;
  const fallback = result.target === "query" ? "query" : result.target === "param" ? "path" : "body";
  const errors = result.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
  throw new RealWorldError(422, groupFieldErrors(errors, fallback));
};

/** A router of the RealWorld API (`/blog/api`): a failed schema answers in RealWorld's shape (realWorldHook). */
export const createRealWorldRouter = () => new OpenAPIHono<BlogEnv>({ defaultHook: realWorldHook });

const MESSAGES: Partial<Record<number, [string, string]>> = {
  400: ["body", "is malformed"],
  401: ["token", "is invalid"],
  403: ["resource", "forbidden"],
  404: ["resource", "not found"],
  405: ["method", "is not allowed"],
  413: ["body", "is too large"],
  415: ["body", "must be JSON"],
  429: ["request", "is rate limited, retry later"],
};

/** Converts anything thrown under `/blog/api` into a RealWorldError (unknown errors: a generic 500). */
export function toRealWorldError(err: unknown): RealWorldError {
  if (err instanceof RealWorldError) return err;
  if (err instanceof AuthError) return new RealWorldError(401, "token", err.message, { "WWW-Authenticate": 'Token realm="blog"' });
  // accounts unreachable where no route maps it itself (the first write of an account without a blog profile)
  if (err instanceof AccountsError && err.status === 503) {
    return new RealWorldError(
      503,
      "accounts",
      "is unavailable, retry later",
      err.retryAfter ? { "Retry-After": err.retryAfter } : undefined,
    );
  }
  if (err instanceof HTTPException && err.status === 400 && /malformed json/i.test(err.message)) {
    return new RealWorldError(422, "body", "is not valid JSON");
  }
  if (err instanceof ApiError) {
    if (err.code === "malformed_json") return new RealWorldError(422, "body", "is not valid JSON");
    if (err.status === 422) return new RealWorldError(422, groupFieldErrors(err.errors));
    const [field, message] = MESSAGES[err.status] ?? ["error", err.message];
    return new RealWorldError(err.status, field, message, err.headers);
  }
  if (err instanceof HTTPException && err.status < 500) {
    const [field, message] = MESSAGES[err.status] ?? ["error", "is invalid"];
    return new RealWorldError(err.status as ContentfulStatusCode, field, message);
  }
  return new RealWorldError(500, "server", "unexpected error");
}

/** Renders an error of the RealWorld API; unexpected ones are logged with the request id, never shown. */
export function realWorldErrorResponse(err: unknown, c: Context): Response {
  const rw = toRealWorldError(err);
  if (rw.status >= 500) {
    log((c.env as { LOG_LEVEL?: string } | undefined)?.LOG_LEVEL, "error", "unhandled error", {
      requestId: c.get("requestId"),
      method: c.req.method,
      path: redactUrl(c.req.url),
      error: err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : String(err),
    });
  }
  return c.newResponse(JSON.stringify({ errors: rw.errors }), rw.status, {
    ...rw.headers,
    "Content-Type": "application/json; charset=utf-8",
  });
}
