import { DurableObject } from "cloudflare:workers";
import { log } from "@edgeworks/http";
import { asResult, migrate, type Result } from "@edgeworks/realtime";
import { isBuiltin } from "../handlers/registry";
import { LiveHub } from "../web/live";
import { JobEngine } from "./jobs";
import { SCHEDULER_MIGRATIONS } from "./storage";
import { normalizeJobs } from "./submit";
import type {
  DeadSelection,
  Job,
  JobFilter,
  LeasedJob,
  OutcomeAnswer,
  Page,
  QueueCounts,
  QueueMetrics,
  QueueRef,
  QueueSettings,
  RunMessage,
  RunOutcome,
  Schedule,
  SchedulerApi,
  ScheduleSpec,
  SubmitJob,
} from "./types";

/** Messages per `sendBatch` (the Queues limit). */
const SEND_BATCH = 100;
/** After a failed send, the object tries again this much later. */
const SEND_RETRY_MS = 1000;

/**
 * One queue's scheduler (`idFromName("<ownerId>/<queueId>")`): the single writer of its jobs, so order,
 * dedupe, dependencies, concurrency and the rate limit are exact. State lives in its SQLite storage
 * (src/engine/storage.ts, versioned by realtime's `migrate`); the one alarm wakes it for the earliest due
 * delay, retry, lease, schedule, rate-limit window or retention age. Each method first catches up on
 * what fell due, runs in one transaction, then dispatches ready built-in jobs to JOBS_RUN_QUEUE.
 */
export class QueueScheduler extends DurableObject<Env> implements SchedulerApi {
  private readonly engine: JobEngine;
  private readonly live: LiveHub;
  /** The alarm as last set by this instance (undefined: unknown, e.g. after the alarm fired). */
  private alarmAt: number | null | undefined;
  private sendRetryAt: number | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // no request reaches the object before its storage is migrated
    ctx.blockConcurrencyWhile(async () => {
      migrate(ctx.storage, SCHEDULER_MIGRATIONS);
    });
    this.live = new LiveHub(ctx, {
      owner: () => this.engine.queue?.ownerId ?? null,
      counts: () => this.engine.metrics.counts(),
      onError: (err) => log(env.LOG_LEVEL, "error", "live counts failed", { error: String(err) }),
    });
    this.engine = new JobEngine(ctx.storage.sql, { isBuiltin, publish: (event) => this.live.publish(event) });
  }

  /** Catches up, runs `fn` in one transaction (all or nothing), then dispatches and re-arms the alarm. */
  private run<T>(fn: (now: number) => T): Promise<Result<T>> {
    return asResult(async () => {
      const now = Date.now();
      const storage = this.ctx.storage;
      storage.transactionSync(() => this.engine.catchUp(now));
      const value = storage.transactionSync(() => fn(now));
      await this.flush();
      return value;
    });
  }

  /** Sends the jobs that can start now to the Queues consumer and sets the alarm for the next due time. */
  private async flush(): Promise<void> {
    const storage = this.ctx.storage;
    const messages = storage.transactionSync(() => this.engine.dispatch(Date.now()));
    for (let i = 0; i < messages.length; i += SEND_BATCH) {
      const chunk = messages.slice(i, i + SEND_BATCH);
      try {
        await this.env.JOBS_RUN_QUEUE.sendBatch(chunk.map((body): MessageSendRequest<RunMessage> => ({ body })));
      } catch (err) {
        log(this.env.LOG_LEVEL, "error", "jobs-run send failed", { jobs: chunk.length, error: String(err) });
        storage.transactionSync(() => this.engine.undoDispatch(chunk, Date.now(), String(err)));
        this.sendRetryAt = Date.now() + SEND_RETRY_MS;
      }
    }
    const wake = [this.engine.nextWake(Date.now()), this.sendRetryAt].filter((t): t is number => t !== null);
    await this.armAlarm(wake.length ? Math.min(...wake) : null);
  }

  private async armAlarm(at: number | null): Promise<void> {
    if (at === this.alarmAt) return;
    this.alarmAt = at;
    if (at === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(at);
  }

  override async alarm(): Promise<void> {
    this.alarmAt = undefined;
    this.sendRetryAt = null;
    const now = Date.now();
    this.ctx.storage.transactionSync(() => this.engine.catchUp(now));
    await this.flush();
  }

  // ── the live dashboard (src/web/live.ts) ──────────────────────────────

  /** A single-use ticket for the dashboard socket; the route has checked that `userId` owns the queue. */
  liveTicket(userId: string): Promise<Result<{ ticket: string; expiresAt: number }>> {
    return asResult(() => this.live.issueTicket(userId));
  }

  /** The WebSocket upgrade forwarded by `GET /jobs/v1/queues/{q}/live`. */
  override fetch(request: Request): Promise<Response> {
    return this.live.upgrade(request);
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    if (this.live.owns(ws)) this.live.message(ws, message);
  }

  override webSocketClose(ws: WebSocket, code: number): void {
    if (this.live.owns(ws)) this.live.closed(ws, code);
  }

  override webSocketError(ws: WebSocket): void {
    if (this.live.owns(ws)) this.live.closed(ws, 1011);
  }

  // ── SchedulerApi ──────────────────────────────────────────────────────

  configure(queue: QueueRef, settings: QueueSettings): Promise<Result<void>> {
    return this.run(() => this.engine.configure(queue, settings));
  }

  destroy(): Promise<Result<void>> {
    return asResult(async () => {
      this.ctx.storage.transactionSync(() => this.engine.destroy());
      this.alarmAt = null;
      await this.ctx.storage.deleteAlarm();
    });
  }

  submit(jobs: SubmitJob[]): Promise<Result<{ job: Job; created: boolean }[]>> {
    return this.run((now) => this.engine.submit(jobs, now));
  }

  get(id: string): Promise<Result<Job>> {
    return this.run(() => this.engine.view(id));
  }

  list(filter: JobFilter): Promise<Result<Page<Job>>> {
    return this.run(() => this.engine.list(filter));
  }

  cancel(id: string): Promise<Result<Job>> {
    return this.run((now) => this.engine.cancel(id, now));
  }

  retry(id: string): Promise<Result<Job>> {
    return this.run((now) => this.engine.retry(id, now));
  }

  lease(request: { max: number; leaseSeconds: number; worker: string; names?: string[] }): Promise<Result<LeasedJob[]>> {
    return this.run((now) => this.engine.lease(request, now));
  }

  start(items: { jobId: string; token: string }[]): Promise<Result<(LeasedJob | null)[]>> {
    return this.run((now) => this.engine.start(items, now));
  }

  heartbeat(id: string, token: string, leaseSeconds?: number): Promise<Result<{ leaseUntil: string; cancelRequested: boolean }>> {
    return this.run((now) => this.engine.heartbeat(id, token, leaseSeconds, now));
  }

  progress(id: string, token: string, progress: { percent: number; message?: string }): Promise<Result<{ cancelRequested: boolean }>> {
    return this.run(() => this.engine.progress(id, token, progress));
  }

  log(id: string, token: string, lines: string[]): Promise<Result<void>> {
    return this.run((now) => this.engine.log(id, token, lines, now));
  }

  complete(id: string, token: string, result: unknown): Promise<Result<Job>> {
    return this.run((now) => this.engine.complete(id, token, result, now));
  }

  fail(id: string, token: string, error: { message: string; stack?: string; retry?: boolean }): Promise<Result<Job>> {
    return this.run((now) => this.engine.fail(id, token, error, now));
  }

  record(outcomes: RunOutcome[]): Promise<Result<OutcomeAnswer[]>> {
    return this.run((now) => this.engine.recordOutcomes(outcomes, now));
  }

  listDead(filter: { name?: string; cursor?: string; limit?: number }): Promise<Result<Page<Job>>> {
    return this.run(() => this.engine.list({ ...filter, state: "dead" }));
  }

  editPayload(id: string, payload: unknown): Promise<Result<Job>> {
    return this.run(() => this.engine.editPayload(id, payload));
  }

  redrive(selection: DeadSelection): Promise<Result<{ redriven: number }>> {
    return this.run((now) => this.engine.redrive(selection, now));
  }

  purge(selection: DeadSelection): Promise<Result<{ purged: number }>> {
    return this.run(() => this.engine.purge(selection));
  }

  createSchedule(spec: ScheduleSpec): Promise<Result<Schedule>> {
    return this.run((now) => {
      this.engine.queueKey();
      // the job is checked now, not at its first run
      normalizeJobs([spec.job], {}, now);
      return this.engine.schedules.create(spec, now);
    });
  }

  listSchedules(): Promise<Result<Schedule[]>> {
    return this.run(() => {
      this.engine.queueKey();
      return this.engine.schedules.list();
    });
  }

  getSchedule(id: string): Promise<Result<Schedule>> {
    return this.run(() => this.engine.schedules.getOrThrow(id));
  }

  setSchedulePaused(id: string, paused: boolean): Promise<Result<Schedule>> {
    return this.run((now) => this.engine.schedules.setPaused(id, paused, now));
  }

  deleteSchedule(id: string): Promise<Result<void>> {
    return this.run(() => this.engine.schedules.delete(id));
  }

  counts(): Promise<Result<QueueCounts>> {
    return this.run(() => {
      this.engine.queueKey();
      return this.engine.metrics.counts();
    });
  }

  metrics(): Promise<Result<QueueMetrics>> {
    return this.run(() => {
      this.engine.queueKey();
      return this.engine.metrics.metrics();
    });
  }
}
