import { errors, jsonBody, jsonResponse } from "@edgeworks/http";
import { createRoute } from "@hono/zod-openapi";
import { jobParams, queueParams } from "../validation";
import { completeBody, failBody, heartbeatBody, leaseBody, logBody, progressBody } from "../worker-validation";
import { heartbeatSchema, jobSchema, leasedListSchema, progressSchema } from "./schemas";

// External workers: lease ready jobs, then report on each with the lease token. A token that is not the
// job's current lease (another lease took over after a lapse, or the job finished) is 409.
const base = { tags: ["Workers"], security: [{ bearerAuth: [] }] };
const leaseErrors = errors(400, 401, 403, 404, 409, 413, 415, 422, 429);

export const leaseJobsRoute = createRoute({
  ...base,
  operationId: "leaseJobs",
  method: "post",
  path: "/queues/{q}/lease",
  summary: "Lease ready jobs",
  description:
    "Up to `max` ready jobs of the given names (default: every name that is not built-in), in priority order, each " +
    "with a token and `leaseUntil`. Heartbeat before then or the job is stalled and re-queued. An empty list when none is ready.",
  request: { params: queueParams, body: jsonBody(leaseBody) },
  responses: { 200: jsonResponse(leasedListSchema, "The leased jobs"), ...errors(400, 401, 403, 404, 413, 415, 422, 429) },
});

export const heartbeatJobRoute = createRoute({
  ...base,
  operationId: "heartbeatJob",
  method: "post",
  path: "/jobs/{id}/heartbeat",
  summary: "Extend a lease",
  description: "Extends the lease by `leaseSeconds` (default: the leased length); `cancelRequested` tells the worker to stop.",
  request: { params: jobParams, body: jsonBody(heartbeatBody) },
  responses: { 200: jsonResponse(heartbeatSchema, "The new lease"), ...leaseErrors },
});

export const reportProgressRoute = createRoute({
  ...base,
  operationId: "reportJobProgress",
  method: "post",
  path: "/jobs/{id}/progress",
  summary: "Report progress",
  request: { params: jobParams, body: jsonBody(progressBody) },
  responses: { 200: jsonResponse(progressSchema, "Recorded"), ...leaseErrors },
});

export const appendLogRoute = createRoute({
  ...base,
  operationId: "appendJobLog",
  method: "post",
  path: "/jobs/{id}/log",
  summary: "Append log lines",
  request: { params: jobParams, body: jsonBody(logBody) },
  responses: { 204: { description: "Appended" }, ...leaseErrors },
});

export const completeJobRoute = createRoute({
  ...base,
  operationId: "completeJob",
  method: "post",
  path: "/jobs/{id}/complete",
  summary: "Complete a leased job",
  request: { params: jobParams, body: jsonBody(completeBody) },
  responses: { 200: jsonResponse(jobSchema, "The completed job"), ...leaseErrors },
});

export const failJobRoute = createRoute({
  ...base,
  operationId: "failJob",
  method: "post",
  path: "/jobs/{id}/fail",
  summary: "Fail a leased job's attempt",
  description: "Retried after its backoff while attempts remain, else `dead`; `retry: false` makes it dead at once.",
  request: { params: jobParams, body: jsonBody(failBody) },
  responses: { 200: jsonResponse(jobSchema, "The job"), ...leaseErrors },
});
