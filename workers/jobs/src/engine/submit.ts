import { ApiError, type FieldError } from "@edgeworks/http";
import type { Backoff, JobOptions, OnParentFailure, SubmitJob } from "./types";

/** A payload or result is at most this many bytes of JSON. */
export const MAX_JSON_BYTES = 128 * 1024;
/** Jobs per submit call. */
export const MAX_BULK = 1000;
/** Parents per job. */
export const MAX_PARENTS = 100;

/** A submission checked and completed with the queue's and the built-in defaults. */
export interface NewJob {
  index: number;
  name: string;
  payload: string;
  priority: number;
  attempts: number;
  backoff: Backoff | null;
  timeout: number;
  maxStalled: number;
  runAt: number | null;
  jobId: string | null;
  dependsOn: string[];
  onParentFailure: OnParentFailure;
}

const DEFAULTS = { priority: 5, attempts: 1, timeout: 60_000, maxStalled: 1 } as const;
const PARENT_POLICIES: readonly OnParentFailure[] = ["fail", "skip", "ignore"];

/** Bytes of `value` as JSON (undefined counts as null). */
export const jsonBytes = (value: unknown): number => new TextEncoder().encode(JSON.stringify(value ?? null)).byteLength;

const isInt = (v: unknown, min: number, max: number): v is number =>
  Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max;

/**
 * Checks every submission (all are reported, by `jobs.<i>.<field>`) and applies the defaults: the
 * submission's option, else the queue's `defaultJobOptions`, else the built-in default.
 */
export function normalizeJobs(jobs: SubmitJob[], defaults: JobOptions, now: number): NewJob[] {
  if (jobs.length === 0 || jobs.length > MAX_BULK) {
    throw new ApiError("validation_failed", `Submit 1..${MAX_BULK} jobs at once`, {
      errors: [{ path: "jobs", location: "body", message: `1..${MAX_BULK} jobs` }],
    });
  }
  const errors: FieldError[] = [];
  const out = jobs.map((job, index) => {
    const bad = (field: string, message: string) => errors.push({ path: `jobs.${index}.${field}`, location: "body", message });
    const priority = job.priority ?? defaults.priority ?? DEFAULTS.priority;
    const attempts = job.attempts ?? defaults.attempts ?? DEFAULTS.attempts;
    const timeout = job.timeout ?? defaults.timeout ?? DEFAULTS.timeout;
    const maxStalled = job.maxStalled ?? defaults.maxStalled ?? DEFAULTS.maxStalled;
    const backoff = job.backoff ?? defaults.backoff ?? null;
    const onParentFailure = job.onParentFailure ?? "fail";
    if (typeof job.name !== "string" || job.name.length < 1 || job.name.length > 200) bad("name", "1..200 characters");
    if (!isInt(priority, 1, 10)) bad("priority", "An integer 1..10");
    if (!isInt(attempts, 1, 100)) bad("attempts", "An integer 1..100");
    if (!isInt(timeout, 100, 900_000)) bad("timeout", "An integer 100..900000 (ms)");
    if (!isInt(maxStalled, 0, 10)) bad("maxStalled", "An integer 0..10");
    if (backoff && (!["fixed", "exponential"].includes(backoff.type) || !isInt(backoff.delay, 0, 86_400_000))) {
      bad("backoff", "type fixed|exponential, delay 0..86400000 ms");
    }
    if (backoff?.jitter !== undefined && !(backoff.jitter >= 0 && backoff.jitter <= 1)) bad("backoff.jitter", "0..1");
    if (!PARENT_POLICIES.includes(onParentFailure)) bad("onParentFailure", "fail, skip or ignore");
    let runAt: number | null = null;
    if (job.delay !== undefined && job.runAt !== undefined) bad("delay", "Give delay or runAt, not both");
    else if (job.delay !== undefined) {
      if (!isInt(job.delay, 0, 31_536_000_000)) bad("delay", "An integer 0..31536000000 (ms)");
      else if (job.delay > 0) runAt = now + job.delay;
    } else if (job.runAt !== undefined) {
      const at = Date.parse(job.runAt);
      if (Number.isNaN(at)) bad("runAt", "An ISO 8601 date-time");
      else if (at > now) runAt = at;
    }
    const payload = JSON.stringify(job.payload ?? null);
    if (new TextEncoder().encode(payload).byteLength > MAX_JSON_BYTES) bad("payload", `At most ${MAX_JSON_BYTES} bytes of JSON`);
    const jobId = job.jobId ?? null;
    if (jobId !== null && (typeof jobId !== "string" || jobId.length < 1 || jobId.length > 200)) bad("jobId", "1..200 characters");
    const dependsOn = job.dependsOn ?? [];
    if (!Array.isArray(dependsOn) || dependsOn.length > MAX_PARENTS || !dependsOn.every((d) => typeof d === "string")) {
      bad("dependsOn", `At most ${MAX_PARENTS} job ids`);
    }
    return {
      index,
      name: job.name,
      payload,
      priority,
      attempts,
      backoff: backoff
        ? { type: backoff.type, delay: backoff.delay, ...(backoff.jitter !== undefined ? { jitter: backoff.jitter } : {}) }
        : null,
      timeout,
      maxStalled,
      runAt,
      jobId,
      dependsOn: [...new Set(dependsOn)],
      onParentFailure,
    };
  });
  if (errors.length > 0) throw new ApiError("validation_failed", "Invalid job", { errors });
  return out;
}

/**
 * A cycle among the new jobs' dependencies (`edges.get(i)` = the new jobs `i` depends on), as the list
 * of indexes on it, or null. Existing jobs cannot depend on new ones, so a cycle lies within one submit.
 */
export function findCycle(count: number, edges: Map<number, number[]>): number[] | null {
  const color = new Uint8Array(count); // 0 new, 1 on the stack, 2 done
  const stack: number[] = [];
  const visit = (i: number): number[] | null => {
    color[i] = 1;
    stack.push(i);
    for (const j of edges.get(i) ?? []) {
      if (color[j] === 1) return stack.slice(stack.indexOf(j));
      if (color[j] === 0) {
        const found = visit(j);
        if (found) return found;
      }
    }
    stack.pop();
    color[i] = 2;
    return null;
  };
  for (let i = 0; i < count; i++) {
    if (color[i] === 0) {
      const found = visit(i);
      if (found) return found;
    }
  }
  return null;
}

/** New jobs in an order where every job comes after the new jobs it depends on (no cycles left). */
export function topologicalOrder(count: number, edges: Map<number, number[]>): number[] {
  const order: number[] = [];
  const seen = new Uint8Array(count);
  const visit = (i: number) => {
    if (seen[i]) return;
    seen[i] = 1;
    for (const j of edges.get(i) ?? []) visit(j);
    order.push(i);
  };
  for (let i = 0; i < count; i++) visit(i);
  return order;
}
