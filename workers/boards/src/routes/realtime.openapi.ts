import { errors, jsonResponse, problemSchema } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import { boardIdParams } from "../validation";
import { ticketSchema } from "../views";
import { auth } from "./common";

export const ticketRoute = createRoute({
  operationId: "createBoardTicket",
  tags: ["Real time"],
  ...auth,
  method: "post",
  path: "/boards/{id}/ticket",
  summary: "A single-use ticket to open the board's WebSocket",
  description: "Valid for 60 s and one upgrade; any member (observers too) may take one.",
  request: { params: boardIdParams },
  responses: { 201: jsonResponse(ticketSchema, "The ticket"), ...errors(401, 403, 404, 422, 429) },
});

export const wsQuery = z.object({
  ticket: z.string().max(200).optional().openapi({ description: "From `POST /boards/{id}/ticket`; missing, bad, expired or used: 401" }),
  since: z.coerce
    .number()
    .int()
    .min(0)
    .max(Number.MAX_SAFE_INTEGER)
    .optional()
    .openapi({ description: "Replay every event with `seq > since` before `ready` (resume after a disconnect)" }),
});

export const wsRoute = createRoute({
  operationId: "openBoardSocket",
  tags: ["Real time"],
  // the ticket in the query is the credential: no Authorization header
  security: [],
  method: "get",
  path: "/boards/{id}/ws",
  summary: "The board's live event stream (WebSocket)",
  description:
    "Authenticated by the ticket alone (browsers cannot send headers on an upgrade). Server frames: numbered events " +
    "`{type, seq, at, actorId, …}`, then `ready {seq, userId}` after any replay, `presence {online}` on join/leave, `pong`, " +
    "`error {code, detail}` (the shared realtime frames of packages/realtime). " +
    'Client frames: `{"type":"ping"}` (64 KiB max; bigger closes with 1009).',
  request: { params: boardIdParams, query: wsQuery },
  responses: {
    101: {
      description: "Switching protocols: the WebSocket",
      headers: z.object({ Upgrade: z.literal("websocket").openapi({ description: "The protocol switched to" }) }),
    },
    401: { description: "Missing, invalid, expired or reused ticket", content: { "application/problem+json": { schema: problemSchema } } },
    403: { description: "No longer a member", content: { "application/problem+json": { schema: problemSchema } } },
    422: { description: "Invalid `since`", content: { "application/problem+json": { schema: problemSchema } } },
    426: {
      description: "Not a WebSocket upgrade (no `Upgrade: websocket`); the ticket stays unused",
      headers: z.object({ Upgrade: z.literal("websocket").openapi({ description: "The protocol this endpoint speaks" }) }),
      content: { "application/problem+json": { schema: problemSchema } },
    },
  },
});
