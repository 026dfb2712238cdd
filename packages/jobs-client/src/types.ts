// The wire shapes of /jobs/v1 (workers/jobs: the routes answer what src/engine/types.ts describes). Written
// out here rather than imported so the client has no dependency on the product's source.

export const JOB_STATES = ["waiting", "delayed", "waiting-children", "active", "completed", "failed", "dead", "cancelled"] as const;
/** `failed` will retry after its backoff; `dead` sits in the DLQ. */
export type JobState = (typeof JOB_STATES)[number];
export type OnParentFailure = "fail" | "skip" | "ignore";

export interface Backoff {
  type: "fixed" | "exponential";
  /** Milliseconds: the wait (fixed) or the first wait, doubled after each attempt (exponential). */
  delay: number;
  /** 0..1: the wait is multiplied by a random factor in [1 - jitter, 1]. */
  jitter?: number;
}

export interface JobOptions {
  /** 1..10, higher runs first; FIFO within a priority. */
  priority?: number;
  /** Total tries, 1..100. */
  attempts?: number;
  backoff?: Backoff;
  /** Milliseconds one attempt may run. */
  timeout?: number;
  /** Times a lapsed lease re-queues the job before it fails as stalled. */
  maxStalled?: number;
}

export interface SubmitJob extends JobOptions {
  name: string;
  payload?: unknown;
  /** Milliseconds from now (or `runAt`). */
  delay?: number;
  runAt?: string;
  /** Dedupe key among the queue's unfinished jobs. */
  jobId?: string;
  dependsOn?: string[];
  onParentFailure?: OnParentFailure;
}

export interface QueueSettings {
  paused: boolean;
  concurrency: number;
  rateLimit: { max: number; perSeconds: number } | null;
  defaultJobOptions: JobOptions;
  retention: { completed: { count: number; ageSeconds: number }; failed: { count: number; ageSeconds: number } };
}

export type QueueCounts = Record<JobState, number>;

export interface Queue extends QueueSettings {
  id: string;
  name: string;
  counts?: QueueCounts;
  createdAt: string;
  updatedAt: string;
}

export type CreateQueue = { name: string } & Partial<QueueSettings>;
export type UpdateQueue = Partial<QueueSettings>;

export interface TimelineEntry {
  at: string;
  from: JobState | null;
  to: JobState;
  cause: string;
}

export interface AttemptRecord {
  attempt: number;
  startedAt: string;
  finishedAt: string | null;
  worker: string;
  error: { message: string; stack: string | null } | null;
}

export interface Job {
  id: string;
  queue: string;
  jobId: string | null;
  name: string;
  payload: unknown;
  state: JobState;
  priority: number;
  attempts: { made: number; max: number };
  backoff: Backoff | null;
  timeout: number;
  maxStalled: number;
  stalledCount: number;
  runAt: string | null;
  dependsOn: string[];
  onParentFailure: OnParentFailure;
  progress: { percent: number; message: string | null } | null;
  result: unknown;
  error: { message: string; stack: string | null } | null;
  attemptsLog: AttemptRecord[];
  logs: { at: string; line: string }[];
  timeline: TimelineEntry[];
  cancelRequested: boolean;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** A job handed to an external worker with its lease. */
export interface LeasedJob {
  id: string;
  name: string;
  payload: unknown;
  attempt: number;
  token: string;
  /** When the lease lapses unless heartbeated (ISO). */
  leaseUntil: string;
  /** Milliseconds the attempt may run. */
  timeout: number;
}

export interface LeaseRequest {
  /** Jobs at most, 1..100. */
  max: number;
  leaseSeconds: number;
  /** Shown in the job's attempts and timeline. */
  worker?: string;
  /** Only these names (default: every name that is not built in). */
  names?: string[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface JobFilter {
  state?: JobState;
  name?: string;
  cursor?: string;
  limit?: number;
}

export type DeadSelection = { ids: string[] } | { all: true; name?: string };

export interface ScheduleSpec {
  cron?: string;
  timezone?: string;
  every?: number;
  startAt?: string;
  endAt?: string;
  limit?: number;
  job: SubmitJob;
}

export interface Schedule {
  id: string;
  cron: string | null;
  timezone: string;
  every: number | null;
  startAt: string | null;
  endAt: string | null;
  limit: number | null;
  runs: number;
  paused: boolean;
  job: SubmitJob;
  nextRuns: string[];
  lastRunAt: string | null;
  createdAt: string;
}
