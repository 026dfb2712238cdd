import type { AuthVariables } from "@edgeworks/auth";
import type { AppEnv } from "@edgeworks/http";

/** The Hono environment of this Worker: generated bindings plus the authenticated principal. */
export type BoardsEnv = AppEnv<Env, AuthVariables>;
/** Routes that authenticate otherwise (a WebSocket ticket, a feed secret). */
export type PublicEnv = AppEnv<Env>;
