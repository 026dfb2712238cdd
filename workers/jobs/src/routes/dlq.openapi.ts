import { errors, jsonBody, jsonResponse } from "@edgeworks/http";
import { createRoute } from "@hono/zod-openapi";
import { jobParams, listDeadQuery, queueParams } from "../validation";
import { deadSelectionBody, editPayloadBody } from "../worker-validation";
import { jobPageSchema, jobSchema, purgedSchema, redrivenSchema } from "./schemas";

const base = { tags: ["Dead letters"], security: [{ bearerAuth: [] }] };
const selectionErrors = errors(400, 401, 403, 404, 413, 415, 422, 429);

export const listDeadJobsRoute = createRoute({
  ...base,
  operationId: "listDeadJobs",
  method: "get",
  path: "/queues/{q}/dlq",
  summary: "List dead jobs",
  description: "Jobs that used up their attempts (or failed permanently), newest first, with their errors; paginated.",
  request: { params: queueParams, query: listDeadQuery },
  responses: { 200: jsonResponse(jobPageSchema, "A page of dead jobs"), ...errors(401, 403, 404, 422) },
});

export const editDeadPayloadRoute = createRoute({
  ...base,
  operationId: "editDeadJobPayload",
  method: "patch",
  path: "/jobs/{id}/payload",
  summary: "Replace a dead job's payload",
  description: "Before a redrive; only a `dead` job (409 otherwise). A built-in name checks the new payload (422).",
  request: { params: jobParams, body: jsonBody(editPayloadBody) },
  responses: { 200: jsonResponse(jobSchema, "The job"), ...errors(400, 401, 403, 404, 409, 413, 415, 422, 429) },
});

export const redriveDeadJobsRoute = createRoute({
  ...base,
  operationId: "redriveDeadJobs",
  method: "post",
  path: "/queues/{q}/dlq/redrive",
  summary: "Redrive dead jobs",
  description:
    "`{ids}` or `{all: true, name?}`: each is waiting again with fresh attempts. Ids that are not dead jobs of the queue are skipped.",
  request: { params: queueParams, body: jsonBody(deadSelectionBody) },
  responses: { 200: jsonResponse(redrivenSchema, "How many were redriven"), ...selectionErrors },
});

export const purgeDeadJobsRoute = createRoute({
  ...base,
  operationId: "purgeDeadJobs",
  method: "post",
  path: "/queues/{q}/dlq/purge",
  summary: "Delete dead jobs",
  description: "`{ids}` or `{all: true, name?}`.",
  request: { params: queueParams, body: jsonBody(deadSelectionBody) },
  responses: { 200: jsonResponse(purgedSchema, "How many were deleted"), ...selectionErrors },
});
