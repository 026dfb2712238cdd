import { ApiError, createRouter, upgradeRequired } from "@edgeworks/http";
import { refusalToError } from "@edgeworks/realtime";
import { boardExists, boardForMember, boardStub } from "../board-client";
import { unwrap } from "../do/result";
import type { BoardsEnv, PublicEnv } from "../product";
import { ticketRoute, wsRoute } from "./realtime.openapi";

/** POST …/ticket (authenticated with the API's usual credentials). */
export const ticketRouter = createRouter<BoardsEnv>().openapi(ticketRoute, async (c) => {
  const userId = c.var.auth.userId;
  const board = await boardForMember(c.env, c.req.valid("param").id, userId);
  return c.json(unwrap(await board.issueTicket(userId)), 201);
});

/**
 * GET …/ws: the ticket is the credential. Refusals are problem responses, never a socket: 426 for a
 * plain request (the ticket is not spent), 401 for a bad ticket or an unknown board (a ticket can
 * only be valid for a real board, so nothing is revealed), 403 for someone no longer a member.
 */
export const wsRouter = createRouter<PublicEnv>().openapi(wsRoute, async (c) => {
  const { id } = c.req.valid("param");
  c.req.valid("query");
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
    throw upgradeRequired("This endpoint only speaks WebSocket");
  }
  if (!(await boardExists(c.env, id))) throw new ApiError("unauthorized", "The ticket is invalid, expired or already used");
  const res = await boardStub(c.env, id).fetch(c.req.raw);
  if (res.status === 101) return res;
  throw await refusalToError(res);
});
