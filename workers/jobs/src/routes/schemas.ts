import { pageSchema } from "@edgeworks/http";
import { z } from "@hono/zod-openapi";
import { JOB_STATES } from "../engine/types";
import { jobOptionsSchema } from "../validation";

// Response shapes of the API (src/engine/types.ts says the same in TypeScript).

const isoOut = z.iso.datetime().openapi({ example: "2026-12-05T09:15:00.000Z" });
// inline (not components): a nullable $ref is rendered without its null in OpenAPI 3.1 by zod-openapi
const jobState = z.enum(JOB_STATES);
const backoffOut = z.object({ type: z.enum(["fixed", "exponential"]), delay: z.number().int(), jitter: z.number().optional() });
const errorOut = z.object({ message: z.string(), stack: z.string().nullable() });
const count = z.number().int().min(0);

export const countsSchema = z
  .object({
    waiting: count,
    delayed: count,
    "waiting-children": count,
    active: count,
    completed: count,
    failed: count,
    dead: count,
    cancelled: count,
  })
  .openapi("QueueCounts");

const retentionSide = z.object({ count, ageSeconds: count });

export const queueSchema = z
  .object({
    id: z.string().openapi({ example: "q_Ab3dEf6hIj9k" }),
    name: z.string().openapi({ example: "emails" }),
    paused: z.boolean(),
    concurrency: z.number().int(),
    rateLimit: z.object({ max: z.number().int(), perSeconds: z.number().int() }).nullable(),
    defaultJobOptions: jobOptionsSchema,
    retention: z.object({ completed: retentionSide, failed: retentionSide }),
    counts: countsSchema,
    createdAt: isoOut,
    updatedAt: isoOut,
  })
  .openapi("Queue");

export const queuePageSchema = pageSchema(queueSchema).openapi("QueuePage");

export const jobSchema = z
  .object({
    id: z.string().openapi({ example: "j_q_Ab3dEf6hIj9k_V1StGXR8Z5jd" }),
    queue: z.string().openapi({ description: "The queue's name", example: "emails" }),
    jobId: z.string().nullable(),
    name: z.string().openapi({ example: "test.sleep" }),
    payload: z.unknown(),
    state: jobState,
    priority: z.number().int(),
    attempts: z.object({ made: count, max: z.number().int() }),
    backoff: backoffOut.nullable(),
    timeout: z.number().int(),
    maxStalled: z.number().int(),
    stalledCount: count,
    runAt: isoOut.nullable(),
    dependsOn: z.array(z.string()),
    onParentFailure: z.enum(["fail", "skip", "ignore"]),
    progress: z.object({ percent: z.number(), message: z.string().nullable() }).nullable(),
    result: z.unknown(),
    error: errorOut.nullable(),
    attemptsLog: z.array(
      z.object({
        attempt: z.number().int(),
        startedAt: isoOut,
        finishedAt: isoOut.nullable(),
        worker: z.string(),
        error: errorOut.nullable(),
      }),
    ),
    logs: z.array(z.object({ at: isoOut, line: z.string() })),
    timeline: z.array(z.object({ at: isoOut, from: jobState.nullable(), to: jobState, cause: z.string() })),
    cancelRequested: z.boolean(),
    createdAt: isoOut,
    startedAt: isoOut.nullable(),
    finishedAt: isoOut.nullable(),
  })
  .openapi("Job");

export const jobPageSchema = pageSchema(jobSchema).openapi("JobPage");
export const jobListSchema = z.object({ jobs: z.array(jobSchema) }).openapi("JobList");

export const leasedJobSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    payload: z.unknown(),
    attempt: z.number().int(),
    token: z.string(),
    leaseUntil: isoOut,
    timeout: z.number().int(),
  })
  .openapi("LeasedJob");
export const leasedListSchema = z.object({ jobs: z.array(leasedJobSchema) }).openapi("LeasedJobs");
export const heartbeatSchema = z.object({ leaseUntil: isoOut, cancelRequested: z.boolean() }).openapi("HeartbeatResult");
export const progressSchema = z.object({ cancelRequested: z.boolean() }).openapi("ProgressResult");

export const redrivenSchema = z.object({ redriven: count }).openapi("Redriven");
export const purgedSchema = z.object({ purged: count }).openapi("Purged");

export const scheduleSchema = z
  .object({
    id: z.string().openapi({ example: "s_V1StGXR8Z5jd" }),
    cron: z.string().nullable(),
    timezone: z.string(),
    every: z.number().int().nullable(),
    startAt: isoOut.nullable(),
    endAt: isoOut.nullable(),
    limit: z.number().int().nullable(),
    runs: count,
    paused: z.boolean(),
    job: z.record(z.string(), z.unknown()).openapi({ description: "The job each run submits" }),
    nextRuns: z.array(isoOut),
    lastRunAt: isoOut.nullable(),
    createdAt: isoOut,
  })
  .openapi("Schedule");
export const scheduleListSchema = z.object({ schedules: z.array(scheduleSchema) }).openapi("ScheduleList");
