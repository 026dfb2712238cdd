import { errors, jsonBody, jsonResponse } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import { addMemberBody, memberListSchema, memberParams, memberSchema, updateMemberBody, wsParams } from "./schemas";

const base = { tags: ["Members"], security: [{ bearerAuth: [] }] };

export const listMembersRoute = createRoute({
  ...base,
  operationId: "listMembers",
  method: "get",
  path: "/workspaces/{ws}/members",
  summary: "List a workspace's members",
  description: "Any member may look; email and name come from the accounts directory (503 while it is unreachable).",
  request: { params: wsParams },
  responses: { 200: jsonResponse(memberListSchema, "The members, oldest first"), ...errors(401, 403, 404, 422) },
});

export const addMemberRoute = createRoute({
  ...base,
  operationId: "addMember",
  method: "post",
  path: "/workspaces/{ws}/members",
  summary: "Add a member by email",
  description: "Owners only. An email no account has is 422 (`email`); someone already a member is 409.",
  request: { params: wsParams, body: jsonBody(addMemberBody) },
  responses: {
    201: {
      description: "Added",
      headers: z.object({ Location: z.string().openapi({ example: "/gateway/v1/workspaces/acme/members/usr_x" }) }),
      content: { "application/json": { schema: memberSchema } },
    },
    ...errors(400, 401, 403, 404, 409, 413, 415, 422, 429),
  },
});

export const updateMemberRoute = createRoute({
  ...base,
  operationId: "updateMember",
  method: "patch",
  path: "/workspaces/{ws}/members/{userId}",
  summary: "Change a member's role",
  description: "Owners only; the last owner cannot step down (409).",
  request: { params: memberParams, body: jsonBody(updateMemberBody) },
  responses: { 200: jsonResponse(memberSchema, "The member"), ...errors(400, 401, 403, 404, 409, 413, 415, 422, 429) },
});

export const removeMemberRoute = createRoute({
  ...base,
  operationId: "removeMember",
  method: "delete",
  path: "/workspaces/{ws}/members/{userId}",
  summary: "Remove a member",
  description: "Owners remove anyone; any member may remove themselves (leave). The last owner stays (409).",
  request: { params: memberParams },
  responses: { 204: { description: "Removed" }, ...errors(401, 403, 404, 409, 422, 429) },
});
