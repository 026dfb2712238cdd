// Every /commerce/v1 request passes here first: the registry, authentication (401 before any service is
// called, except public paths), the per-consumer rate limit, the correlation id and the request log.

import { type AccountsBindings, authenticateWithAccounts, sha256Hex } from "@edgeworks/auth";
import { serviceLogger } from "@edgeworks/commerce-contracts";
import { log, toApiError } from "@edgeworks/http";
import { clientNetwork, consumeRateLimit, type RateDecision, rateLimitHeaders, throwIfLimited } from "@edgeworks/ratelimit";
import type { Context, MiddlewareHandler } from "hono";
import type { GatewayEnv } from "./product";
import { isPublicPath, loadRegistry } from "./registry";

/** The gateway's own routes that need no credentials. */
export const OPEN_PATHS: ReadonlySet<string> = new Set(["/commerce/v1/health"]);

/** Requests per consumer per minute when COMMERCE_RATE_LIMIT_PER_MINUTE is not a positive integer. */
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 600;

const CORRELATION = /^[A-Za-z0-9_.:-]{1,200}$/;
const ORDER_PATH = /^\/commerce\/v1\/(?:admin\/)?orders\/([A-Za-z0-9_-]{1,64})(?:\/|$)/;

/** The correlation id of a request: a well-formed `X-Correlation-Id`, else the order id in the path, else null. */
export function correlationOf(request: Request, path: string): string | null {
  const sent = request.headers.get("X-Correlation-Id")?.trim();
  if (sent && CORRELATION.test(sent)) return sent;
  return ORDER_PATH.exec(path)?.[1] ?? null;
}

export const rateLimitOf = (env: { COMMERCE_RATE_LIMIT_PER_MINUTE?: string }): number => {
  const n = Number(env.COMMERCE_RATE_LIMIT_PER_MINUTE);
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_RATE_LIMIT_PER_MINUTE;
};

const authenticate = authenticateWithAccounts<AccountsBindings>();

/**
 * The rate-limit key of the caller: an authenticated user by id, an API key by its hash (each key its own
 * budget), anyone else by client network (IPv6 /64). Anonymous traffic never shares a bucket with an
 * authenticated owner, so strangers cannot lock an owner out.
 */
async function consumerKey(c: Context<GatewayEnv>, open: boolean): Promise<string> {
  if (open) return `net:${clientNetwork(c)}`;
  const auth = c.var.auth;
  if (auth.method === "api_key") {
    const credential = (c.req.header("Authorization") ?? "").trim().replace(/^Bearer\s+/i, "");
    return `key:${(await sha256Hex(credential)).slice(0, 32)}`;
  }
  return `user:${auth.userId}`;
}

export function gatewayFront(): MiddlewareHandler<GatewayEnv> {
  return async function gatewayFront(c, next) {
    const path = c.req.path;
    const registry = await loadRegistry(c.env);
    const correlationId = correlationOf(c.req.raw, path);
    const logger = serviceLogger(c.env, "gateway", { requestId: c.var.requestId, correlationId });
    c.set("gateway", { registry, correlationId, logger });
    const open = OPEN_PATHS.has(path) || isPublicPath(registry.entries, path);
    const started = Date.now();
    let failed: unknown;
    try {
      // 401 here, before any service (or the limiter) is asked anything
      if (!open) await authenticate(c as never, async () => {});
      const key = await consumerKey(c, open);
      let decision: RateDecision | null = null;
      try {
        decision = await consumeRateLimit(c.env.RATE_LIMITER, `commerce:${key}`, { limit: rateLimitOf(c.env), periodMs: 60_000 });
      } catch (err) {
        // the limiter is a safety net, not a dependency: fail open (logged)
        log(c.env.LOG_LEVEL, "warn", "rate limiter unavailable; request let through", { error: String(err) });
      }
      if (decision) throwIfLimited(decision);
      await next();
      if (decision) {
        const headers = rateLimitHeaders(decision);
        try {
          for (const [k, v] of Object.entries(headers)) c.res.headers.set(k, v);
        } catch {
          c.res = new Response(c.res.body, c.res);
          for (const [k, v] of Object.entries(headers)) c.res.headers.set(k, v);
        }
      }
    } catch (err) {
      failed = err;
      throw err;
    } finally {
      const status = failed === undefined ? c.res.status : toApiError(failed).status;
      logger.info("request", { method: c.req.method, path, status, ms: Date.now() - started, user: c.var.auth?.userId ?? null });
      try {
        c.executionCtx.waitUntil(logger.flush());
      } catch {
        // no execution context (a unit test calling the app directly): ship now
        await logger.flush();
      }
    }
  };
}
