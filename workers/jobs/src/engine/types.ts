import type { Result } from "@edgeworks/realtime";

// The contract between the jobs product's parts: the HTTP routes (src/routes), the scheduler Durable
// Object (src/engine/scheduler.ts, one per queue), the Cloudflare Queues consumer (src/engine/runner.ts),
// the built-in handlers (src/handlers) and the dashboard (src/web). Change it only with everyone who uses it.

/** Every state a job can be in. `failed` will retry (after its backoff); `dead` sits in the DLQ. */
export const JOB_STATES = ["waiting", "delayed", "waiting-children", "active", "completed", "failed", "dead", "cancelled"] as const;
export type JobState = (typeof JOB_STATES)[number];
/** States a job does not leave on its own. A `jobId` is free again once its job is in one of them. */
export const FINISHED_STATES = ["completed", "dead", "cancelled"] as const satisfies readonly JobState[];

export type OnParentFailure = "fail" | "skip" | "ignore";

export interface Backoff {
  type: "fixed" | "exponential";
  /** Milliseconds: the wait (fixed) or the first wait, doubled after each attempt (exponential). */
  delay: number;
  /** 0..1: the wait is multiplied by a random factor in [1 - jitter, 1]. */
  jitter?: number;
}

/** Job options a queue's `defaultJobOptions` may set and a submission may override. */
export interface JobOptions {
  /** 1..10, higher runs first; FIFO within a priority. Default 5. */
  priority?: number;
  /** Total tries, 1..100. Default 1 (no retry). */
  attempts?: number;
  backoff?: Backoff;
  /** Milliseconds one attempt may run, 100..900000; past it the attempt fails with `timeout`. Default 60000. */
  timeout?: number;
  /** Times a lapsed lease re-queues the job before it fails as stalled, 0..10. Default 1. */
  maxStalled?: number;
}

export interface SubmitJob extends JobOptions {
  /** The handler: built-in (`http.request`, `email.send`, `image.thumbnail`, `test.sleep`, `test.fail`) or any name an external worker leases. */
  name: string;
  /** Any JSON, ≤ 128 KiB serialized. */
  payload?: unknown;
  /** Milliseconds from now (mutually exclusive with runAt). */
  delay?: number;
  /** ISO 8601 instant. */
  runAt?: string;
  /** Dedupe key, unique per queue among unfinished jobs: a second submit returns the existing job (200). */
  jobId?: string;
  /** Parents in the same queue, by `id` or `jobId`; the job waits (`waiting-children`) until all finish. */
  dependsOn?: string[];
  onParentFailure?: OnParentFailure;
}

export interface QueueSettings {
  paused: boolean;
  /** Jobs active at once, 1..1000. */
  concurrency: number;
  /** At most `max` job starts in any `perSeconds` window (sliding, exact), or null for none. */
  rateLimit: { max: number; perSeconds: number } | null;
  defaultJobOptions: JobOptions;
  /** Completed/dead jobs kept: the newest `count`, none older than `ageSeconds`. */
  retention: { completed: { count: number; ageSeconds: number }; failed: { count: number; ageSeconds: number } };
}

/** What the scheduler knows of its queue (the D1 row is the source; the object keeps a copy). */
export interface QueueRef {
  /** The queue's id (D1), e.g. `q_x1…`; part of every job id of the queue. */
  id: string;
  name: string;
  ownerId: string;
}

export interface TimelineEntry {
  at: string;
  from: JobState | null;
  to: JobState;
  /** Why: `submitted`, `delay elapsed`, `parents done`, `dispatched`, `leased by <worker>`, `completed`, `attempt 2 failed: …`, `stalled`, `retry`, `redriven`, `cancelled by user`, … */
  cause: string;
}

export interface AttemptRecord {
  attempt: number;
  startedAt: string;
  finishedAt: string | null;
  /** `builtin` (the Queues consumer) or the external worker's name. */
  worker: string;
  error: { message: string; stack: string | null } | null;
}

/** A job as the API shows it (`GET /jobs/v1/jobs/{id}`). */
export interface Job {
  /** `j_<queueId>_<random>`: the queue is found from the id. */
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

/** One message on the Cloudflare queue (edgeworks-jobs-jobs-run): small; the payload stays in the object. */
export interface RunMessage {
  /** The scheduler's name: `idFromName(queueKey)`, queueKey = `<ownerId>/<queueId>`. */
  queueKey: string;
  jobId: string;
  /** The lease token of this dispatch; a stale one (redelivery after a retry or completion) is refused. */
  token: string;
}

/** A job handed to a runner (built-in consumer or external worker) with its lease. */
export interface LeasedJob {
  id: string;
  name: string;
  payload: unknown;
  attempt: number;
  token: string;
  /** When the lease lapses unless heartbeated (ISO). */
  leaseUntil: string;
  timeout: number;
}

/** What the built-in runner reports for one job: its result, or its error (`retry: false` = permanent). */
export type RunOutcome =
  | { id: string; token: string; result: unknown }
  | { id: string; token: string; error: { message: string; stack?: string; retry?: boolean } };
/** Whether one outcome was recorded; `conflict` = the lease was lost (ack the message, the job moved on). */
export type OutcomeAnswer = { ok: true } | { ok: false; code: string };

export interface QueueCounts {
  waiting: number;
  delayed: number;
  "waiting-children": number;
  active: number;
  completed: number;
  failed: number;
  dead: number;
  cancelled: number;
}

/** Counters and histograms for `/jobs/v1/metrics`. Buckets are upper bounds in seconds. */
export interface QueueMetrics {
  counts: QueueCounts;
  completedTotal: number;
  failedTotal: number;
  /** Histograms: `buckets[i]` counts observations ≤ `HISTOGRAM_BUCKETS[i]`, cumulative, Prometheus style. */
  waitSeconds: { buckets: number[]; sum: number; count: number };
  runSeconds: { buckets: number[]; sum: number; count: number };
}
export const HISTOGRAM_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] as const;

/** A live event the scheduler pushes to dashboard subscribers. */
export type LiveEvent =
  | { type: "job"; id: string; name: string; from: JobState | null; to: JobState; at: string; error?: string }
  | { type: "counts"; counts: QueueCounts; at: string; completedPerSecond: number; failedPerSecond: number };

export interface Schedule {
  id: string;
  cron: string | null;
  timezone: string;
  /** Milliseconds between runs, instead of cron. */
  every: number | null;
  startAt: string | null;
  endAt: string | null;
  /** Runs left, or null for no limit. */
  limit: number | null;
  runs: number;
  paused: boolean;
  job: SubmitJob;
  nextRuns: string[];
  lastRunAt: string | null;
  createdAt: string;
}

/** A page of a listing; `nextCursor` is opaque, null on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface JobFilter {
  state?: JobState;
  name?: string;
  cursor?: string;
  /** 1..100, default 20. */
  limit?: number;
}

/** Which dead jobs a redrive or purge takes: `ids`, or all of them (optionally only one `name`). */
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

/**
 * The scheduler Durable Object's RPC surface (src/engine/scheduler.ts implements it; routes, runner and
 * dashboard call it through `env.QUEUE_SCHEDULER.get(idFromName(queueKey))`). Every method answers a
 * `Result` from @edgeworks/realtime: expected failures (`not_found`, `conflict`, `validation_failed`,
 * lease lost = `conflict`) are data the route `unwrap`s into problem+json; a thrown error is a bug.
 * `now` is never passed: the object reads its own clock (tests move it with short delays).
 */
export interface SchedulerApi {
  /** Creates or updates the object's copy of the queue (called after the D1 write). Resumes dispatch when unpaused. */
  configure(queue: QueueRef, settings: QueueSettings): Promise<Result<void>>;
  /** Deletes every job, schedule and alarm (the queue is being deleted). */
  destroy(): Promise<Result<void>>;
  /** All validated or none: unknown parent or a cycle → `validation_failed`. A dedupe hit returns the existing job with created: false. */
  submit(jobs: SubmitJob[]): Promise<Result<{ job: Job; created: boolean }[]>>;
  get(id: string): Promise<Result<Job>>;
  list(filter: JobFilter): Promise<Result<Page<Job>>>;
  /** waiting/delayed/waiting-children/failed → cancelled at once; active → `cancelRequested` (the runner or worker stops). */
  cancel(id: string): Promise<Result<Job>>;
  /** A `failed` (waiting for its retry) job runs now; a `dead` one is redriven. */
  retry(id: string): Promise<Result<Job>>;

  /** External workers: up to `max` ready jobs of these names (default: any non-built-in name), leased for `leaseSeconds`. */
  lease(request: { max: number; leaseSeconds: number; worker: string; names?: string[] }): Promise<Result<LeasedJob[]>>;
  /** The built-in runner confirms a dispatch: the job and attempt, or null for a stale token (ack the message, run nothing). */
  start(items: { jobId: string; token: string }[]): Promise<Result<(LeasedJob | null)[]>>;
  heartbeat(id: string, token: string, leaseSeconds?: number): Promise<Result<{ leaseUntil: string; cancelRequested: boolean }>>;
  progress(id: string, token: string, progress: { percent: number; message?: string }): Promise<Result<{ cancelRequested: boolean }>>;
  log(id: string, token: string, lines: string[]): Promise<Result<void>>;
  complete(id: string, token: string, result: unknown): Promise<Result<Job>>;
  /** `retry: false` skips the remaining attempts (a permanent error). */
  fail(id: string, token: string, error: { message: string; stack?: string; retry?: boolean }): Promise<Result<Job>>;
  /** complete/fail of many built-in jobs in one call (the runner batches the outcomes of a message batch). */
  record(outcomes: RunOutcome[]): Promise<Result<OutcomeAnswer[]>>;

  listDead(filter: { name?: string; cursor?: string; limit?: number }): Promise<Result<Page<Job>>>;
  /** Replaces a dead job's payload (≤ 128 KiB) before a redrive. */
  editPayload(id: string, payload: unknown): Promise<Result<Job>>;
  redrive(selection: DeadSelection): Promise<Result<{ redriven: number }>>;
  purge(selection: DeadSelection): Promise<Result<{ purged: number }>>;

  createSchedule(spec: ScheduleSpec): Promise<Result<Schedule>>;
  listSchedules(): Promise<Result<Schedule[]>>;
  getSchedule(id: string): Promise<Result<Schedule>>;
  setSchedulePaused(id: string, paused: boolean): Promise<Result<Schedule>>;
  deleteSchedule(id: string): Promise<Result<void>>;

  counts(): Promise<Result<QueueCounts>>;
  metrics(): Promise<Result<QueueMetrics>>;

  /** A single-use ticket (60 s) for the dashboard's WebSocket (`fetch` takes the upgrade); the route checked the owner. */
  liveTicket(userId: string): Promise<Result<{ ticket: string; expiresAt: number }>>;
}
