import { type AuthVariables, authenticateWithAccounts, requireMethodScope } from "@edgeworks/auth";
import { rateLimit } from "@edgeworks/ratelimit";
import type { Context, MiddlewareHandler } from "hono";
import type { ChatEnv } from "./env";

/** Authentication: a Bearer access token (verified locally) or an `ewk_` API key (verified by accounts). */
export const authenticateCaller = authenticateWithAccounts<Env>();

/** Reads need `chat:read`, writes `chat:write` (`*` passes both). */
export const requireChatScope = requireMethodScope("chat");

/** HTTP writes per user per minute (room changes, tickets, uploads); messages are limited in the room itself. */
export const WRITES_PER_MINUTE = 600;

const isRead = (method: string) => method === "GET" || method === "HEAD";
const writeLimiter = rateLimit<Env>({
  name: "chat-write",
  policy: { limit: WRITES_PER_MINUTE, periodMs: 60_000 },
  binding: (env) => env.RATE_LIMITER,
  key: (ctx) => (isRead(ctx.req.method) ? null : ((ctx.var as Partial<AuthVariables>).auth?.userId ?? null)),
});

/** The per-user write limit, with `RateLimit-*` headers and 429 past it. */
export const limitWrites: MiddlewareHandler<ChatEnv> = async function limitWrites(c, next) {
  return writeLimiter(c as unknown as Context<{ Bindings: Env }>, next);
};
