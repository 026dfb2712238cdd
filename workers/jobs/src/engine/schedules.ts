import { ApiError } from "@edgeworks/http";
import { Cron } from "croner";
import { nanoid } from "nanoid";
import { fromJson, iso, type ScheduleRow } from "./storage";
import type { Schedule, ScheduleSpec, SubmitJob } from "./types";

/** How many upcoming runs a schedule lists. */
export const NEXT_RUNS = 5;
/** Schedules per queue. */
export const MAX_SCHEDULES = 1000;
/** The shortest `every`: one second. */
export const MIN_EVERY_MS = 1000;

/** When a schedule fires: a cron expression in a timezone, or a fixed interval from an anchor. */
interface Timing {
  cron: string | null;
  timezone: string;
  every: number | null;
  startAt: number | null;
  endAt: number | null;
  createdAt: number;
}

const invalid = (path: string, message: string) =>
  new ApiError("validation_failed", message, { errors: [{ path, location: "body", message }] });

/** A parsed cron expression (5 or 6 fields, croner's syntax), or a 422. */
function cronOf(expr: string, timezone: string): Cron {
  try {
    return new Cron(expr, { timezone, paused: true });
  } catch (err) {
    throw invalid("cron", `Invalid cron expression: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function checkTimezone(timezone: string): void {
  try {
    new Intl.DateTimeFormat("en", { timeZone: timezone });
  } catch {
    throw invalid("timezone", `Unknown timezone: ${timezone}`);
  }
}

/**
 * The first run strictly after `after` (never before `startAt`, never after `endAt`), or null when
 * there is none. A schedule without `startAt` that uses `every` first runs one interval after it was created.
 */
export function nextRunAfter(t: Timing, after: number): number | null {
  let next: number | null;
  if (t.every !== null) {
    const anchor = t.startAt ?? t.createdAt + t.every;
    const k = after < anchor ? 0 : Math.floor((after - anchor) / t.every) + 1;
    next = anchor + k * t.every;
  } else {
    const from = t.startAt !== null && t.startAt - 1 > after ? t.startAt - 1 : after;
    const date = cronOf(t.cron ?? "", t.timezone).nextRun(new Date(from));
    next = date ? date.getTime() : null;
  }
  if (next === null || (t.endAt !== null && next > t.endAt)) return null;
  return next;
}

/** The next `n` runs after `after`, bounded by the runs left. */
export function upcomingRuns(t: Timing, after: number, limitLeft: number | null, n = NEXT_RUNS): number[] {
  const runs: number[] = [];
  let cursor = after;
  const max = limitLeft === null ? n : Math.min(n, limitLeft);
  while (runs.length < max) {
    const next = nextRunAfter(t, cursor);
    if (next === null) break;
    runs.push(next);
    cursor = next;
  }
  return runs;
}

const timingOf = (row: ScheduleRow): Timing => ({
  cron: row.cron,
  timezone: row.timezone,
  every: row.every,
  startAt: row.start_at,
  endAt: row.end_at,
  createdAt: row.created_at,
});

const parseInstant = (value: string | undefined, path: string): number | null => {
  if (value === undefined) return null;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw invalid(path, "Must be an ISO 8601 date-time");
  return ms;
};

/** Schedules of one queue in the scheduler's SQLite: create, list, pause, and fire the due ones. */
export class ScheduleStore {
  constructor(private readonly sql: SqlStorage) {}

  /** Checks the spec (cron xor every, timezone, dates, no dependencies) and stores it with its first run. */
  create(spec: ScheduleSpec, now: number): Schedule {
    if ((spec.cron === undefined) === (spec.every === undefined)) throw invalid("cron", "Give exactly one of cron and every");
    const timezone = spec.timezone ?? "UTC";
    checkTimezone(timezone);
    if (spec.cron !== undefined) cronOf(spec.cron, timezone);
    if (spec.every !== undefined && (!Number.isSafeInteger(spec.every) || spec.every < MIN_EVERY_MS)) {
      throw invalid("every", `every is a whole number of milliseconds, at least ${MIN_EVERY_MS}`);
    }
    const startAt = parseInstant(spec.startAt, "startAt");
    const endAt = parseInstant(spec.endAt, "endAt");
    if (startAt !== null && endAt !== null && endAt <= startAt) throw invalid("endAt", "endAt must be after startAt");
    if (spec.limit !== undefined && (!Number.isSafeInteger(spec.limit) || spec.limit < 1)) throw invalid("limit", "limit is at least 1");
    if (spec.job.dependsOn?.length) throw invalid("job.dependsOn", "A scheduled job cannot depend on other jobs");
    const total = this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM schedules").one().n;
    if (total >= MAX_SCHEDULES) throw new ApiError("conflict", `A queue has at most ${MAX_SCHEDULES} schedules`);
    const timing: Timing = { cron: spec.cron ?? null, timezone, every: spec.every ?? null, startAt, endAt, createdAt: now };
    const id = `s_${nanoid(12)}`;
    this.sql.exec(
      `INSERT INTO schedules (id, cron, timezone, every, start_at, end_at, limit_left, job, next_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      id,
      timing.cron,
      timezone,
      timing.every,
      startAt,
      endAt,
      spec.limit ?? null,
      JSON.stringify(spec.job),
      nextRunAfter(timing, now - 1),
      now,
    );
    return this.getOrThrow(id);
  }

  list(): Schedule[] {
    return this.sql
      .exec<ScheduleRow>("SELECT * FROM schedules ORDER BY created_at, id")
      .toArray()
      .map((row) => this.view(row));
  }

  getOrThrow(id: string): Schedule {
    return this.view(this.rowOrThrow(id));
  }

  /** Pausing stops its runs; resuming starts from the next future run (runs missed while paused are skipped). */
  setPaused(id: string, paused: boolean, now: number): Schedule {
    const row = this.rowOrThrow(id);
    const left = row.limit_left === null || row.limit_left > 0;
    const next = paused || !left ? row.next_at : nextRunAfter(timingOf(row), now);
    this.sql.exec("UPDATE schedules SET paused = ?, next_at = ? WHERE id = ?", paused ? 1 : 0, next, id);
    return this.getOrThrow(id);
  }

  delete(id: string): void {
    this.rowOrThrow(id);
    this.sql.exec("DELETE FROM schedules WHERE id = ?", id);
  }

  deleteAll(): void {
    this.sql.exec("DELETE FROM schedules");
  }

  /**
   * Fires every due schedule ONCE, however many of its runs were missed (downtime, a late alarm), then
   * moves it to its next run after `now`. `submit` enqueues the job; returns how many fired.
   */
  fireDue(now: number, submit: (job: SubmitJob, scheduleId: string) => void): number {
    const due = this.sql
      .exec<ScheduleRow>("SELECT * FROM schedules WHERE paused = 0 AND next_at IS NOT NULL AND next_at <= ?", now)
      .toArray();
    for (const row of due) {
      submit(JSON.parse(row.job) as SubmitJob, row.id);
      const left = row.limit_left === null ? null : row.limit_left - 1;
      const next = left === 0 ? null : nextRunAfter(timingOf(row), now);
      this.sql.exec(
        "UPDATE schedules SET runs = runs + 1, limit_left = ?, last_run_at = ?, next_at = ? WHERE id = ?",
        left,
        now,
        next,
        row.id,
      );
    }
    return due.length;
  }

  /** The earliest next run of an active schedule (for the alarm). */
  nextDue(): number | null {
    const row = this.sql.exec<{ at: number | null }>("SELECT min(next_at) AS at FROM schedules WHERE paused = 0").one();
    return row.at;
  }

  private rowOrThrow(id: string): ScheduleRow {
    const row = this.sql.exec<ScheduleRow>("SELECT * FROM schedules WHERE id = ?", id).toArray()[0];
    if (!row) throw new ApiError("not_found", "Schedule not found");
    return row;
  }

  private view(row: ScheduleRow): Schedule {
    const active = row.paused === 0 && row.next_at !== null;
    const first = row.next_at;
    const rest =
      active && first !== null
        ? upcomingRuns(timingOf(row), first, row.limit_left === null ? null : row.limit_left - 1, NEXT_RUNS - 1)
        : [];
    return {
      id: row.id,
      cron: row.cron,
      timezone: row.timezone,
      every: row.every,
      startAt: iso(row.start_at),
      endAt: iso(row.end_at),
      limit: row.limit_left,
      runs: row.runs,
      paused: row.paused === 1,
      job: fromJson<SubmitJob>(row.job) as SubmitJob,
      nextRuns: active && first !== null ? [first, ...rest].map((t) => new Date(t).toISOString()) : [],
      lastRunAt: iso(row.last_run_at),
      createdAt: new Date(row.created_at).toISOString(),
    };
  }
}
