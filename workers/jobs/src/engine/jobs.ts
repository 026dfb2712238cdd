import { ApiError, decodeCursor, encodeCursor, invalidCursor, toPage } from "@edgeworks/http";
import { nanoid } from "nanoid";
import { retryDelay } from "./backoff";
import { MAX_LOG_LINES, toJob, toLeased } from "./job-view";
import { MetricsStore } from "./metrics";
import { ScheduleStore } from "./schedules";
import { iso, type JobRow, placeholders, toJson } from "./storage";
import { findCycle, jsonBytes, MAX_JSON_BYTES, type NewJob, normalizeJobs, topologicalOrder } from "./submit";
import {
  type DeadSelection,
  FINISHED_STATES,
  JOB_STATES,
  type Job,
  type JobFilter,
  type JobState,
  type LeasedJob,
  type LiveEvent,
  type OutcomeAnswer,
  type Page,
  type QueueRef,
  type QueueSettings,
  type RunMessage,
  type RunOutcome,
  type SubmitJob,
} from "./types";

/** A built-in job's lease: its timeout plus this, so a runner that dies is noticed. */
export const BUILTIN_LEASE_GRACE_MS = 30_000;
const FINISHED: ReadonlySet<string> = new Set(FINISHED_STATES);
const NOT_FINISHED_SQL = `state NOT IN (${FINISHED_STATES.map((s) => `'${s}'`).join(", ")})`;
const MAX_ERROR_MESSAGE = 2000;
const MAX_ERROR_STACK = 8000;
const MAX_LOG_LINE = 4000;

export interface EngineHooks {
  /** Whether the Queues consumer runs jobs of this name (else an external worker leases them). */
  isBuiltin(name: string): boolean;
  /** Every job transition, for the live dashboard. */
  publish(event: LiveEvent): void;
}

type Patch = Record<string, SqlStorageValue>;
type JobError = { message: string; stack: string | null };

const lost = () => new ApiError("conflict", "The lease is lost: the token does not match or the lease expired");
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * One queue's jobs in the scheduler's SQLite: every state change goes through {@link JobEngine.move}
 * (timeline, live event, dependants). All methods are synchronous, so the object runs each one whole.
 */
export class JobEngine {
  readonly metrics: MetricsStore;
  readonly schedules: ScheduleStore;
  private meta: { queue: QueueRef; settings: QueueSettings } | null | undefined;
  /** Whether a job finished since the count-based retention last ran (a fresh instance checks once). */
  private finishedSinceRetention = true;

  constructor(
    private readonly sql: SqlStorage,
    private readonly hooks: EngineHooks,
  ) {
    this.metrics = new MetricsStore(sql);
    this.schedules = new ScheduleStore(sql);
  }

  // ── the queue ─────────────────────────────────────────────────────────

  get queue(): QueueRef | null {
    return this.loaded()?.queue ?? null;
  }

  configure(queue: QueueRef, settings: QueueSettings): void {
    this.sql.exec(
      "INSERT OR REPLACE INTO meta (key, value) VALUES ('queue', ?), ('settings', ?)",
      JSON.stringify(queue),
      JSON.stringify(settings),
    );
    this.meta = { queue, settings };
    this.finishedSinceRetention = true;
  }

  destroy(): void {
    for (const table of ["jobs", "edges", "timeline", "attempts", "logs", "starts", "stats", "histogram", "meta"])
      this.sql.exec(`DELETE FROM ${table}`);
    this.schedules.deleteAll();
    this.meta = null;
  }

  private loaded(): { queue: QueueRef; settings: QueueSettings } | null {
    if (this.meta === undefined) {
      const rows = new Map(
        this.sql
          .exec<{ key: string; value: string }>("SELECT key, value FROM meta")
          .toArray()
          .map((r) => [r.key, r.value]),
      );
      const queue = rows.get("queue");
      const settings = rows.get("settings");
      this.meta = queue && settings ? { queue: JSON.parse(queue) as QueueRef, settings: JSON.parse(settings) as QueueSettings } : null;
    }
    return this.meta;
  }

  private configured(): { queue: QueueRef; settings: QueueSettings } {
    const meta = this.loaded();
    if (!meta) throw new ApiError("not_found", "Queue not found");
    return meta;
  }

  /** `<ownerId>/<queueId>`: the object's name, carried by every RunMessage. */
  queueKey(): string {
    const { queue } = this.configured();
    return `${queue.ownerId}/${queue.id}`;
  }

  // ── reading ───────────────────────────────────────────────────────────

  private row(id: string): JobRow | undefined {
    return this.sql.exec<JobRow>("SELECT * FROM jobs WHERE id = ?", id).toArray()[0];
  }

  private rowOrThrow(id: string): JobRow {
    this.configured();
    const row = this.row(id);
    if (!row) throw new ApiError("not_found", "Job not found");
    return row;
  }

  view(id: string): Job {
    return toJob(this.sql, this.configured().queue, this.rowOrThrow(id));
  }

  list(filter: JobFilter): Page<Job> {
    const { queue } = this.configured();
    const limit = filter.limit ?? 20;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 100) {
      throw new ApiError("validation_failed", "limit is 1..100", { errors: [{ path: "limit", location: "query", message: "1..100" }] });
    }
    if (filter.state !== undefined && !JOB_STATES.includes(filter.state)) {
      throw new ApiError("validation_failed", "Unknown state", {
        errors: [{ path: "state", location: "query", message: JOB_STATES.join(", ") }],
      });
    }
    const scope = `jobs:${filter.state ?? ""}:${filter.name ?? ""}`;
    const where: string[] = [];
    const args: SqlStorageValue[] = [];
    if (filter.state !== undefined) where.push("state = ?") && args.push(filter.state);
    if (filter.name !== undefined) where.push("name = ?") && args.push(filter.name);
    if (filter.cursor !== undefined) {
      const [seq] = decodeCursor(scope, filter.cursor, 1);
      if (typeof seq !== "number") throw invalidCursor();
      where.push("seq < ?") && args.push(seq);
    }
    const rows = this.sql
      .exec<JobRow>(
        `SELECT * FROM jobs ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY seq DESC LIMIT ?`,
        ...args,
        limit + 1,
      )
      .toArray();
    const page = toPage(rows, limit, (last) => encodeCursor(scope, [last.seq]));
    return { items: page.items.map((row) => toJob(this.sql, queue, row)), nextCursor: page.nextCursor };
  }

  // ── transitions ───────────────────────────────────────────────────────

  /** The one way a job changes state: the row, a timeline entry, a live event, then its dependants. */
  private move(row: JobRow, to: JobState, cause: string, now: number, patch: Patch = {}): void {
    const cols = Object.keys(patch);
    this.sql.exec(`UPDATE jobs SET state = ?${cols.map((c) => `, ${c} = ?`).join("")} WHERE id = ?`, to, ...Object.values(patch), row.id);
    this.record(
      row,
      row.state as JobState,
      to,
      cause,
      now,
      typeof patch.error === "string" ? (JSON.parse(patch.error) as JobError).message : undefined,
    );
    if (FINISHED.has(to)) {
      this.finishedSinceRetention = true;
      this.settleChildren(row.id, to, now);
    }
  }

  private record(row: JobRow, from: JobState | null, to: JobState, cause: string, now: number, error?: string): void {
    this.sql.exec("INSERT INTO timeline (job, at, from_state, to_state, cause) VALUES (?, ?, ?, ?, ?)", row.id, now, from, to, cause);
    this.hooks.publish({ type: "job", id: row.id, name: row.name, from, to, at: new Date(now).toISOString(), ...(error ? { error } : {}) });
  }

  /** A parent finished: its waiting children are released, failed or skipped (their `onParentFailure`). */
  private settleChildren(parentId: string, outcome: JobState, now: number): void {
    const children = this.sql
      .exec<JobRow>("SELECT jobs.* FROM edges JOIN jobs ON jobs.id = edges.child WHERE edges.parent = ?", parentId)
      .toArray();
    this.sql.exec("DELETE FROM edges WHERE parent = ?", parentId);
    for (const child of children) {
      if (child.state !== "waiting-children") continue;
      if (outcome === "completed" || child.on_parent_failure === "ignore") {
        if (child.pending_parents > 1) this.sql.exec("UPDATE jobs SET pending_parents = pending_parents - 1 WHERE id = ?", child.id);
        else this.release(child, outcome === "completed" ? "parents done" : `parents done (${parentId} ${outcome}, ignored)`, now);
      } else if (child.on_parent_failure === "skip") {
        this.move(child, "cancelled", "parent failed (skip)", now, { finished_at: now, pending_parents: 0 });
      } else {
        const error = JSON.stringify({ message: "parent failed", stack: null });
        this.move(child, "dead", `parent failed (${parentId} ${outcome})`, now, { error, finished_at: now, pending_parents: 0 });
      }
    }
  }

  private release(row: JobRow, cause: string, now: number): void {
    if (row.run_at !== null && row.run_at > now) this.move(row, "delayed", cause, now, { pending_parents: 0 });
    else this.move(row, "waiting", cause, now, { pending_parents: 0, ready_at: now });
  }

  /** Closes the open attempt record; returns when it started (for the run-time histogram). */
  private closeAttempt(id: string, now: number, error: JobError | null): number | null {
    const row = this.sql
      .exec<{ started_at: number }>(
        "UPDATE attempts SET finished_at = ?, error_message = ?, error_stack = ? WHERE job = ? AND finished_at IS NULL RETURNING started_at",
        now,
        error?.message ?? null,
        error?.stack ?? null,
        id,
      )
      .toArray()[0];
    return row?.started_at ?? null;
  }

  // ── submit ────────────────────────────────────────────────────────────

  /**
   * All or nothing (the caller runs it in one transaction): dedupe by `jobId` among unfinished jobs
   * (and within the call), parents resolved by id or jobId (also later in the same call), cycles and
   * unknown parents refused before anything is written.
   */
  submit(items: SubmitJob[], now: number, cause = "submitted"): { job: Job; created: boolean }[] {
    const { queue, settings } = this.configured();
    const jobs = normalizeJobs(items, settings.defaultJobOptions, now);
    type Slot = { id: string; job: NewJob | null };
    const slots: Slot[] = [];
    const byJobId = new Map<string, number>();
    for (const job of jobs) {
      if (job.jobId !== null) {
        const prior = byJobId.get(job.jobId);
        if (prior !== undefined) {
          slots.push({ id: (slots[prior] as Slot).id, job: null });
          continue;
        }
        byJobId.set(job.jobId, slots.length);
        const existing = this.sql
          .exec<{ id: string }>(`SELECT id FROM jobs WHERE job_id = ? AND ${NOT_FINISHED_SQL}`, job.jobId)
          .toArray()[0];
        if (existing) {
          slots.push({ id: existing.id, job: null });
          continue;
        }
      }
      slots.push({ id: `j_${queue.id}_${nanoid(12)}`, job });
    }
    const newIndex = new Map(slots.flatMap((s, i) => (s.job ? [[s.id, i] as const] : [])));
    const parents = new Map<number, string[]>();
    const local = new Map<number, number[]>();
    const errors: { path: string; location: string; message: string }[] = [];
    slots.forEach((slot, i) => {
      if (!slot.job) return;
      const ids: string[] = [];
      for (const ref of slot.job.dependsOn) {
        const at = byJobId.get(ref);
        const id = at !== undefined ? (slots[at] as Slot).id : this.resolveParent(ref);
        if (id === undefined) errors.push({ path: `jobs.${i}.dependsOn`, location: "body", message: `Unknown parent: ${ref}` });
        else if (!ids.includes(id)) ids.push(id);
      }
      parents.set(i, ids);
      local.set(
        i,
        ids.flatMap((id) => (newIndex.has(id) ? [newIndex.get(id) as number] : [])),
      );
    });
    if (errors.length) throw new ApiError("validation_failed", "A parent job does not exist in this queue", { errors });
    const cycle = findCycle(slots.length, local);
    if (cycle) {
      throw new ApiError("validation_failed", "The dependencies form a cycle", {
        errors: [{ path: `jobs.${cycle[0]}.dependsOn`, location: "body", message: `Cycle through jobs ${cycle.join(" → ")}` }],
      });
    }
    for (const [i, slot] of slots.entries()) if (slot.job) this.insert(slot.id, slot.job, parents.get(i) ?? [], now);
    for (const i of topologicalOrder(slots.length, local)) {
      const slot = slots[i] as Slot;
      if (slot.job) this.place(slot.id, slot.job, parents.get(i) ?? [], now, cause);
    }
    return slots.map((slot) => ({ job: this.view(slot.id), created: slot.job !== null }));
  }

  /** A parent by id, else by jobId (the unfinished one, else the newest). */
  private resolveParent(ref: string): string | undefined {
    const byId = this.sql.exec<{ id: string }>("SELECT id FROM jobs WHERE id = ?", ref).toArray()[0];
    if (byId) return byId.id;
    return this.sql
      .exec<{ id: string }>(`SELECT id FROM jobs WHERE job_id = ? ORDER BY (${NOT_FINISHED_SQL}) DESC, seq DESC LIMIT 1`, ref)
      .toArray()[0]?.id;
  }

  private insert(id: string, job: NewJob, parentIds: string[], now: number): void {
    this.sql.exec(
      `INSERT INTO jobs (id, job_id, name, payload, state, priority, attempts_max, backoff, timeout, max_stalled, run_at,
         depends_on, on_parent_failure, builtin, created_at)
       VALUES (?, ?, ?, ?, 'waiting-children', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      id,
      job.jobId,
      job.name,
      job.payload,
      job.priority,
      job.attempts,
      toJson(job.backoff ?? undefined),
      job.timeout,
      job.maxStalled,
      job.runAt,
      JSON.stringify(parentIds),
      job.onParentFailure,
      this.hooks.isBuiltin(job.name) ? 1 : 0,
      now,
    );
  }

  /** A new job's first state: after its parents (placed first), its delay, or ready. */
  private place(id: string, job: NewJob, parentIds: string[], now: number, cause: string): void {
    let pending = 0;
    let failed: JobRow | undefined;
    for (const parentId of parentIds) {
      const parent = this.row(parentId) as JobRow;
      if (parent.state === "completed") continue;
      if (parent.state === "dead" || parent.state === "cancelled") {
        if (job.onParentFailure !== "ignore") failed ??= parent;
        continue;
      }
      pending++;
      this.sql.exec("INSERT OR IGNORE INTO edges (parent, child) VALUES (?, ?)", parentId, id);
    }
    const row = this.row(id) as JobRow;
    let state: JobState;
    let why = cause;
    const patch: Patch = { pending_parents: pending };
    if (failed) {
      this.sql.exec("DELETE FROM edges WHERE child = ?", id);
      patch.pending_parents = 0;
      patch.finished_at = now;
      state = job.onParentFailure === "skip" ? "cancelled" : "dead";
      why = job.onParentFailure === "skip" ? `${cause}; parent failed (skip)` : `${cause}; parent failed (${failed.id} ${failed.state})`;
      if (state === "dead") patch.error = JSON.stringify({ message: "parent failed", stack: null });
    } else if (pending > 0) state = "waiting-children";
    else if (job.runAt !== null) state = "delayed";
    else {
      state = "waiting";
      patch.ready_at = now;
    }
    const cols = Object.keys(patch);
    this.sql.exec(`UPDATE jobs SET state = ?${cols.map((c) => `, ${c} = ?`).join("")} WHERE id = ?`, state, ...Object.values(patch), id);
    this.record(row, null, state, why, now);
  }

  // ── time: delays, retries, leases, schedules, retention ───────────────

  /** Everything that became due by `now`. Called before each method and by the alarm. */
  catchUp(now: number): void {
    if (!this.loaded()) return;
    for (const row of this.sql
      .exec<JobRow>("SELECT * FROM jobs WHERE state IN ('delayed', 'failed') AND run_at <= ? ORDER BY run_at, seq", now)
      .toArray()) {
      this.move(row, "waiting", row.state === "delayed" ? "delay elapsed" : "retry backoff elapsed", now, { ready_at: now });
    }
    for (const row of this.sql.exec<JobRow>("SELECT * FROM jobs WHERE state = 'active' AND lease_until <= ?", now).toArray()) {
      this.stalled(row, now, "lease expired");
    }
    this.schedules.fireDue(now, (job, scheduleId) => {
      try {
        this.submit([job], now, `submitted by schedule ${scheduleId}`);
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
      }
    });
    this.enforceRetention(now);
  }

  /** A runner that went silent: back to waiting up to `maxStalled` times, then a failed attempt. */
  private stalled(row: JobRow, now: number, why: string): void {
    if (row.cancel_requested === 1 || row.stalled_count >= row.max_stalled) {
      this.failActive(row, now, { message: "stalled", stack: null }, true);
      return;
    }
    this.closeAttempt(row.id, now, { message: `stalled: ${why}`, stack: null });
    this.move(row, "waiting", `stalled: ${why}`, now, {
      stalled_count: row.stalled_count + 1,
      token: null,
      lease_until: null,
      ready_at: now,
    });
  }

  private enforceRetention(now: number): void {
    const { retention } = this.configured().settings;
    const groups = [
      { states: "'completed'", rule: retention.completed },
      { states: "'dead', 'cancelled'", rule: retention.failed },
    ];
    let more = false;
    for (const { states, rule } of groups) {
      const old = this.sql
        .exec<{ id: string }>(`SELECT id FROM jobs WHERE state IN (${states}) AND finished_at < ? LIMIT 500`, now - rule.ageSeconds * 1000)
        .toArray();
      // the count rule walks `count` index entries: only worth it when something finished since
      const over = this.finishedSinceRetention
        ? this.sql
            .exec<{ id: string }>(`SELECT id FROM jobs WHERE state IN (${states}) ORDER BY finished_at DESC LIMIT 500 OFFSET ?`, rule.count)
            .toArray()
        : [];
      if (over.length === 500) more = true;
      this.deleteJobs([...new Set([...old, ...over].map((r) => r.id))]);
    }
    this.finishedSinceRetention = more;
  }

  private deleteJobs(ids: string[]): void {
    for (let i = 0; i < ids.length; i += 50) {
      const chunk = ids.slice(i, i + 50);
      const marks = placeholders(chunk.length);
      for (const table of ["timeline", "attempts", "logs"]) this.sql.exec(`DELETE FROM ${table} WHERE job IN (${marks})`, ...chunk);
      this.sql.exec(`DELETE FROM edges WHERE parent IN (${marks}) OR child IN (${marks})`, ...chunk, ...chunk);
      this.sql.exec(`DELETE FROM jobs WHERE id IN (${marks})`, ...chunk);
    }
  }

  /** When the object must wake next: a delay, a retry, a lease, a schedule, a rate-limit window, a retention age. */
  nextWake(now: number): number | null {
    const meta = this.loaded();
    if (!meta) return null;
    const times: (number | null)[] = [
      this.sql.exec<{ at: number | null }>("SELECT min(run_at) AS at FROM jobs WHERE state IN ('delayed', 'failed')").one().at,
      this.sql.exec<{ at: number | null }>("SELECT min(lease_until) AS at FROM jobs WHERE state = 'active'").one().at,
      this.schedules.nextDue(),
    ];
    const { retention } = meta.settings;
    const oldest = (states: string) =>
      this.sql.exec<{ at: number | null }>(`SELECT min(finished_at) AS at FROM jobs WHERE state IN (${states})`).one().at;
    const completedAt = oldest("'completed'");
    const failedAt = oldest("'dead', 'cancelled'");
    if (completedAt !== null) times.push(completedAt + retention.completed.ageSeconds * 1000 + 1);
    if (failedAt !== null) times.push(failedAt + retention.failed.ageSeconds * 1000 + 1);
    if (!meta.settings.paused && this.readyBuiltin() && this.slots() > 0 && this.rateAllowance(now) <= 0) times.push(this.rateFreeAt(now));
    const due = times.filter((t): t is number => t !== null);
    return due.length ? Math.min(...due) : null;
  }

  // ── dispatch and leases ───────────────────────────────────────────────

  private readyBuiltin(): boolean {
    return this.sql.exec("SELECT 1 FROM jobs WHERE state = 'waiting' AND builtin = 1 LIMIT 1").toArray().length > 0;
  }

  /** Free places under the queue's concurrency. */
  private slots(): number {
    const active = this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM jobs WHERE state = 'active'").one().n;
    return this.configured().settings.concurrency - active;
  }

  /** Starts the rate limit allows now: `max` minus the starts in the last `perSeconds` (a sliding log). */
  private rateAllowance(now: number): number {
    const limit = this.configured().settings.rateLimit;
    if (!limit) return Number.POSITIVE_INFINITY;
    this.sql.exec("DELETE FROM starts WHERE at <= ?", now - limit.perSeconds * 1000);
    return limit.max - this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM starts").one().n;
  }

  /** When the oldest start in the window leaves it (a place opens). */
  private rateFreeAt(now: number): number {
    const limit = this.configured().settings.rateLimit;
    const oldest = this.sql.exec<{ at: number | null }>("SELECT min(at) AS at FROM starts").one().at;
    return limit && oldest !== null ? oldest + limit.perSeconds * 1000 : now;
  }

  /** How many jobs may start now: not paused, under the concurrency and the rate limit. */
  private capacity(now: number): number {
    if (this.configured().settings.paused) return 0;
    return Math.max(0, Math.min(this.slots(), this.rateAllowance(now)));
  }

  private startJob(row: JobRow, now: number, worker: string, leaseMs: number): JobRow {
    const token = crypto.randomUUID();
    const attempt = row.attempts_made + 1;
    this.move(row, "active", worker === "builtin" ? "dispatched" : `leased by ${worker}`, now, {
      token,
      lease_until: now + leaseMs,
      lease_ms: leaseMs,
      worker,
      run_started: worker === "builtin" ? 0 : 1,
      attempts_made: attempt,
      started_at: row.started_at ?? now,
    });
    this.sql.exec("INSERT INTO attempts (job, attempt, started_at, worker) VALUES (?, ?, ?, ?)", row.id, attempt, now, worker);
    if (this.configured().settings.rateLimit) this.sql.exec("INSERT INTO starts (at) VALUES (?)", now);
    this.metrics.observe("wait", (now - (row.ready_at ?? row.created_at)) / 1000);
    return this.row(row.id) as JobRow;
  }

  /** Marks the next ready built-in jobs active (priority, then FIFO) and returns their messages. */
  dispatch(now: number): RunMessage[] {
    if (!this.loaded()) return [];
    const n = this.capacity(now);
    if (n <= 0) return [];
    const rows = this.sql
      .exec<JobRow>("SELECT * FROM jobs WHERE state = 'waiting' AND builtin = 1 ORDER BY priority DESC, seq LIMIT ?", Math.min(n, 1000))
      .toArray();
    const queueKey = this.queueKey();
    return rows.map((row) => {
      const started = this.startJob(row, now, "builtin", row.timeout + BUILTIN_LEASE_GRACE_MS);
      return { queueKey, jobId: started.id, token: started.token ?? "" };
    });
  }

  /** A send that failed: its jobs go back to waiting (the attempt and the start do not count). */
  undoDispatch(messages: RunMessage[], now: number, reason: string): void {
    for (const m of messages) {
      const row = this.row(m.jobId);
      if (row?.state !== "active" || row.token !== m.token || row.run_started === 1) continue;
      this.sql.exec("DELETE FROM attempts WHERE job = ? AND finished_at IS NULL", row.id);
      this.move(row, "waiting", `dispatch failed: ${clip(reason, 200)}`, now, {
        token: null,
        lease_until: null,
        attempts_made: row.attempts_made - 1,
        ready_at: now,
      });
    }
  }

  lease(request: { max: number; leaseSeconds: number; worker: string; names?: string[] }, now: number): LeasedJob[] {
    if (!Number.isSafeInteger(request.max) || request.max < 1 || request.max > 100) {
      throw new ApiError("validation_failed", "max is 1..100", { errors: [{ path: "max", location: "body", message: "1..100" }] });
    }
    if (!(request.leaseSeconds >= 1 && request.leaseSeconds <= 3600)) {
      throw new ApiError("validation_failed", "leaseSeconds is 1..3600", {
        errors: [{ path: "leaseSeconds", location: "body", message: "1..3600" }],
      });
    }
    const n = Math.min(request.max, this.capacity(now));
    if (n <= 0) return [];
    const names = request.names?.length ? request.names.slice(0, 50) : null;
    const rows = this.sql
      .exec<JobRow>(
        `SELECT * FROM jobs WHERE state = 'waiting' AND builtin = 0 ${names ? `AND name IN (${placeholders(names.length)})` : ""}
         ORDER BY priority DESC, seq LIMIT ?`,
        ...(names ?? []),
        n,
      )
      .toArray();
    const worker = clip(request.worker || "worker", 100);
    return rows.map((row) => toLeased(this.startJob(row, now, worker, Math.round(request.leaseSeconds * 1000))));
  }

  /**
   * The built-in runner takes a dispatched job: its LeasedJob, or null when the token is stale. A token
   * already started means the runner died before recording an outcome (the message came back): the
   * job restarts as a new attempt, counted as a stall (past `maxStalled` it fails as `stalled`).
   */
  start(items: { jobId: string; token: string }[], now: number): (LeasedJob | null)[] {
    this.configured();
    return items.map(({ jobId, token }) => {
      const row = this.row(jobId);
      if (row?.state !== "active" || row.token !== token) return null;
      if (row.run_started === 0) {
        this.sql.exec("UPDATE jobs SET run_started = 1 WHERE id = ?", jobId);
        return toLeased(row);
      }
      if (row.cancel_requested === 1 || row.stalled_count >= row.max_stalled) {
        this.failActive(row, now, { message: "stalled", stack: null }, true);
        return null;
      }
      this.closeAttempt(jobId, now, { message: "interrupted: the runner stopped before recording an outcome", stack: null });
      const attempt = row.attempts_made + 1;
      this.sql.exec(
        "UPDATE jobs SET attempts_made = ?, stalled_count = stalled_count + 1, lease_until = ? WHERE id = ?",
        attempt,
        now + (row.lease_ms ?? row.timeout + BUILTIN_LEASE_GRACE_MS),
        jobId,
      );
      this.sql.exec("INSERT INTO attempts (job, attempt, started_at, worker) VALUES (?, ?, ?, 'builtin')", jobId, attempt, now);
      this.record(row, "active", "active", `restarted after a runner crash (attempt ${attempt})`, now);
      return toLeased(this.row(jobId) as JobRow);
    });
  }

  private activeOrThrow(id: string, token: string): JobRow {
    const row = this.rowOrThrow(id);
    if (row.state !== "active" || row.token !== token) throw lost();
    return row;
  }

  heartbeat(id: string, token: string, leaseSeconds: number | undefined, now: number): { leaseUntil: string; cancelRequested: boolean } {
    const row = this.activeOrThrow(id, token);
    if (leaseSeconds !== undefined && !(leaseSeconds >= 1 && leaseSeconds <= 3600)) {
      throw new ApiError("validation_failed", "leaseSeconds is 1..3600", {
        errors: [{ path: "leaseSeconds", location: "body", message: "1..3600" }],
      });
    }
    const leaseMs = leaseSeconds !== undefined ? Math.round(leaseSeconds * 1000) : (row.lease_ms ?? 30_000);
    this.sql.exec("UPDATE jobs SET lease_until = ?, lease_ms = ? WHERE id = ?", now + leaseMs, leaseMs, id);
    return { leaseUntil: iso(now + leaseMs) as string, cancelRequested: row.cancel_requested === 1 };
  }

  progress(id: string, token: string, progress: { percent: number; message?: string }): { cancelRequested: boolean } {
    const row = this.activeOrThrow(id, token);
    if (!(progress.percent >= 0 && progress.percent <= 100)) {
      throw new ApiError("validation_failed", "percent is 0..100", { errors: [{ path: "percent", location: "body", message: "0..100" }] });
    }
    const value = { percent: progress.percent, message: progress.message === undefined ? null : clip(progress.message, 1000) };
    this.sql.exec("UPDATE jobs SET progress = ? WHERE id = ?", JSON.stringify(value), id);
    return { cancelRequested: row.cancel_requested === 1 };
  }

  log(id: string, token: string, lines: string[], now: number): void {
    this.activeOrThrow(id, token);
    for (const line of lines.slice(0, MAX_LOG_LINES))
      this.sql.exec("INSERT INTO logs (job, at, line) VALUES (?, ?, ?)", id, now, clip(String(line), MAX_LOG_LINE));
    this.sql.exec(
      "DELETE FROM logs WHERE job = ? AND seq <= (SELECT seq FROM logs WHERE job = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)",
      id,
      id,
      MAX_LOG_LINES,
    );
  }

  complete(id: string, token: string, result: unknown, now: number): Job {
    this.recordComplete(id, token, result, now);
    return this.view(id);
  }

  private recordComplete(id: string, token: string, result: unknown, now: number): void {
    const row = this.activeOrThrow(id, token);
    if (jsonBytes(result) > MAX_JSON_BYTES) {
      throw new ApiError("validation_failed", `A result is at most ${MAX_JSON_BYTES} bytes of JSON`, {
        errors: [{ path: "result", location: "body", message: `At most ${MAX_JSON_BYTES} bytes` }],
      });
    }
    const started = this.closeAttempt(id, now, null);
    if (started !== null) this.metrics.observe("run", (now - started) / 1000);
    this.metrics.add("completed_total", 1);
    this.move(row, "completed", "completed", now, {
      result: toJson(result ?? null),
      error: null,
      finished_at: now,
      token: null,
      lease_until: null,
    });
  }

  fail(id: string, token: string, error: { message: string; stack?: string; retry?: boolean }, now: number): Job {
    this.recordFail(id, token, error, now);
    return this.view(id);
  }

  private recordFail(id: string, token: string, error: { message: string; stack?: string; retry?: boolean }, now: number): void {
    const row = this.activeOrThrow(id, token);
    const err = {
      message: clip(String(error.message ?? "failed"), MAX_ERROR_MESSAGE),
      stack: error.stack ? clip(error.stack, MAX_ERROR_STACK) : null,
    };
    this.failActive(row, now, err, error.retry !== false);
  }

  /**
   * The built-in runner's outcomes, several in one call (each on its own: a lost lease is that item's
   * `conflict`, the others are recorded).
   */
  recordOutcomes(outcomes: RunOutcome[], now: number): OutcomeAnswer[] {
    this.configured();
    return outcomes.map((o) => {
      try {
        if ("error" in o) this.recordFail(o.id, o.token, o.error, now);
        else this.recordComplete(o.id, o.token, o.result, now);
        return { ok: true };
      } catch (err) {
        if (err instanceof ApiError) return { ok: false, code: err.code };
        throw err;
      }
    });
  }

  /** An attempt failed: cancelled (if asked), a retry after the backoff, or dead after the last attempt. */
  private failActive(row: JobRow, now: number, error: JobError, retry: boolean): void {
    const started = this.closeAttempt(row.id, now, error);
    if (started !== null) this.metrics.observe("run", (now - started) / 1000);
    this.metrics.add("failed_total", 1);
    const attempt = row.attempts_made;
    const base: Patch = { error: JSON.stringify(error), token: null, lease_until: null };
    const what = `attempt ${attempt} failed: ${clip(error.message, 200)}`;
    if (row.cancel_requested === 1) {
      this.move(row, "cancelled", `cancelled by user (${what})`, now, { ...base, finished_at: now });
      return;
    }
    const counted = row.attempts_made - row.stalled_count;
    if (!retry || counted >= row.attempts_max) {
      this.move(row, "dead", retry ? what : `${what} (permanent)`, now, { ...base, finished_at: now });
      return;
    }
    const wait = retryDelay(row.backoff ? JSON.parse(row.backoff) : null, counted);
    this.move(row, "failed", `${what}; retry in ${wait} ms`, now, { ...base, run_at: now + wait });
  }

  // ── user actions ──────────────────────────────────────────────────────

  cancel(id: string, now: number): Job {
    const row = this.rowOrThrow(id);
    if (row.state === "active") {
      this.sql.exec("UPDATE jobs SET cancel_requested = 1 WHERE id = ?", id);
    } else if (FINISHED.has(row.state)) {
      throw new ApiError("conflict", `The job is already ${row.state}`);
    } else {
      this.sql.exec("DELETE FROM edges WHERE child = ?", id);
      this.move(row, "cancelled", "cancelled by user", now, { finished_at: now, pending_parents: 0 });
    }
    return this.view(id);
  }

  retry(id: string, now: number): Job {
    const row = this.rowOrThrow(id);
    if (row.state === "failed") this.move(row, "waiting", "retry", now, { ready_at: now, run_at: null });
    else if (row.state === "dead") {
      if (!this.redriveRow(row, now)) throw new ApiError("conflict", `Another unfinished job has the jobId ${row.job_id}`);
    } else throw new ApiError("conflict", `Only a failed or dead job can be retried; this one is ${row.state}`);
    return this.view(id);
  }

  private redriveRow(row: JobRow, now: number): boolean {
    if (row.job_id !== null) {
      const taken = this.sql.exec(`SELECT 1 FROM jobs WHERE job_id = ? AND id != ? AND ${NOT_FINISHED_SQL}`, row.job_id, row.id).toArray();
      if (taken.length) return false;
    }
    this.move(row, "waiting", "redriven", now, {
      attempts_made: 0,
      stalled_count: 0,
      error: null,
      result: null,
      progress: null,
      finished_at: null,
      run_at: null,
      ready_at: now,
      cancel_requested: 0,
    });
    return true;
  }

  private deadRows(selection: DeadSelection): JobRow[] {
    if ("ids" in selection) {
      return selection.ids.flatMap((id) => this.sql.exec<JobRow>("SELECT * FROM jobs WHERE id = ? AND state = 'dead'", id).toArray());
    }
    if (selection.name !== undefined)
      return this.sql.exec<JobRow>("SELECT * FROM jobs WHERE state = 'dead' AND name = ? ORDER BY seq", selection.name).toArray();
    return this.sql.exec<JobRow>("SELECT * FROM jobs WHERE state = 'dead' ORDER BY seq").toArray();
  }

  editPayload(id: string, payload: unknown): Job {
    const row = this.rowOrThrow(id);
    if (row.state !== "dead") throw new ApiError("conflict", `Only a dead job's payload can be edited; this one is ${row.state}`);
    if (jsonBytes(payload) > MAX_JSON_BYTES) {
      throw new ApiError("validation_failed", `A payload is at most ${MAX_JSON_BYTES} bytes of JSON`, {
        errors: [{ path: "payload", location: "body", message: `At most ${MAX_JSON_BYTES} bytes` }],
      });
    }
    this.sql.exec("UPDATE jobs SET payload = ? WHERE id = ?", JSON.stringify(payload ?? null), id);
    return this.view(id);
  }

  redrive(selection: DeadSelection, now: number): { redriven: number } {
    this.configured();
    let redriven = 0;
    for (const row of this.deadRows(selection)) if (this.redriveRow(row, now)) redriven++;
    return { redriven };
  }

  purge(selection: DeadSelection): { purged: number } {
    this.configured();
    const ids = this.deadRows(selection).map((r) => r.id);
    this.deleteJobs(ids);
    return { purged: ids.length };
  }
}
