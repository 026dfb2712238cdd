import type { DrizzleD1Database } from "drizzle-orm/d1";

/** The drizzle database of this Worker. */
export type Db = DrizzleD1Database;

/** What every service function needs; never a Hono Context. */
export interface ChatDeps {
  db: Db;
  /** The caller; every query is scoped to the rooms this user is a member of. */
  userId: string;
  /** Epoch milliseconds; injected so tests can control time. */
  now: () => number;
  /** Bindings: the room and presence Durable Objects, ACCOUNTS, R2. */
  env: Env;
}

/** The room's Durable Object. */
export const roomStub = (env: Env, roomId: string) => env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(roomId));
/** The user's presence Durable Object. */
export const presenceStub = (env: Env, userId: string) => env.PRESENCE.get(env.PRESENCE.idFromName(userId));
