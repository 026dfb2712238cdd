import { errors, IDEMPOTENCY_NOTE, idempotency, jsonBody, jsonResponse } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import type { JobsEnv } from "../product";
import { idempotencyHeaders, jobParams, listJobsQuery, queueParams, submitJobBody, submitJobsBulkBody } from "../validation";
import { jobListSchema, jobPageSchema, jobSchema } from "./schemas";

const base = { tags: ["Jobs"], security: [{ bearerAuth: [] }] };
const replayed = z.string().optional().openapi({ description: "`true` on a replayed response" });

export const submitJobRoute = createRoute({
  ...base,
  operationId: "submitJob",
  method: "post",
  path: "/queues/{q}/jobs",
  summary: "Submit a job",
  description:
    "201 with the new job; 200 with the existing one when `jobId` names an unfinished job of the queue (dedupe). " +
    "The queue's `defaultJobOptions` fill what the job leaves out. Built-in names check their payload (422); " +
    `an unknown parent or a dependency cycle is 422. ${IDEMPOTENCY_NOTE}`,
  middleware: [idempotency<JobsEnv>({ database: (env) => env.DB })] as const,
  request: { params: queueParams, headers: idempotencyHeaders, body: jsonBody(submitJobBody) },
  responses: {
    200: {
      description: "A job with this `jobId` is unfinished: that job, unchanged",
      headers: z.object({ "Idempotent-Replayed": replayed }),
      content: { "application/json": { schema: jobSchema } },
    },
    201: {
      description: "Submitted",
      headers: z.object({
        Location: z.string().openapi({ example: "/jobs/v1/jobs/j_q_Ab3dEf6hIj9k_V1StGXR8Z5jd" }),
        "Idempotent-Replayed": replayed,
      }),
      content: { "application/json": { schema: jobSchema } },
    },
    ...errors(400, 401, 403, 404, 413, 415, 422, 429),
  },
});

export const submitJobsBulkRoute = createRoute({
  ...base,
  operationId: "submitJobsBulk",
  method: "post",
  path: "/queues/{q}/jobs/bulk",
  summary: "Submit up to 1000 jobs at once",
  description:
    "All or none: one invalid job refuses the call (422, `errors` name `jobs.<i>.…`). Jobs may depend on earlier " +
    `jobs of the same call by \`jobId\`. Dedupe hits return the existing job in place. Bodies up to 16 MiB. ${IDEMPOTENCY_NOTE}`,
  middleware: [idempotency<JobsEnv>({ database: (env) => env.DB })] as const,
  request: { params: queueParams, headers: idempotencyHeaders, body: jsonBody(submitJobsBulkBody) },
  responses: {
    201: {
      description: "The jobs, in the order given",
      headers: z.object({ "Idempotent-Replayed": replayed }),
      content: { "application/json": { schema: jobListSchema } },
    },
    ...errors(400, 401, 403, 404, 413, 415, 422, 429),
  },
});

export const listJobsRoute = createRoute({
  ...base,
  operationId: "listJobs",
  method: "get",
  path: "/queues/{q}/jobs",
  summary: "List a queue's jobs",
  description: "Filtered by `state` and `name`; paginated with `nextCursor`.",
  request: { params: queueParams, query: listJobsQuery },
  responses: { 200: jsonResponse(jobPageSchema, "A page of jobs"), ...errors(401, 403, 404, 422) },
});

export const getJobRoute = createRoute({
  ...base,
  operationId: "getJob",
  method: "get",
  path: "/jobs/{id}",
  summary: "Get a job",
  description: "State, attempts (each with its error and stack), progress, result, logs and the timeline of every transition.",
  request: { params: jobParams },
  responses: { 200: jsonResponse(jobSchema, "The job"), ...errors(401, 403, 404, 422) },
});

export const cancelJobRoute = createRoute({
  ...base,
  operationId: "cancelJob",
  method: "post",
  path: "/jobs/{id}/cancel",
  summary: "Cancel a job",
  description:
    "A job that has not started is cancelled at once; an active one gets `cancelRequested` (its runner stops). A finished job is 409.",
  request: { params: jobParams },
  responses: { 200: jsonResponse(jobSchema, "The job"), ...errors(401, 403, 404, 409, 422, 429) },
});

export const retryJobRoute = createRoute({
  ...base,
  operationId: "retryJob",
  method: "post",
  path: "/jobs/{id}/retry",
  summary: "Retry a job now",
  description: "A `failed` job (waiting for its backoff) runs now; a `dead` one is redriven. Any other state is 409.",
  request: { params: jobParams },
  responses: { 200: jsonResponse(jobSchema, "The job"), ...errors(401, 403, 404, 409, 422, 429) },
});
