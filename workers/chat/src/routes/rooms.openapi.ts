import { errors, jsonBody, jsonResponse, problemSchema } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import {
  addMemberBody,
  createRoomBody,
  dmBody,
  historyQuery,
  historySchema,
  listRoomsQuery,
  memberParams,
  memberSchema,
  renameRoomBody,
  roomListSchema,
  roomParams,
  roomSchema,
  ticketSchema,
  updateMemberBody,
} from "../validation";

const base = { tags: ["Rooms"], security: [{ bearerAuth: [] }] };
const unavailable = {
  503: { description: "The user directory (accounts) is unavailable", content: { "application/problem+json": { schema: problemSchema } } },
};
const writeErrors = errors(400, 401, 403, 404, 409, 413, 415, 422, 429);

export const createRoomRoute = createRoute({
  operationId: "createRoom",
  ...base,
  method: "post",
  path: "/rooms",
  summary: "Create a group room",
  description: "The caller becomes its owner; `memberIds` join as members. Unknown users are 422.",
  request: { body: jsonBody(createRoomBody) },
  responses: {
    201: { description: "Created", headers: z.object({ Location: z.string() }), content: { "application/json": { schema: roomSchema } } },
    ...errors(400, 401, 403, 413, 415, 422, 429),
    ...unavailable,
  },
});

export const openDmRoute = createRoute({
  operationId: "openDm",
  tags: ["Rooms"],
  security: [{ bearerAuth: [] }],
  method: "post",
  path: "/dm",
  summary: "Open the one-on-one room with a user",
  description: "Returns the existing room (200) if there is one, else creates it (201). Yourself or an unknown user is 422.",
  request: { body: jsonBody(dmBody) },
  responses: {
    200: jsonResponse(roomSchema, "The existing room"),
    201: { description: "Created", headers: z.object({ Location: z.string() }), content: { "application/json": { schema: roomSchema } } },
    ...errors(400, 401, 403, 409, 413, 415, 422, 429),
    ...unavailable,
  },
});

export const listRoomsRoute = createRoute({
  operationId: "listRooms",
  ...base,
  method: "get",
  path: "/rooms",
  summary: "List my rooms",
  description: "Most recently active first, with the last message and my unread count.",
  request: { query: listRoomsQuery },
  responses: { 200: jsonResponse(roomListSchema, "A page of rooms"), ...errors(401, 403, 422) },
});

export const getRoomRoute = createRoute({
  operationId: "getRoom",
  ...base,
  method: "get",
  path: "/rooms/{id}",
  summary: "Get a room with its members",
  request: { params: roomParams },
  responses: { 200: jsonResponse(roomSchema, "The room"), ...errors(401, 403, 404, 422) },
});

export const renameRoomRoute = createRoute({
  operationId: "renameRoom",
  ...base,
  method: "patch",
  path: "/rooms/{id}",
  summary: "Rename a group room (owner or admin)",
  description: "One-on-one rooms cannot be renamed (409). A member's rename is 403. Members see a `room` event.",
  request: { params: roomParams, body: jsonBody(renameRoomBody) },
  responses: { 200: jsonResponse(roomSchema, "The renamed room"), ...writeErrors },
});

export const addMemberRoute = createRoute({
  operationId: "addMember",
  ...base,
  method: "post",
  path: "/rooms/{id}/members",
  summary: "Invite a user (owner or admin)",
  description: "Only the owner adds admins. Already a member, a one-on-one room or a full room (500) is 409.",
  request: { params: roomParams, body: jsonBody(addMemberBody) },
  responses: { 201: jsonResponse(memberSchema, "The new member"), ...writeErrors, ...unavailable },
});

export const updateMemberRoute = createRoute({
  operationId: "updateMember",
  ...base,
  method: "patch",
  path: "/rooms/{id}/members/{userId}",
  summary: "Change a member's role (owner only)",
  description: "`owner` hands ownership over; the previous owner becomes an admin.",
  request: { params: memberParams, body: jsonBody(updateMemberBody) },
  responses: { 200: jsonResponse(roomSchema, "The room"), ...writeErrors },
});

export const removeMemberRoute = createRoute({
  operationId: "removeMember",
  ...base,
  method: "delete",
  path: "/rooms/{id}/members/{userId}",
  summary: "Remove a member (owner: anyone, admin: members); yourself: leave",
  description: "The removed user's sockets are closed (code 4003).",
  request: { params: memberParams },
  responses: { 204: { description: "Removed" }, ...errors(401, 403, 404, 409, 422, 429) },
});

export const leaveRoomRoute = createRoute({
  operationId: "leaveRoom",
  ...base,
  method: "post",
  path: "/rooms/{id}/leave",
  summary: "Leave a group room",
  description: "An owner's room passes to the longest-standing admin, else member; the last one out deletes it. One-on-one rooms: 409.",
  request: { params: roomParams },
  responses: { 204: { description: "Left" }, ...errors(401, 403, 404, 409, 422, 429) },
});

export const historyRoute = createRoute({
  operationId: "listMessages",
  tags: ["Messages"],
  security: [{ bearerAuth: [] }],
  method: "get",
  path: "/rooms/{id}/messages",
  summary: "Message history",
  description: "The newest `limit` messages with seq < `before`, oldest first; works with nobody connected.",
  request: { params: roomParams, query: historyQuery },
  responses: { 200: jsonResponse(historySchema, "A page of messages"), ...errors(401, 403, 404, 422) },
});

export const ticketRoute = createRoute({
  operationId: "createRoomTicket",
  tags: ["Realtime"],
  security: [{ bearerAuth: [] }],
  method: "post",
  path: "/rooms/{id}/ticket",
  summary: "Get a WebSocket ticket",
  description: "Single use, valid 60 s: open `GET /chat/v1/rooms/{id}/ws?ticket=…&since=…` with it.",
  request: { params: roomParams },
  responses: { 201: jsonResponse(ticketSchema, "The ticket"), ...errors(401, 403, 404, 422, 429) },
});
