import { defineProduct, type GuardedEnv, type PublicEnv } from "@edgeworks/product";
import { drizzle } from "drizzle-orm/d1";
import { MAX_FILE_BYTES } from "./attachments.service";
import type { ChatDeps } from "./deps";

/** The Hono environment of the authenticated API: generated bindings plus the principal. */
export type ChatEnv = GuardedEnv<Env>;
/** The Hono environment of routes authenticated otherwise (the WebSocket ticket, dev helpers). */
export type OpenEnv = PublicEnv<Env>;

/**
 * The chat product: health at `/chat/health`, docs at `/chat/docs`, the WebSocket endpoint (its ticket is
 * its credential) and dev helpers on the open router, the rest of `/chat/v1` behind one guard (a Bearer
 * token or `ewk_` API key, `chat:read`/`chat:write`, 600 HTTP writes per user per minute; messages are
 * limited in the room itself).
 */
export const chat = defineProduct<Env, ChatDeps>({
  prefix: "/chat",
  title: "Chat API",
  version: "1.0.0",
  description:
    "Real-time rooms on Durable Objects: one-on-one and group rooms, WebSockets with acks, typing, read receipts, " +
    "reactions, edits and gapless resume (`since`), presence, file sharing, search and notifications. Every route " +
    "under `/chat/v1` needs a Bearer access token (or an `ewk_` API key) with `chat:read` for reads and `chat:write` " +
    "for writes, except the WebSocket endpoint, which takes a single-use ticket. Errors are `application/problem+json`.",
  // every JSON body is held to 64 KiB; file uploads may be up to MAX_FILE_BYTES
  app: {
    maxBodyBytes: 64 * 1024,
    uploads: { maxBytes: MAX_FILE_BYTES + 1024, when: (c) => c.req.method === "POST" && c.req.path.endsWith("/attachments") },
  },
  deps: (c) => ({ db: drizzle(c.env.DB), userId: c.var.auth.userId, now: Date.now, env: c.env }),
});

/** The service dependencies of an authenticated request. */
export const depsOf = chat.deps;
