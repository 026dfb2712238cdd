import { errors, jsonBody, jsonResponse } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import {
  activityQuery,
  addItemBody,
  boardIdParams,
  cardIdParams,
  checklistParams,
  commentBody,
  commentParams,
  createCardBody,
  createChecklistBody,
  createListBody,
  dependencyBody,
  dependencyParams,
  itemParams,
  listIdParams,
  moveCardBody,
  moveListBody,
  updateCardBody,
  updateItemBody,
  updateListBody,
} from "../validation";
import { activityPageSchema, cardSchema, listSchema } from "../views";
import { auth, cardHeaders, ifMatchHeaders } from "./common";

const lists = { tags: ["Lists"], ...auth };
const cards = { tags: ["Cards"], ...auth };
const writeErrors = errors(400, 401, 403, 404, 409, 413, 415, 422, 429);
const cardResponse = (description: string) => ({
  description,
  headers: cardHeaders,
  content: { "application/json": { schema: cardSchema } },
});

export const createListRoute = createRoute({
  operationId: "createList",
  ...lists,
  method: "post",
  path: "/boards/{id}/lists",
  summary: "Add a list to a board",
  request: { params: boardIdParams, body: jsonBody(createListBody) },
  responses: { 201: jsonResponse(listSchema, "The list"), ...writeErrors },
});

export const updateListRoute = createRoute({
  operationId: "updateList",
  ...lists,
  method: "patch",
  path: "/lists/{listId}",
  summary: "Rename a list, mark it done, or archive it",
  request: { params: listIdParams, body: jsonBody(updateListBody) },
  responses: { 200: jsonResponse(listSchema, "The list"), ...writeErrors },
});

export const moveListRoute = createRoute({
  operationId: "moveList",
  ...lists,
  method: "post",
  path: "/lists/{listId}/move",
  summary: "Move a list within its board",
  request: { params: listIdParams, body: jsonBody(moveListBody) },
  responses: { 200: jsonResponse(listSchema, "The list at its new position"), ...writeErrors },
});

export const createCardRoute = createRoute({
  operationId: "createCard",
  ...cards,
  method: "post",
  path: "/lists/{listId}/cards",
  summary: "Add a card to a list",
  description: "`pos` defaults to `bottom`. Assignees must be members of the board (422).",
  request: { params: listIdParams, body: jsonBody(createCardBody) },
  responses: {
    201: {
      description: "The card",
      headers: cardHeaders.extend({ Location: z.string().openapi({ example: "/boards/v1/cards/Ab3dEf6hIj9kLm2n-cQr5sTu8vWx1" }) }),
      content: { "application/json": { schema: cardSchema } },
    },
    ...writeErrors,
  },
});

export const getCardRoute = createRoute({
  operationId: "getCard",
  ...cards,
  method: "get",
  path: "/cards/{id}",
  summary: "A card, with its ETag",
  request: { params: cardIdParams },
  responses: { 200: cardResponse("The card"), ...errors(401, 403, 404, 422) },
});

export const updateCardRoute = createRoute({
  operationId: "updateCard",
  ...cards,
  method: "patch",
  path: "/cards/{id}",
  summary: "Change some fields of a card (archive with `archived: true`)",
  description: "With `If-Match`, a stale ETag is 412 and nothing changes.",
  request: { params: cardIdParams, headers: ifMatchHeaders, body: jsonBody(updateCardBody) },
  responses: { 200: cardResponse("The card"), ...writeErrors, ...errors(412) },
});

export const deleteCardRoute = createRoute({
  operationId: "deleteCard",
  ...cards,
  method: "delete",
  path: "/cards/{id}",
  summary: "Delete a card (and its attachments)",
  request: { params: cardIdParams, headers: ifMatchHeaders },
  responses: { 204: { description: "Deleted" }, ...errors(401, 403, 404, 412, 422, 429) },
});

export const moveCardRoute = createRoute({
  operationId: "moveCard",
  ...cards,
  method: "post",
  path: "/cards/{id}/move",
  summary: "Move a card to a position in a list (the same or another), in one step",
  description:
    "Race-free: the board applies concurrent moves one at a time. 409 when `{after, before}` are not neighbours (or not in the " +
    "target list), or when a blocked card would enter a done list; 412 with a stale `If-Match`.",
  request: { params: cardIdParams, headers: ifMatchHeaders, body: jsonBody(moveCardBody) },
  responses: { 200: cardResponse("The card at its new position"), ...writeErrors, ...errors(412) },
});

export const addChecklistRoute = createRoute({
  operationId: "addChecklist",
  ...cards,
  method: "post",
  path: "/cards/{id}/checklists",
  summary: "Add a checklist (optionally with items)",
  request: { params: cardIdParams, body: jsonBody(createChecklistBody) },
  responses: { 201: cardResponse("The card"), ...writeErrors },
});

export const deleteChecklistRoute = createRoute({
  operationId: "deleteChecklist",
  ...cards,
  method: "delete",
  path: "/cards/{id}/checklists/{checklistId}",
  summary: "Remove a checklist",
  request: { params: checklistParams },
  responses: { 200: cardResponse("The card"), ...errors(401, 403, 404, 422, 429) },
});

export const addItemRoute = createRoute({
  operationId: "addChecklistItem",
  ...cards,
  method: "post",
  path: "/cards/{id}/checklists/{checklistId}/items",
  summary: "Add an item to a checklist",
  request: { params: checklistParams, body: jsonBody(addItemBody) },
  responses: { 201: cardResponse("The card"), ...writeErrors },
});

export const updateItemRoute = createRoute({
  operationId: "updateChecklistItem",
  ...cards,
  method: "patch",
  path: "/cards/{id}/checklists/{checklistId}/items/{itemId}",
  summary: "Tick, untick or rename a checklist item",
  request: { params: itemParams, body: jsonBody(updateItemBody) },
  responses: { 200: cardResponse("The card"), ...writeErrors },
});

export const addCommentRoute = createRoute({
  operationId: "addComment",
  ...cards,
  method: "post",
  path: "/cards/{id}/comments",
  summary: "Comment on a card",
  request: { params: cardIdParams, body: jsonBody(commentBody) },
  responses: { 201: cardResponse("The card"), ...writeErrors },
});

export const editCommentRoute = createRoute({
  operationId: "editComment",
  ...cards,
  method: "patch",
  path: "/cards/{id}/comments/{commentId}",
  summary: "Edit your comment",
  description: "Only the author may (403 for anyone else, admins included).",
  request: { params: commentParams, body: jsonBody(commentBody) },
  responses: { 200: cardResponse("The card"), ...writeErrors },
});

export const deleteCommentRoute = createRoute({
  operationId: "deleteComment",
  ...cards,
  method: "delete",
  path: "/cards/{id}/comments/{commentId}",
  summary: "Delete a comment (its author or a board admin)",
  request: { params: commentParams },
  responses: { 200: cardResponse("The card"), ...errors(401, 403, 404, 422, 429) },
});

export const addDependencyRoute = createRoute({
  operationId: "addCardDependency",
  ...cards,
  method: "post",
  path: "/cards/{id}/dependencies",
  summary: "Mark the card as blocked by (`blockedBy`) or blocking (`blocks`) another card of the same board",
  description: "Another board's or an unknown card is 422; a cycle or a duplicate is 409.",
  request: { params: cardIdParams, body: jsonBody(dependencyBody) },
  responses: { 201: cardResponse("The card"), ...writeErrors },
});

export const removeDependencyRoute = createRoute({
  operationId: "removeCardDependency",
  ...cards,
  method: "delete",
  path: "/cards/{id}/dependencies/{blockerId}",
  summary: "Remove a blocker",
  request: { params: dependencyParams },
  responses: { 200: cardResponse("The card"), ...errors(401, 403, 404, 422, 429) },
});

export const cardActivityRoute = createRoute({
  operationId: "listCardActivity",
  ...cards,
  method: "get",
  path: "/cards/{id}/activity",
  summary: "The card's activity log, newest first",
  request: { params: cardIdParams, query: activityQuery },
  responses: { 200: jsonResponse(activityPageSchema, "A page of activity"), ...errors(401, 403, 404, 422) },
});
