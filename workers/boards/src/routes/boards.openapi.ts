import { errors, jsonBody, jsonResponse } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import {
  activityQuery,
  addMemberBody,
  boardIdParams,
  calendarQuery,
  createBoardBody,
  memberParams,
  saveTemplateBody,
  searchQuery,
  updateBoardBody,
  updateMemberBody,
} from "../validation";
import { activityPageSchema, boardSchema, boardSummarySchema, cardListSchema, memberSchema } from "../views";
import { auth, directoryUnavailableResponse } from "./common";

const base = { tags: ["Boards"], ...auth };
const created = (description: string) => ({
  description,
  headers: z.object({ Location: z.string().openapi({ example: "/boards/v1/boards/Ab3dEf6hIj9kLm2n" }) }),
  content: { "application/json": { schema: boardSchema } },
});
const readErrors = errors(401, 403, 404, 422);
const writeErrors = errors(400, 401, 403, 404, 409, 413, 415, 422, 429);

export const createBoardRoute = createRoute({
  operationId: "createBoard",
  ...base,
  method: "post",
  path: "/boards",
  summary: "Create a board (optionally from a template)",
  description:
    "The caller becomes its admin. With `templateId`, the template's lists and cards (titles, descriptions, labels, checklists) are copied.",
  request: { body: jsonBody(createBoardBody) },
  responses: { 201: created("The new board"), ...writeErrors },
});

export const listBoardsRoute = createRoute({
  operationId: "listBoards",
  ...base,
  method: "get",
  path: "/boards",
  summary: "The boards I belong to",
  request: {
    query: z.object({
      template: z.enum(["true", "false"]).optional().openapi({ description: "`true`: only templates; `false`: only boards" }),
    }),
  },
  responses: {
    200: jsonResponse(z.object({ items: z.array(boardSummarySchema) }).openapi("BoardList"), "Newest first"),
    ...errors(401, 403, 422),
  },
});

export const getBoardRoute = createRoute({
  operationId: "getBoard",
  ...base,
  method: "get",
  path: "/boards/{id}",
  summary: "A board with its lists and cards in order",
  description: "Live (not archived) lists by `pos`, each with its live cards by `pos`, the members and the last event `seq`.",
  request: { params: boardIdParams },
  responses: { 200: jsonResponse(boardSchema, "The board"), ...readErrors },
});

export const updateBoardRoute = createRoute({
  operationId: "updateBoard",
  ...base,
  method: "patch",
  path: "/boards/{id}",
  summary: "Rename a board (admins)",
  request: { params: boardIdParams, body: jsonBody(updateBoardBody) },
  responses: { 200: jsonResponse(boardSchema, "The board"), ...writeErrors },
});

export const deleteBoardRoute = createRoute({
  operationId: "deleteBoard",
  ...base,
  method: "delete",
  path: "/boards/{id}",
  summary: "Delete a board (admins)",
  description: "Its sockets are closed (code 4404) and its attachments deleted.",
  request: { params: boardIdParams },
  responses: { 204: { description: "Deleted" }, ...errors(401, 403, 404, 422, 429) },
});

export const saveTemplateRoute = createRoute({
  operationId: "saveBoardAsTemplate",
  ...base,
  method: "post",
  path: "/boards/{id}/template",
  summary: "Save a board as a template",
  description: "Any member may: a new board with `isTemplate: true`, owned by the caller, holding a copy of the live lists and cards.",
  request: { params: boardIdParams, body: jsonBody(saveTemplateBody) },
  responses: { 201: created("The template"), ...writeErrors },
});

export const addMemberRoute = createRoute({
  operationId: "addBoardMember",
  ...base,
  method: "post",
  path: "/boards/{id}/members",
  summary: "Add a member by email or user id (admins)",
  description: "An unknown email is 422; someone already on the board is 409; 503 while the user directory cannot be asked.",
  request: { params: boardIdParams, body: jsonBody(addMemberBody) },
  responses: { 201: jsonResponse(memberSchema, "The member"), ...writeErrors, ...directoryUnavailableResponse },
});

export const updateMemberRoute = createRoute({
  operationId: "updateBoardMember",
  ...base,
  method: "patch",
  path: "/boards/{id}/members/{userId}",
  summary: "Change a member's role (admins)",
  description: "Demoting the last admin is 409.",
  request: { params: memberParams, body: jsonBody(updateMemberBody) },
  responses: { 200: jsonResponse(memberSchema, "The member"), ...writeErrors },
});

export const removeMemberRoute = createRoute({
  operationId: "removeBoardMember",
  ...base,
  method: "delete",
  path: "/boards/{id}/members/{userId}",
  summary: "Remove a member (admins), or leave (yourself)",
  description: "The last admin cannot leave (409). The removed member's sockets are closed (code 4403).",
  request: { params: memberParams },
  responses: { 204: { description: "Removed" }, ...errors(401, 403, 404, 409, 422, 429) },
});

export const boardActivityRoute = createRoute({
  operationId: "listBoardActivity",
  ...base,
  method: "get",
  path: "/boards/{id}/activity",
  summary: "The board's activity log, newest first",
  description: "Every change: who (`actorId`), what (`type`, `detail`), when (`at`); `seq` is the WebSocket event number.",
  request: { params: boardIdParams, query: activityQuery },
  responses: { 200: jsonResponse(activityPageSchema, "A page of activity"), ...readErrors },
});

export const searchCardsRoute = createRoute({
  operationId: "searchCards",
  ...base,
  method: "get",
  path: "/boards/{id}/cards",
  summary: "Search and filter the board's cards",
  description: "All filters combine (AND). Text matches title or description, ignoring ASCII case. At most 500 cards, in board order.",
  request: { params: boardIdParams, query: searchQuery },
  responses: { 200: jsonResponse(cardListSchema, "Matching cards"), ...readErrors },
});

export const calendarRoute = createRoute({
  operationId: "listDueCards",
  ...base,
  method: "get",
  path: "/boards/{id}/calendar",
  summary: "Cards due in a time range",
  description: "Live cards with `from <= dueAt < to`, soonest first; the range is at most 366 days.",
  request: { params: boardIdParams, query: calendarQuery },
  responses: { 200: jsonResponse(cardListSchema, "Due cards"), ...readErrors },
});
