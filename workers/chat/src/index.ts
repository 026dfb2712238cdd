import { createApp, createRouter, jsonResponse, mountDocs } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import { MAX_FILE_BYTES } from "./attachments.service";
import { authenticateCaller, limitWrites, requireChatScope } from "./auth";
import type { ChatEnv, OpenEnv } from "./env";
import { consumeNotify } from "./queues/notify";
import { consumeSearch } from "./queues/search-index";
import { attachmentsRouter } from "./routes/attachments";
import { devRouter } from "./routes/dev";
import { miscRouter } from "./routes/misc";
import { realtimeRouter } from "./routes/realtime";
import { roomsRouter } from "./routes/rooms";
import { webRouter } from "./web/routes";

export { RateLimiter } from "@edgeworks/ratelimit";
export { ChatRoom } from "./do/chat-room";
export { Presence } from "./do/presence";

const healthRoute = createRoute({
  method: "get",
  path: "/chat/health",
  tags: ["Health"],
  summary: "Liveness check (no authentication)",
  responses: { 200: jsonResponse(z.object({ status: z.literal("ok") }).openapi("Health"), "The Worker is up") },
});

// the WebSocket endpoint is authenticated by its ticket; it is registered before the guarded router
const open = createRouter<OpenEnv>();
open.route("/", realtimeRouter);
open.route("/", devRouter);

const v1 = createRouter<ChatEnv>();
v1.use(authenticateCaller, requireChatScope, limitWrites);
v1.route("/", roomsRouter);
v1.route("/", attachmentsRouter);
v1.route("/", miscRouter);

// every JSON body is held to 64 KiB; file uploads may be up to MAX_FILE_BYTES
const app = createApp<ChatEnv>({
  maxBodyBytes: 64 * 1024,
  uploads: { maxBytes: MAX_FILE_BYTES + 1024, when: (c) => c.req.method === "POST" && c.req.path.endsWith("/attachments") },
});
app.openapi(healthRoute, (c) => c.json({ status: "ok" as const }, 200));
app.route("/chat/v1", open as never);
app.route("/chat/v1", v1);
app.route("/", webRouter);
mountDocs(app, {
  prefix: "/chat",
  title: "Chat API",
  version: "1.0.0",
  description:
    "Real-time rooms on Durable Objects: one-on-one and group rooms, WebSockets with acks, typing, read receipts, " +
    "reactions, edits and gapless resume (`since`), presence, file sharing, search and notifications. Every route " +
    "under `/chat/v1` needs a Bearer access token (or an `ewk_` API key) with `chat:read` for reads and `chat:write` " +
    "for writes, except the WebSocket endpoint, which takes a single-use ticket. Errors are `application/problem+json`.",
});

export default {
  fetch: app.fetch,
  async queue(batch, env) {
    if (batch.queue === "edgeworks-chat-search") return consumeSearch(batch, env);
    if (batch.queue === "edgeworks-chat-notify") return consumeNotify(batch, env);
  },
} satisfies ExportedHandler<Env>;
