import { createRouter, errors, jsonResponse } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import { boardStub } from "../board-client";
import { boardsDb } from "../board-index";
import { createFeed, feedBoards, revokeFeed } from "../calendar/feeds";
import { dueCardsCalendar } from "../calendar/ics";
import type { BoardsEnv, PublicEnv } from "../product";
import { feedSchema } from "../views";
import { auth } from "./common";

const FEED_FILE = /^([A-Za-z0-9_-]{43})\.ics$/;

const createFeedRoute = createRoute({
  operationId: "createCalendarFeed",
  tags: ["Calendar"],
  ...auth,
  method: "post",
  path: "/calendar-feed",
  summary: "Create (or regenerate) my iCalendar feed URL",
  description:
    "The URL carries a secret and needs no other credential: keep it private. Calling again makes a new URL and the old one stops working.",
  responses: { 201: jsonResponse(feedSchema, "The feed URL (shown once)"), ...errors(401, 403, 429) },
});

const revokeFeedRoute = createRoute({
  operationId: "revokeCalendarFeed",
  tags: ["Calendar"],
  ...auth,
  method: "delete",
  path: "/calendar-feed",
  summary: "Revoke my iCalendar feed URL",
  responses: { 204: { description: "Revoked" }, ...errors(401, 403, 404, 429) },
});

const feedRoute = createRoute({
  operationId: "getCalendarFeed",
  tags: ["Calendar"],
  // the secret in the file name is the credential: no Authorization header
  security: [],
  method: "get",
  path: "/calendar/{file}",
  summary: "iCalendar feed of my due cards (`<secret>.ics`)",
  description:
    "RFC 5545, `text/calendar`: one VEVENT per live card with a due date, from every board (not templates) I belong to. " +
    "The secret is looked up by its SHA-256, so comparing it leaks nothing by timing. Unknown or revoked: 404.",
  request: {
    params: z.object({
      file: z
        .string()
        .regex(FEED_FILE, "Must be `<secret>.ics`")
        .openapi({ param: { name: "file", in: "path" }, example: "Qm9hcmRzIGFyZSBmdW4gYW5kIHNlY3JldHMgYXJlIGc.ics" }),
    }),
  },
  responses: {
    200: { description: "The calendar", content: { "text/calendar": { schema: z.string() } } },
    ...errors(404, 422),
  },
});

/** POST/DELETE /calendar-feed (authenticated). */
export const feedAdminRouter = createRouter<BoardsEnv>()
  .openapi(createFeedRoute, async (c) => {
    const { secret, createdAt } = await createFeed({ db: boardsDb(c.env.DB), now: Date.now }, c.var.auth.userId);
    const url = `${new URL(c.req.url).origin}/boards/v1/calendar/${secret}.ics`;
    c.header("Cache-Control", "no-store");
    return c.json({ url, createdAt: new Date(createdAt).toISOString() }, 201);
  })
  .openapi(revokeFeedRoute, async (c) => {
    await revokeFeed(boardsDb(c.env.DB), c.var.auth.userId);
    return c.body(null, 204);
  });

/** GET /calendar/{secret}.ics: the secret is the credential (calendar apps send no headers). */
export const feedRouter = createRouter<PublicEnv>().openapi(feedRoute, async (c) => {
  const secret = c.req.valid("param").file.match(FEED_FILE)?.[1] ?? "";
  const { userId, boardIds } = await feedBoards(boardsDb(c.env.DB), secret);
  const perBoard = await Promise.all(boardIds.map((id) => boardStub(c.env, id).dueCards(userId)));
  const body = dueCardsCalendar(perBoard.flat(), new URL(c.req.url).origin);
  return c.body(body, 200, {
    "Content-Type": "text/calendar; charset=utf-8",
    "Cache-Control": "private, max-age=300",
  });
});
