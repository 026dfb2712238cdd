import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context, Env as HonoEnv, MiddlewareHandler } from "hono";
import { etag } from "hono/etag";
import { requestId } from "hono/request-id";
import { readUpTo } from "./body";
import { ApiError, onError, onNotFound } from "./errors";
import { requestLogger } from "./logging";
import { validationHook } from "./validation";

/** Default cap on request bodies: 1 MiB. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

// Every platform app sets the request id first (requestIds), so `c.get("requestId")` is typed on any Context,
// also in code that only sees a plain `Context` (error rendering, logging) and cannot name the app's Variables.
declare module "hono" {
  interface ContextVariableMap {
    requestId: string;
  }
}

/** Context variables every platform app has. */
export type BaseVariables = { requestId: string };

/** The Hono environment of a platform app: its bindings and context variables. */
export type AppEnv<B extends object = object, V extends object = object> = {
  Bindings: B;
  Variables: BaseVariables & V;
};

export interface CreateAppOptions {
  /** Maximum request body in bytes (default 1 MiB); larger bodies get 413. */
  maxBodyBytes?: number;
  /** Raw file uploads, which may be larger than every other body. */
  uploads?: UploadLimit;
}

/** The requests that are raw file uploads (`when`), and their own body limit. */
export interface UploadLimit {
  maxBytes: number;
  when: (c: Context) => boolean;
}

/**
 * Middleware answering 413 with a problem body when the request body exceeds `maxBytes`; requests
 * that `uploads.when` picks out are held to `uploads.maxBytes` instead. A declared Content-Length is
 * trusted (the runtime holds the body to it); a body without one (chunked) is read up to the limit and
 * buffered, and one that goes over is drained within bounds before the 413 (see readUpTo).
 *
 * @example app.use(limitBody(64 * 1024, { maxBytes: 10 * 1024 * 1024, when: (c) => c.req.path.endsWith("/files") }));
 */
export function limitBody(maxBytes = DEFAULT_BODY_LIMIT, uploads?: UploadLimit): MiddlewareHandler {
  return async function limitBodies(c, next) {
    const raw = c.req.raw;
    if (!raw.body) return next();
    const max = uploads?.when(c) ? uploads.maxBytes : maxBytes;
    const tooLarge = () => new ApiError("payload_too_large", `The request body exceeds ${max} bytes`);
    const declared = raw.headers.get("content-length");
    if (declared !== null && !raw.headers.has("transfer-encoding")) {
      if (Number.parseInt(declared, 10) > max) throw tooLarge();
      return next();
    }
    const bytes = await readUpTo(raw.body, max);
    if (bytes === null) throw tooLarge();
    c.req.raw = new Request(raw, { body: bytes });
    return next();
  };
}

/**
 * Keeps a client-supplied `X-Request-Id` when it is at most 128 characters of `[A-Za-z0-9_=-]`
 * (nothing to inject into logs), else makes a new UUID; echoes it on the response, also on a
 * Response a handler built itself (a file from R2), which drops headers set before the handler ran.
 */
export function requestIds(): MiddlewareHandler {
  const assign = requestId({
    headerName: "X-Request-Id",
    limitLength: 128,
    generator: () => crypto.randomUUID(),
  });
  return async function requestIds(c, next) {
    await assign(c, next);
    if (c.res.status === 101 || c.res.headers.has("X-Request-Id")) return;
    const id = c.get("requestId");
    try {
      c.res.headers.set("X-Request-Id", id);
    } catch {
      // immutable headers (a fetched Response): re-wrap, the body streams through
      c.res = new Response(c.res.body, c.res);
      c.res.headers.set("X-Request-Id", id);
    }
  };
}

/** `ETag` on GET/HEAD responses, and 304 when `If-None-Match` matches (RFC 9110 §13.1.2). */
export function conditionalGet(): MiddlewareHandler {
  const tag = etag();
  return async function conditionalGet(c, next) {
    if (c.req.method !== "GET" && c.req.method !== "HEAD") return next();
    return tag(c, next);
  };
}

/** Where @edgeworks/testing installs its response contract check (globalThis), in tests only. */
export const RESPONSE_CHECK_KEY = "__edgeworksResponseCheck";

/** The test-time check of a finished response against the app's own OpenAPI document. */
export type ResponseCheck = (app: OpenAPIHono<never>, c: Context) => Promise<void>;

/**
 * Outermost middleware: after the response is final (errors and 404s rendered), hands it to the
 * response contract check when a test installed one on `globalThis`; in production it is one property read.
 */
export function responseContract(app: OpenAPIHono<never>): MiddlewareHandler {
  return async function responseContract(c, next) {
    await next();
    const check = (globalThis as Record<string, unknown>)[RESPONSE_CHECK_KEY] as ResponseCheck | undefined;
    if (check) await check(app, c);
  };
}

/**
 * Creates a product app with the platform's middleware in the platform's order: request id, request
 * log, body limit, conditional GET, the zod validation hook, problem+json errors and 404s.
 *
 * @example
 * const app = createApp<AppEnv<Env, AuthVariables>>();
 * app.route("/todo/v1", todos);
 */
export function createApp<E extends HonoEnv = AppEnv>(options: CreateAppOptions = {}): OpenAPIHono<E> {
  const app = new OpenAPIHono<E>({ defaultHook: validationHook });
  app.use(
    responseContract(app as unknown as OpenAPIHono<never>),
    requestIds(),
    requestLogger(),
    limitBody(options.maxBodyBytes, options.uploads),
    conditionalGet(),
  );
  app.onError(onError);
  app.notFound(onNotFound);
  return app;
}

/** A router for one resource, mounted with `app.route()`; shares the validation hook. */
export function createRouter<E extends HonoEnv = AppEnv>(): OpenAPIHono<E> {
  return new OpenAPIHono<E>({ defaultHook: validationHook });
}
