import { decideRateLimit, type LimitSpec, networkKey, type RateDecision } from "@edgeworks/ratelimit";
import { z } from "zod";
import type { GatewayMiddleware, PluginDefinition, ProxyContext } from "../../contract";
import { presentedKeyHash } from "../auth/credentials";
import { HEADER_NAME, pluginProblem } from "../problem";
import { policyHeader, rateHeaders } from "./headers";

const schema = z
  .strictObject({
    algorithm: z.enum(["fixed-window", "sliding-window", "gcra"]).default("sliding-window"),
    /** Requests per window (for gcra: per window, as a steady rate with bursts of `limit`). */
    limit: z.number().int().min(1).max(1_000_000),
    windowSeconds: z.number().int().min(1).max(86_400).default(60),
    /** Whose bucket: the consumer `auth` found, the API key presented, the client's network, a header's value, or one for the route. */
    by: z.enum(["consumer", "key", "ip", "header", "route"]).default("consumer"),
    /** The header for `by: "header"`. */
    header: z.string().regex(HEADER_NAME, "must be a header name").optional(),
    /** A second, long limit taken together with the rate: requests per calendar month (UTC). */
    quota: z.strictObject({ limit: z.number().int().min(1).max(1_000_000_000), period: z.literal("month").default("month") }).optional(),
  })
  .refine((c) => c.by !== "header" || c.header !== undefined, { message: "by: header needs `header`", path: ["header"] });
export type RateLimitConfig = z.output<typeof schema>;

/** SHA-256 hex of a value, cut to 32 characters (enough to keep buckets apart; no raw header value in a DO name). */
async function digest(value: string): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value)));
  return Array.from(bytes.subarray(0, 16), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The bucket of this request: `consumer:<id>`, `key:<hash>`, `ip:<network>`, `header:<hash>` or `route`. A
 * request without what the limit is keyed by (anonymous, no key, no header) falls back to its network, so an
 * unidentified client still has a bucket of its own.
 */
async function bucketOf(ctx: ProxyContext, config: RateLimitConfig): Promise<string> {
  const ip = `ip:${networkKey(ctx.clientIp)}`;
  switch (config.by) {
    case "route":
      return "route";
    case "ip":
      return ip;
    case "consumer":
      return ctx.consumer ? `consumer:${ctx.consumer.id}` : ip;
    case "key": {
      const hash = presentedKeyHash(ctx);
      return hash ? `key:${hash.slice(0, 32)}` : ip;
    }
    case "header": {
      const value = ctx.request.headers.get(config.header ?? "");
      return value ? `header:${await digest(value)}` : ip;
    }
  }
}

function create(config: RateLimitConfig, route: { id: string }): GatewayMiddleware {
  const windowMs = config.windowSeconds * 1000;
  const limits: LimitSpec[] = [
    config.algorithm === "gcra"
      ? { name: `rate:gcra:${windowMs}`, algorithm: "gcra", policy: { limit: config.limit, periodMs: windowMs } }
      : { name: `rate:${config.algorithm}:${windowMs}`, algorithm: config.algorithm, policy: { limit: config.limit, windowMs } },
  ];
  if (config.quota) limits.push({ name: "quota:month", algorithm: "fixed-window", policy: { limit: config.quota.limit, period: "month" } });
  const policy = policyHeader(config);
  return async function rateLimit(ctx, next) {
    const key = `gw:${ctx.snapshot.workspaceId}:${route.id}:${await bucketOf(ctx, config)}`;
    // the gateway's receipt time is the clock (tests inject it through the context); the object keeps windows monotonic
    let outcome: Awaited<ReturnType<typeof decideRateLimit>>;
    try {
      outcome = await decideRateLimit(ctx.env.RATE_LIMITER, key, limits, 1, ctx.receivedAt);
    } catch {
      // fail open (as Kong's fault_tolerant default): an unreachable limiter must not take the route down
      return next();
    }
    const { allowed, decisions } = outcome;
    const shown = shownDecision(decisions, allowed);
    for (const [name, value] of Object.entries(rateHeaders(shown))) ctx.responseHeaders.set(name, value);
    ctx.responseHeaders.set("RateLimit-Policy", policy);
    if (allowed) return next();
    const quota = config.quota !== undefined && decisions[0]?.allowed === true;
    const retryAfter = String(Math.max(1, Math.ceil(shown.retryAfterMs / 1000)));
    return pluginProblem(
      ctx,
      "rate_limited",
      quota
        ? `The monthly quota of ${config.quota?.limit} requests is used up`
        : `More than ${config.limit} requests in ${config.windowSeconds} s`,
      {
        headers: { "Retry-After": retryAfter },
        extensions: { limit: quota ? "quota" : "rate" },
        logCode: quota ? "quota_exceeded" : "rate_limited",
      },
    );
  };
}

/** The decision the headers show: the refusing one, else the one with the fewest requests left. */
function shownDecision(decisions: RateDecision[], allowed: boolean): RateDecision {
  const candidates = allowed ? decisions : decisions.filter((d) => !d.allowed);
  return candidates.reduce((a, b) => (b.remaining < a.remaining ? b : a));
}

/**
 * The `rate-limit` plugin: fixed window, sliding window or GCRA per consumer, key, IP network, header or
 * route, with an optional monthly quota, exact across the edge (one RateLimiter Durable Object per bucket).
 * `RateLimit-Limit/-Remaining/-Reset` and `RateLimit-Policy` on every response; 429 with `Retry-After`.
 *
 * @example PLUGINS["rate-limit"].schema.parse({ algorithm: "fixed-window", limit: 100, windowSeconds: 60, by: "ip" })
 */
export const plugin: PluginDefinition<typeof schema> = { name: "rate-limit", schema, create };
