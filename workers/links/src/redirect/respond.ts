import { ApiError, log, PROBLEM_CONTENT_TYPE, readUpTo, redactUrl, toApiError } from "@edgeworks/http";
import { NO_STORE } from "./guards";
import { errorPage, PAGE_HEADERS } from "./pages";

/** One redirect request and what answering it needs. */
export interface Exchange {
  request: Request;
  env: Env;
  ctx: ExecutionContext;
  /** The caller's `X-Request-Id` when it is safe to echo (as packages/http keeps it), else a new UUID. */
  requestId: string;
}

const SAFE_REQUEST_ID = /^[A-Za-z0-9_=-]{1,128}$/;

export function exchangeOf(request: Request, env: Env, ctx: ExecutionContext): Exchange {
  const given = request.headers.get("X-Request-Id");
  return { request, env, ctx, requestId: given && SAFE_REQUEST_ID.test(given) ? given : crypto.randomUUID() };
}

const acceptOf = (x: Exchange) => x.request.headers.get("Accept") ?? "";
/** API clients: anything that names JSON in `Accept`. */
export const prefersJson = (x: Exchange): boolean => /json/i.test(acceptOf(x));
/** Browsers: `Accept` names text/html (and not JSON). */
const prefersHtml = (x: Exchange): boolean => !prefersJson(x) && /text\/html/i.test(acceptOf(x));

/** A redirect with its `Cache-Control`; a non-Latin-1 target is percent-encoded (as Hono's c.redirect does). */
export function redirect(x: Exchange, location: string, status: number, cacheControl: string): Response {
  const safe = /[\u0100-\uffff]/.test(location) ? encodeURI(location) : location;
  return new Response(null, { status, headers: { Location: safe, "Cache-Control": cacheControl, "X-Request-Id": x.requestId } });
}

/** An HTML page (form or error) with the page security headers. */
export function page(x: Exchange, status: number, html: string, headers: Record<string, string> = {}): Response {
  return new Response(html, { status, headers: { ...headers, ...PAGE_HEADERS, "X-Request-Id": x.requestId } });
}

/** An error as problem+json (RFC 9457, `instance` = request id), or a small page for browsers; never cached. */
export function errorResponse(x: Exchange, err: ApiError): Response {
  if (prefersHtml(x)) return page(x, err.status, errorPage(err.status, err.toProblem().title, err.message, x.requestId), err.headers);
  return new Response(JSON.stringify(err.toProblem(x.requestId)), {
    status: err.status,
    headers: { ...err.headers, "Content-Type": PROBLEM_CONTENT_TYPE, "Cache-Control": NO_STORE, "X-Request-Id": x.requestId },
  });
}

/** Anything unexpected: logged with the request id, answered as a generic 500 without details. */
export function unexpectedError(x: Exchange, err: unknown): Response {
  log(x.env.LOG_LEVEL, "error", "unhandled error", {
    requestId: x.requestId,
    method: x.request.method,
    path: redactUrl(x.request.url),
    error: err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : String(err),
  });
  return errorResponse(x, err instanceof ApiError ? err : toApiError(err));
}

/** The request log line, as packages/http's requestLogger writes it. */
export function logRequest(x: Exchange, status: number, startedAt: number): void {
  if (x.env.LOG_LEVEL === "silent") return;
  log(x.env.LOG_LEVEL, status >= 500 ? "error" : "info", "request", {
    requestId: x.requestId,
    method: x.request.method,
    path: redactUrl(x.request.url),
    status,
    durationMs: Date.now() - startedAt,
  });
}

/**
 * The request body, refused with 413 past `maxBytes` whether or not it declares a Content-Length
 * (a chunked body is counted while it is read, and its rest drained within bounds: readUpTo).
 */
export async function readBody(request: Request, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () => new ApiError("payload_too_large", `The request body exceeds ${maxBytes} bytes`);
  if (Number(request.headers.get("Content-Length") ?? 0) > maxBytes) throw tooLarge();
  if (!request.body) return new Uint8Array(0);
  const body = await readUpTo(request.body, maxBytes);
  if (body === null) throw tooLarge();
  return body;
}
