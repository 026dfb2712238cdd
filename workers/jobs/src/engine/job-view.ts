import { fromJson, iso, type JobRow } from "./storage";
import type { AttemptRecord, Backoff, Job, JobState, LeasedJob, OnParentFailure, QueueRef, TimelineEntry } from "./types";

/** Log lines kept per job (the oldest go first). */
export const MAX_LOG_LINES = 1000;

/** A job row with its timeline, attempts and logs, as the API shows it. */
export function toJob(sql: SqlStorage, queue: QueueRef, row: JobRow): Job {
  const timeline = sql
    .exec<{ at: number; from_state: string | null; to_state: string; cause: string }>(
      "SELECT at, from_state, to_state, cause FROM timeline WHERE job = ? ORDER BY seq",
      row.id,
    )
    .toArray()
    .map(
      (t): TimelineEntry => ({
        at: new Date(t.at).toISOString(),
        from: t.from_state as JobState | null,
        to: t.to_state as JobState,
        cause: t.cause,
      }),
    );
  const attemptsLog = sql
    .exec<{
      attempt: number;
      started_at: number;
      finished_at: number | null;
      worker: string;
      error_message: string | null;
      error_stack: string | null;
    }>("SELECT attempt, started_at, finished_at, worker, error_message, error_stack FROM attempts WHERE job = ? ORDER BY seq", row.id)
    .toArray()
    .map(
      (a): AttemptRecord => ({
        attempt: a.attempt,
        startedAt: new Date(a.started_at).toISOString(),
        finishedAt: iso(a.finished_at),
        worker: a.worker,
        error: a.error_message === null ? null : { message: a.error_message, stack: a.error_stack },
      }),
    );
  const logs = sql
    .exec<{ at: number; line: string }>("SELECT at, line FROM logs WHERE job = ? ORDER BY seq", row.id)
    .toArray()
    .map((l) => ({ at: new Date(l.at).toISOString(), line: l.line }));
  return {
    id: row.id,
    queue: queue.name,
    jobId: row.job_id,
    name: row.name,
    payload: JSON.parse(row.payload),
    state: row.state as JobState,
    priority: row.priority,
    attempts: { made: row.attempts_made, max: row.attempts_max },
    backoff: fromJson<Backoff>(row.backoff),
    timeout: row.timeout,
    maxStalled: row.max_stalled,
    stalledCount: row.stalled_count,
    runAt: iso(row.run_at),
    dependsOn: JSON.parse(row.depends_on) as string[],
    onParentFailure: row.on_parent_failure as OnParentFailure,
    progress: fromJson<{ percent: number; message: string | null }>(row.progress),
    result: fromJson<unknown>(row.result),
    error: fromJson<{ message: string; stack: string | null }>(row.error),
    attemptsLog,
    logs,
    timeline,
    cancelRequested: row.cancel_requested === 1,
    createdAt: new Date(row.created_at).toISOString(),
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
  };
}

/** What a runner gets for an active job. */
export const toLeased = (row: JobRow): LeasedJob => ({
  id: row.id,
  name: row.name,
  payload: JSON.parse(row.payload),
  attempt: row.attempts_made,
  token: row.token ?? "",
  leaseUntil: new Date(row.lease_until ?? 0).toISOString(),
  timeout: row.timeout,
});
