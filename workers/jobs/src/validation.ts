import { idempotencyKeyHeaders, paginationQuery, textField } from "@edgeworks/http";
import { z } from "@hono/zod-openapi";
import { builtinPayloadSchema } from "./builtin-payloads";
import { nextRunAfter } from "./engine/schedules";
import { JOB_STATES } from "./engine/types";

// Request rules of the API. Lengths are checked before any pattern (textField), and what the OpenAPI
// document says (minLength, maxLength, pattern, minimum, maximum) is exactly what is accepted.

/** Queue and job names: 1..64 of `[A-Za-z0-9._-]`. */
export const NAME_PATTERN = /^[A-Za-z0-9._-]+$/;
/** A queue id: `q_` + 12 alphanumerics (queues.service.ts makes them). */
export const QUEUE_ID_PATTERN = /^q_[A-Za-z0-9]{12}$/;
/** A job id, `j_<queueId>_<suffix>`: the queue is the first 14 characters after `j_`. */
export const JOB_ID_PATTERN = /^j_q_[A-Za-z0-9]{12}_[A-Za-z0-9_-]+$/;
/** Printable ASCII (space to tilde): dedupe keys and lease tokens. */
export const PRINTABLE = /^[\x20-\x7e]+$/;
/** The largest payload or result, serialized as JSON (UTF-8 bytes). */
export const MAX_PAYLOAD_BYTES = 128 * 1024;
/** The furthest a job may be put off: a year (delay, runAt). */
export const MAX_DELAY_MS = 31_536_000_000;

export const nameField = (what: string) =>
  textField({ min: 1, max: 64, pattern: NAME_PATTERN, rule: "Must be letters, digits, '.', '_' or '-'" }).openapi({
    description: `${what}: 1..64 of A-Z a-z 0-9 . _ -`,
    example: "emails",
  });
const jobName = textField({ min: 1, max: 64, pattern: NAME_PATTERN, rule: "Must be letters, digits, '.', '_' or '-'" }).openapi({
  description:
    "The handler: a built-in (`http.request`, `email.send`, `image.thumbnail`, `test.sleep`, `test.fail`) or a name an external worker leases",
  example: "test.sleep",
});
const dedupeKey = textField({ min: 1, max: 128, pattern: PRINTABLE, rule: "Must be printable ASCII" });
export const int = (min: number, max: number, description: string, example: number) =>
  z
    .number()
    .int("Must be an integer")
    .min(min, `Must be at least ${min}`)
    .max(max, `Must be at most ${max}`)
    .openapi({ description, example });

/** The UTF-8 size of a value serialized as JSON (undefined counts as nothing). */
export const jsonBytes = (value: unknown): number => (value === undefined ? 0 : new TextEncoder().encode(JSON.stringify(value)).length);

export const backoffSchema = z
  .strictObject({
    type: z.enum(["fixed", "exponential"]),
    delay: int(0, 86_400_000, "Milliseconds: the wait (fixed) or the first wait, doubled each attempt (exponential)", 1000),
    jitter: z.number().min(0, "Must be at least 0").max(1, "Must be at most 1").optional().openapi({ description: "0..1", example: 0.2 }),
  })
  .openapi("Backoff");

const jobOptionsShape = {
  priority: int(1, 10, "1..10, higher runs first; FIFO within a priority. Default 5", 5).optional(),
  attempts: int(1, 100, "Total tries, 1..100. Default 1", 3).optional(),
  backoff: backoffSchema.optional(),
  timeout: int(100, 900_000, "Milliseconds an attempt may run, 100..900000. Default 60000", 60_000).optional(),
  maxStalled: int(0, 10, "Times a lapsed lease re-queues the job, 0..10. Default 1", 1).optional(),
};
export const jobOptionsSchema = z.strictObject(jobOptionsShape).openapi("JobOptions");

const isoIn = z
  .string()
  .max(40, "Must be at most 40 characters")
  .refine(
    (s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)),
    "Must be an ISO-8601 date-time with a time zone, e.g. 2026-01-31T12:00:00Z",
  )
  .transform((s) => new Date(Date.parse(s)).toISOString())
  .openapi({ example: "2026-12-05T12:00:00Z" });

/** Checks a payload's size and, for a built-in name, its shape (the handler's own schema). */
function checkPayload(name: string, payload: unknown, ctx: z.RefinementCtx, path: (string | number)[]): void {
  if (jsonBytes(payload) > MAX_PAYLOAD_BYTES) {
    ctx.addIssue({ code: "custom", path, message: `Must be at most ${MAX_PAYLOAD_BYTES} bytes as JSON` });
    return;
  }
  const schema = builtinPayloadSchema(name);
  if (!schema) return;
  const parsed = schema.safeParse(payload);
  if (parsed.success) return;
  for (const issue of parsed.error.issues)
    ctx.addIssue({ code: "custom", path: [...path, ...issue.path.map(String)], message: issue.message });
}

const submitShape = {
  ...jobOptionsShape,
  name: jobName,
  payload: z.unknown().optional().openapi({ description: "Any JSON, at most 128 KiB serialized; built-in names check its shape" }),
  delay: int(0, MAX_DELAY_MS, "Milliseconds from now, at most a year (not with runAt)", 5000).optional(),
  runAt: isoIn.optional().openapi({ description: "When to run, ISO-8601 with a zone, at most a year ahead (not with delay)" }),
  jobId: dedupeKey
    .optional()
    .openapi({ description: "Dedupe key (1..128 printable ASCII): while its job is unfinished, a resubmit returns it (200)" }),
  dependsOn: z
    .array(dedupeKey)
    .max(100, "At most 100 parents")
    .optional()
    .openapi({ description: "Parents in the same queue, by id or jobId (at most 100)" }),
  onParentFailure: z
    .enum(["fail", "skip", "ignore"])
    .optional()
    .openapi({ description: "What a dead or cancelled parent does to this job. Default fail" }),
};

type SubmitLike = { name: string; payload?: unknown; delay?: number; runAt?: string };
const refineSubmit = (job: SubmitLike, ctx: z.RefinementCtx) => {
  if (job.delay !== undefined && job.runAt !== undefined)
    ctx.addIssue({ code: "custom", path: ["runAt"], message: "Give delay or runAt, not both" });
  // the same horizon as `delay` (a year): a runAt like 9999-12-31 was a 500 from the scheduler's alarm
  if (job.runAt !== undefined && Date.parse(job.runAt) > Date.now() + MAX_DELAY_MS)
    ctx.addIssue({ code: "custom", path: ["runAt"], message: "Must be at most a year from now" });
  checkPayload(job.name, job.payload, ctx, ["payload"]);
};

export const submitJobBody = z.strictObject(submitShape).superRefine(refineSubmit).openapi("SubmitJob");
export type SubmitJobInput = z.output<typeof submitJobBody>;

export const submitJobsBulkBody = z
  .strictObject({ jobs: z.array(submitJobBody).min(1, "At least one job").max(1000, "At most 1000 jobs") })
  .openapi("SubmitJobsBulk");

const { dependsOn: _d, onParentFailure: _o, ...scheduledShape } = submitShape;
const scheduledJob = z
  .strictObject(scheduledShape)
  .superRefine(refineSubmit)
  .openapi("ScheduledJob", { description: "The job each run submits" });

// ---- queues

const rateLimit = z
  .strictObject({
    max: int(1, 100_000, "Job starts allowed per window", 10),
    perSeconds: int(1, 86_400, "The sliding window, in seconds", 1),
  })
  .nullable()
  .openapi("RateLimit", { description: "At most `max` starts in any `perSeconds` window; null for none" });
const retentionSide = z.strictObject({
  count: int(0, 1_000_000, "Newest jobs kept", 1000).optional(),
  ageSeconds: int(0, 31_536_000, "None kept older than this", 604_800).optional(),
});
const retentionIn = z
  .strictObject({ completed: retentionSide.optional(), failed: retentionSide.optional() })
  .openapi({ description: "Completed and dead jobs kept (the given fields change)" });

const settingsShape = {
  paused: z.boolean().optional().openapi({ description: "A paused queue accepts jobs but starts none" }),
  concurrency: int(1, 1000, "Jobs active at once, 1..1000. Default 10", 10).optional(),
  rateLimit: rateLimit.optional(),
  defaultJobOptions: jobOptionsSchema.optional(),
  retention: retentionIn.optional(),
};
export const createQueueBody = z.strictObject({ name: nameField("Queue name, unique per owner"), ...settingsShape }).openapi("CreateQueue");
export type CreateQueueInput = z.output<typeof createQueueBody>;
export const updateQueueBody = z
  .strictObject({ name: nameField("A new name").optional(), ...settingsShape })
  .openapi("UpdateQueue", { description: "Only the given fields change; `{}` changes nothing" });
export type UpdateQueueInput = z.output<typeof updateQueueBody>;

export const queueParams = z.object({
  q: textField({ min: 1, max: 64, pattern: NAME_PATTERN, rule: "Must be a queue name or id" }).openapi({
    param: { name: "q", in: "path" },
    description: "The queue's name or id",
    example: "emails",
  }),
});
export const jobParams = z.object({
  id: textField({ min: 1, max: 128, pattern: JOB_ID_PATTERN, rule: "Must be a job id (j_q_…)" }).openapi({
    param: { name: "id", in: "path" },
    description: "Job id",
    example: "j_q_Ab3dEf6hIj9k_V1StGXR8Z5jd",
  }),
});
export const scheduleParams = queueParams.extend({
  id: textField({ min: 1, max: 64, pattern: /^[A-Za-z0-9_-]+$/, rule: "Must be a schedule id" }).openapi({
    param: { name: "id", in: "path" },
    description: "Schedule id",
    example: "s_V1StGXR8Z5jd",
  }),
});

export const idempotencyHeaders = idempotencyKeyHeaders({ example: "submit-42" });

export const listQueuesQuery = z.object({ ...paginationQuery });
export const listJobsQuery = z.object({
  state: z.enum(JOB_STATES).optional().openapi({ description: "Only jobs in this state" }),
  name: nameField("Only jobs of this name").optional(),
  ...paginationQuery,
});
export type ListJobsQuery = z.output<typeof listJobsQuery>;
export const listDeadQuery = z.object({ name: nameField("Only jobs of this name").optional(), ...paginationQuery });

// ---- schedules

const CRON_PATTERN = /^[0-9A-Za-z*/,?#\- ]+$/;
const timezone = textField({ min: 1, max: 64, pattern: /^[A-Za-z0-9_+/-]+$/, rule: "Must be an IANA time zone" })
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat("en", { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, "Unknown time zone")
  .openapi({ description: "IANA time zone of the cron expression. Default UTC", example: "Europe/Berlin" });

/** A schedule that would never fire (endAt already past, a cron like `0 0 31 2 *`) is a 422, not a dead row. */
function refuseNeverRuns(
  s: { cron?: string; every?: number; timezone?: string; startAt?: string; endAt?: string },
  ctx: z.RefinementCtx,
): void {
  const now = Date.now();
  let next: number | null;
  try {
    next = nextRunAfter(
      {
        cron: s.cron ?? null,
        every: s.every ?? null,
        timezone: s.timezone ?? "UTC",
        startAt: s.startAt ? Date.parse(s.startAt) : null,
        endAt: s.endAt ? Date.parse(s.endAt) : null,
        createdAt: now,
      },
      now,
    );
  } catch {
    return; // an invalid cron or zone: the scheduler answers it with its own message
  }
  if (next === null)
    ctx.addIssue({ code: "custom", path: [s.cron === undefined ? "endAt" : "cron"], message: "Never runs (no run before endAt)" });
}

export const createScheduleBody = z
  .strictObject({
    cron: textField({ min: 1, max: 128, pattern: CRON_PATTERN, rule: "Must be a cron expression" })
      .optional()
      .openapi({ description: "5 or 6 field cron expression (croner)", example: "*/5 * * * *" }),
    timezone: timezone.optional(),
    every: int(1000, 31_536_000_000, "Milliseconds between runs (instead of cron)", 60_000).optional(),
    startAt: isoIn.optional().openapi({ description: "No run before this" }),
    endAt: isoIn.optional().openapi({ description: "No run after this" }),
    limit: int(1, 1_000_000, "Total runs, then the schedule ends", 10).optional(),
    job: scheduledJob,
  })
  .superRefine((s, ctx) => {
    // croner also reads a 7th (year) field; the API promises 5 or 6 (with seconds) and nothing else
    const fields = s.cron?.trim().split(/\s+/).length;
    if (fields !== undefined && fields !== 5 && fields !== 6)
      ctx.addIssue({ code: "custom", path: ["cron"], message: "Must have 5 fields, or 6 with seconds first" });
    if ((s.cron === undefined) === (s.every === undefined))
      ctx.addIssue({ code: "custom", path: ["cron"], message: "Give cron or every (one of them)" });
    if (s.startAt && s.endAt && s.startAt >= s.endAt) ctx.addIssue({ code: "custom", path: ["endAt"], message: "Must be after startAt" });
    else if ((s.cron === undefined) !== (s.every === undefined)) refuseNeverRuns(s, ctx);
  })
  .openapi("CreateSchedule");
