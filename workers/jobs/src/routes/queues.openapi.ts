import { errors, IDEMPOTENCY_NOTE, idempotency, jsonBody, jsonResponse } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import type { JobsEnv } from "../product";
import { createQueueBody, idempotencyHeaders, listQueuesQuery, queueParams, updateQueueBody } from "../validation";
import { queuePageSchema, queueSchema } from "./schemas";

const base = { tags: ["Queues"], security: [{ bearerAuth: [] }] };

export const listQueuesRoute = createRoute({
  ...base,
  operationId: "listQueues",
  method: "get",
  path: "/queues",
  summary: "List queues",
  description: "The caller's queues by name, each with its jobs per state; keyset-paginated (`nextCursor`).",
  request: { query: listQueuesQuery },
  responses: { 200: jsonResponse(queuePageSchema, "A page of queues"), ...errors(401, 403, 422) },
});

export const createQueueRoute = createRoute({
  ...base,
  operationId: "createQueue",
  method: "post",
  path: "/queues",
  summary: "Create a queue",
  description: `Names are unique per owner (409 when taken). Unset settings take their defaults. ${IDEMPOTENCY_NOTE}`,
  middleware: [idempotency<JobsEnv>({ database: (env) => env.DB })] as const,
  request: { headers: idempotencyHeaders, body: jsonBody(createQueueBody) },
  responses: {
    201: {
      description: "Created",
      headers: z.object({
        Location: z.string().openapi({ example: "/jobs/v1/queues/emails" }),
        "Idempotent-Replayed": z.string().optional().openapi({ description: "`true` on a replayed response" }),
      }),
      content: { "application/json": { schema: queueSchema } },
    },
    ...errors(400, 401, 403, 409, 413, 415, 422, 429),
  },
});

export const getQueueRoute = createRoute({
  ...base,
  operationId: "getQueue",
  method: "get",
  path: "/queues/{q}",
  summary: "Get a queue",
  description: "`{q}` is the queue's name or id. With its jobs per state.",
  request: { params: queueParams },
  responses: { 200: jsonResponse(queueSchema, "The queue"), ...errors(401, 403, 404, 422) },
});

export const updateQueueRoute = createRoute({
  ...base,
  operationId: "updateQueue",
  method: "patch",
  path: "/queues/{q}",
  summary: "Change a queue's settings",
  description: "Only the given fields change (`rateLimit: null` removes the limit); unpausing resumes dispatch at once.",
  request: { params: queueParams, body: jsonBody(updateQueueBody) },
  responses: { 200: jsonResponse(queueSchema, "The queue"), ...errors(400, 401, 403, 404, 409, 413, 415, 422, 429) },
});

export const deleteQueueRoute = createRoute({
  ...base,
  operationId: "deleteQueue",
  method: "delete",
  path: "/queues/{q}",
  summary: "Delete a queue with all its jobs and schedules",
  request: { params: queueParams },
  responses: { 204: { description: "Deleted" }, ...errors(401, 403, 404, 422, 429) },
});
