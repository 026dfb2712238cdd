import { errors, IDEMPOTENCY_NOTE, idempotency, idempotencyKeyHeaders, jsonBody, jsonResponse } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import type { GatewayEnv } from "../product";
import { createWorkspaceBody, listWorkspacesQuery, updateWorkspaceBody, workspacePageSchema, workspaceSchema, wsParams } from "./schemas";

const base = { tags: ["Workspaces"], security: [{ bearerAuth: [] }] };

export const listWorkspacesRoute = createRoute({
  ...base,
  operationId: "listWorkspaces",
  method: "get",
  path: "/workspaces",
  summary: "List my workspaces",
  description: "The workspaces the caller is a member of, by slug, with their role; keyset-paginated (`nextCursor`).",
  request: { query: listWorkspacesQuery },
  responses: { 200: jsonResponse(workspacePageSchema, "A page of workspaces"), ...errors(401, 403, 422) },
});

export const createWorkspaceRoute = createRoute({
  ...base,
  operationId: "createWorkspace",
  method: "post",
  path: "/workspaces",
  summary: "Create a workspace",
  description:
    "The caller becomes its owner; its config starts as version 1 (empty). Traffic reaches it at `/gw/{slug}/…`. " +
    `A taken slug is 409. ${IDEMPOTENCY_NOTE}`,
  middleware: [idempotency<GatewayEnv>({ database: (env) => env.DB })] as const,
  request: { headers: idempotencyKeyHeaders(), body: jsonBody(createWorkspaceBody) },
  responses: {
    201: {
      description: "Created",
      headers: z.object({ Location: z.string().openapi({ example: "/gateway/v1/workspaces/acme" }) }),
      content: { "application/json": { schema: workspaceSchema } },
    },
    ...errors(400, 401, 403, 409, 413, 415, 422, 429),
  },
});

export const getWorkspaceRoute = createRoute({
  ...base,
  operationId: "getWorkspace",
  method: "get",
  path: "/workspaces/{ws}",
  summary: "Get a workspace",
  description: "404 for anyone who is not a member (its existence is not revealed).",
  request: { params: wsParams },
  responses: { 200: jsonResponse(workspaceSchema, "The workspace"), ...errors(401, 403, 404, 422) },
});

export const updateWorkspaceRoute = createRoute({
  ...base,
  operationId: "updateWorkspace",
  method: "patch",
  path: "/workspaces/{ws}",
  summary: "Rename a workspace",
  description: "Owners only. The slug never changes (it is in every proxied URL).",
  request: { params: wsParams, body: jsonBody(updateWorkspaceBody) },
  responses: { 200: jsonResponse(workspaceSchema, "The workspace"), ...errors(400, 401, 403, 404, 413, 415, 422, 429) },
});

export const deleteWorkspaceRoute = createRoute({
  ...base,
  operationId: "deleteWorkspace",
  method: "delete",
  path: "/workspaces/{ws}",
  summary: "Delete a workspace",
  description: "Owners only: its config history, keys and members go with it, and its proxied traffic stops.",
  request: { params: wsParams },
  responses: { 204: { description: "Deleted" }, ...errors(401, 403, 404, 422, 429) },
});
