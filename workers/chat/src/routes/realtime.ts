import { ApiError, createRouter, errors, problemSchema, upgradeRequired } from "@edgeworks/http";
import { refusalToError } from "@edgeworks/realtime";
import { createRoute, z } from "@hono/zod-openapi";
import { roomStub } from "../deps";
import type { OpenEnv } from "../product";
import { roomParams, wsQuery } from "../validation";
import { unsubscribeRouter } from "./email";

export const wsRoute = createRoute({
  operationId: "openRoomSocket",
  tags: ["Realtime"],
  // the single-use ticket in the query is the credential: no Authorization header
  security: [],
  method: "get",
  path: "/rooms/{id}/ws",
  summary: "Open the room's WebSocket",
  description:
    "Authenticated by the single-use `ticket` (no Bearer header: browsers cannot set one on a WebSocket). " +
    "A missing, bad, expired or reused ticket is 401; a ticket of someone who is no longer a member is 403; " +
    "a request without `Upgrade: websocket` is 426 (and leaves the ticket unused). All before any upgrade. " +
    "See the README for the frames (`ready`, `presence {online}`, `error {code, detail}` and `pong` are the shared frames of packages/realtime).",
  request: { params: roomParams, query: wsQuery },
  responses: {
    101: {
      description: "Switching protocols: the socket is open; replay (if `since`) then `ready` follow",
      headers: z.object({ Upgrade: z.literal("websocket").openapi({ description: "The protocol switched to" }) }),
    },
    ...errors(401, 403, 422),
    426: {
      description: "Not a WebSocket request (no `Upgrade: websocket`); the ticket stays unused",
      headers: z.object({ Upgrade: z.literal("websocket").openapi({ description: "The protocol this endpoint speaks" }) }),
      content: { "application/problem+json": { schema: problemSchema } },
    },
  },
});

const TICKET = /^[A-Za-z0-9_-]{20,100}$/;

/**
 * The routes with their own credentials, before the guard: the WebSocket endpoint (the room object checks
 * and consumes the ticket, then takes the socket) and the unsubscribe link of chat emails (email.ts).
 */
export const realtimeRouter = createRouter<OpenEnv>()
  .route("/", unsubscribeRouter)
  .openapi(wsRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { ticket, since } = c.req.valid("query");
    if (!ticket || !TICKET.test(ticket)) throw new ApiError("unauthorized", "The ticket is invalid, expired or already used");
    const forward = new Request(`https://room.internal/ws?${new URLSearchParams({ ticket, ...(since ? { since } : {}) })}`, {
      headers: { Upgrade: c.req.header("Upgrade") ?? "", "X-Chat-Room-Id": id, "X-Request-Id": c.get("requestId") },
    });
    const res = await roomStub(c.env, id).fetch(forward);
    if (res.status === 101) return res;
    if (res.status === 426) throw upgradeRequired("This endpoint only accepts WebSocket upgrades");
    throw await refusalToError(res);
  });
