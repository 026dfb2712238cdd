import { DEFAULT_BODY_LIMIT } from "@edgeworks/http";
import { defineProduct, type GuardedEnv, type PublicEnv as OpenEnv } from "@edgeworks/product";
import { MAX_ATTACHMENT_BYTES } from "./routes/attachments";

/** The Hono environment of the guarded API: generated bindings plus the authenticated principal. */
export type BoardsEnv = GuardedEnv<Env>;
/** Routes that authenticate otherwise (a WebSocket ticket, a feed secret). */
export type PublicEnv = OpenEnv<Env>;

/**
 * The boards product: health at `/boards/health`, docs at `/boards/docs`, the WebSocket (a single-use
 * ticket) and the calendar feed (a secret URL) on the open router, the rest of `/boards/v1` behind one
 * guard (a Bearer token or `ewk_` API key, `boards:read`/`boards:write`, 600 writes per user per minute).
 */
export const boards = defineProduct<Env>({
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
  // JSON bodies stay at the platform's 1 MiB; only attachment uploads may be larger (up to 5 MiB).
  app: {
    maxBodyBytes: DEFAULT_BODY_LIMIT,
    uploads: { maxBytes: MAX_ATTACHMENT_BYTES + 1024, when: (c) => c.req.method === "POST" && /\/attachments$/.test(c.req.path) },
  },
});
