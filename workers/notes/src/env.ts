import type { AuthVariables } from "@edgeworks/auth";
import type { AppEnv } from "@edgeworks/http";
import { drizzle } from "drizzle-orm/d1";
import type { Context } from "hono";
import type { ServiceDeps } from "./deps";

/** The Hono environment of this Worker: generated bindings plus the authenticated principal. */
export type NotesEnv = AppEnv<Env, AuthVariables>;
/** The Hono environment of the public (token) routes: no principal. */
export type PublicEnv = AppEnv<Env>;

/** The service dependencies of an authenticated request: its database, its user and the clock. */
export const depsOf = (c: Context<NotesEnv>): ServiceDeps => ({ db: drizzle(c.env.DB), userId: c.var.auth.userId, now: Date.now });
