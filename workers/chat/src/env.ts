import type { AuthVariables } from "@edgeworks/auth";
import type { AppEnv } from "@edgeworks/http";
import { drizzle } from "drizzle-orm/d1";
import type { Context } from "hono";
import type { ChatDeps } from "./deps";

/** The Hono environment of the authenticated API: generated bindings plus the principal. */
export type ChatEnv = AppEnv<Env, AuthVariables>;
/** The Hono environment of routes authenticated otherwise (the WebSocket ticket, dev helpers). */
export type OpenEnv = AppEnv<Env>;

/** The service dependencies of an authenticated request. */
export const depsOf = (c: Context<ChatEnv>): ChatDeps => ({
  db: drizzle(c.env.DB),
  userId: c.var.auth.userId,
  now: Date.now,
  env: c.env,
});
