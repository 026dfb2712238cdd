import { type AuthVariables, authenticateWithAccounts, requireMethodScope } from "@edgeworks/auth";
import { rateLimit } from "@edgeworks/ratelimit";
import type { Context, MiddlewareHandler } from "hono";
import type { NotesEnv } from "./env";

const isRead = (method: string) => method === "GET" || method === "HEAD";

/** Authentication: a Bearer access token (verified locally) or an `ewk_` API key (verified by accounts). */
export const authenticateCaller = authenticateWithAccounts<Env>();

/** The scope for the method: reads need `notes:read`, writes `notes:write` (`*` passes both). */
export const requireNotesScope = requireMethodScope("notes");

/** Writes per user per minute (`WRITE_RATE_LIMIT_PER_MINUTE`): generous for people and sync clients, a ceiling for runaway ones. */
export const DEFAULT_WRITES_PER_MINUTE = 600;
const writesPerMinute = (env: Env) => {
  const n = Number(env.WRITE_RATE_LIMIT_PER_MINUTE);
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_WRITES_PER_MINUTE;
};

// built on first use, because the limit comes from the environment
let writeLimiter: MiddlewareHandler<{ Bindings: Env }> | undefined;

/** The per-user write rate limit (reads are not limited), with `RateLimit-*` headers and 429 past it. */
export const limitWrites: MiddlewareHandler<NotesEnv> = async function limitWrites(c, next) {
  writeLimiter ??= rateLimit<Env>({
    name: "notes-write",
    policy: { limit: writesPerMinute(c.env), periodMs: 60_000 },
    binding: (env) => env.RATE_LIMITER,
    key: (ctx) => (isRead(ctx.req.method) ? null : ((ctx.var as Partial<AuthVariables>).auth?.userId ?? null)),
  });
  return writeLimiter(c as unknown as Context<{ Bindings: Env }>, next);
};
