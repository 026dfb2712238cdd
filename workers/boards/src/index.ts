import { createApp, createRouter, DEFAULT_BODY_LIMIT, jsonResponse, mountDocs } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import { authenticateCaller, limitWrites, requireBoardsScope } from "./auth";
import type { BoardsEnv } from "./env";
import { attachmentsRouter, MAX_ATTACHMENT_BYTES } from "./routes/attachments";
import { boardsRouter } from "./routes/boards";
import { feedAdminRouter, feedRouter } from "./routes/calendar-feed";
import { cardsRouter } from "./routes/cards";
import { ticketRouter, wsRouter } from "./routes/realtime";

export { RateLimiter } from "@edgeworks/ratelimit";
export { Board } from "./do/board";

const healthRoute = createRoute({
  method: "get",
  path: "/boards/health",
  tags: ["Health"],
  summary: "Liveness check (no authentication)",
  responses: { 200: jsonResponse(z.object({ status: z.literal("ok") }).openapi("Health"), "The Worker is up") },
});

// the authenticated API: one guarded router, so authentication runs once per request
const v1 = createRouter<BoardsEnv>();
v1.use(authenticateCaller, requireBoardsScope, limitWrites);
v1.route("/", boardsRouter);
v1.route("/", cardsRouter);
v1.route("/", attachmentsRouter);
v1.route("/", ticketRouter);
v1.route("/", feedAdminRouter);

// JSON bodies stay at the platform's 1 MiB; only attachment uploads may be larger (up to 5 MiB).
const app = createApp<BoardsEnv>({
  maxBodyBytes: DEFAULT_BODY_LIMIT,
  uploads: { maxBytes: MAX_ATTACHMENT_BYTES + 1024, when: (c) => c.req.method === "POST" && /\/attachments$/.test(c.req.path) },
});
app.openapi(healthRoute, (c) => c.json({ status: "ok" as const }, 200));
// credentials of their own (a WebSocket ticket, a feed secret): they answer before the guarded router
app.route("/boards/v1", wsRouter as never);
app.route("/boards/v1", feedRouter as never);
app.route("/boards/v1", v1);
mountDocs(app, {
  prefix: "/boards",
  title: "Boards API",
  version: "1.0.0",
  description:
    "Trello-like boards with members (admin, member, observer), lists and cards ordered by fractional position keys, " +
    "race-free moves (every write to a board goes through the board's Durable Object), optimistic concurrency on cards " +
    "(`ETag`/`If-Match`, 412), checklists, comments, R2 attachments, dependencies (a blocked card cannot enter a done list), " +
    "activity logs, search, a calendar view and an iCalendar feed, templates, and a WebSocket per board streaming every " +
    "change as a numbered event (resume with `since`) plus presence. Routes under `/boards/v1` need a Bearer access token " +
    "(or an `ewk_` API key) with `boards:read` / `boards:write`, except the WebSocket (a single-use ticket) and the feed " +
    "(a secret URL). Errors are `application/problem+json` (RFC 9457).",
});

export default app;
