import { errors, jsonBody, jsonResponse } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import { createScheduleBody, queueParams, scheduleParams } from "../validation";
import { scheduleListSchema, scheduleSchema } from "./schemas";

const base = { tags: ["Schedules"], security: [{ bearerAuth: [] }] };

export const createScheduleRoute = createRoute({
  ...base,
  operationId: "createSchedule",
  method: "post",
  path: "/queues/{q}/schedules",
  summary: "Create a recurring job",
  description:
    "`cron` (in `timezone`, default UTC) or `every` milliseconds, optionally between `startAt` and `endAt` and at most " +
    "`limit` runs. After downtime a missed run fires once, then the next future time. An invalid cron expression is 422.",
  request: { params: queueParams, body: jsonBody(createScheduleBody) },
  responses: {
    201: {
      description: "Created, with its next runs",
      headers: z.object({ Location: z.string().openapi({ example: "/jobs/v1/queues/emails/schedules/s_V1StGXR8Z5jd" }) }),
      content: { "application/json": { schema: scheduleSchema } },
    },
    ...errors(400, 401, 403, 404, 413, 415, 422, 429),
  },
});

export const listSchedulesRoute = createRoute({
  ...base,
  operationId: "listSchedules",
  method: "get",
  path: "/queues/{q}/schedules",
  summary: "List a queue's schedules",
  request: { params: queueParams },
  responses: { 200: jsonResponse(scheduleListSchema, "The schedules, with their next runs"), ...errors(401, 403, 404, 422) },
});

export const getScheduleRoute = createRoute({
  ...base,
  operationId: "getSchedule",
  method: "get",
  path: "/queues/{q}/schedules/{id}",
  summary: "Get a schedule",
  request: { params: scheduleParams },
  responses: { 200: jsonResponse(scheduleSchema, "The schedule"), ...errors(401, 403, 404, 422) },
});

export const deleteScheduleRoute = createRoute({
  ...base,
  operationId: "deleteSchedule",
  method: "delete",
  path: "/queues/{q}/schedules/{id}",
  summary: "Delete a schedule",
  description: "Jobs it already submitted stay.",
  request: { params: scheduleParams },
  responses: { 204: { description: "Deleted" }, ...errors(401, 403, 404, 422, 429) },
});

export const pauseScheduleRoute = createRoute({
  ...base,
  operationId: "pauseSchedule",
  method: "post",
  path: "/queues/{q}/schedules/{id}/pause",
  summary: "Pause a schedule",
  request: { params: scheduleParams },
  responses: { 200: jsonResponse(scheduleSchema, "The schedule"), ...errors(401, 403, 404, 422, 429) },
});

export const resumeScheduleRoute = createRoute({
  ...base,
  operationId: "resumeSchedule",
  method: "post",
  path: "/queues/{q}/schedules/{id}/resume",
  summary: "Resume a schedule",
  description: "Runs missed while paused are not made up; the next run is the next future time.",
  request: { params: scheduleParams },
  responses: { 200: jsonResponse(scheduleSchema, "The schedule"), ...errors(401, 403, 404, 422, 429) },
});
