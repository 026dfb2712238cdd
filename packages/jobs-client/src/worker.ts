import { JobsClient, type JobsClientOptions } from "./client.ts";
import { Emitter } from "./emitter.ts";
import { ConflictError, JobsApiError, RateLimitedError, ServerError } from "./errors.ts";
import type { LeasedJob } from "./types.ts";

/** What a handler gets besides the job. */
export interface JobContext {
  /** Aborts when the job is cancelled, times out, its lease is lost, or the worker closes past its timeout. */
  signal: AbortSignal;
  /** Reports progress (0..100); a cancel answered here aborts `signal`. */
  progress(percent: number, message?: string): Promise<void>;
  /** Adds a line to the job's logs (sent in batches with the heartbeats and before the outcome). */
  log(line: string): void;
}

export type Processor<R = unknown> = (job: LeasedJob, context: JobContext) => Promise<R>;

export interface WorkerOptions<R = unknown> extends JobsClientOptions {
  /** The queue's id (or name, as the API accepts it). */
  queue: string;
  /** Only these job names (default: every name that is not built in). */
  names?: string[];
  /** Jobs run at once (default 1). */
  concurrency?: number;
  /** Lease length; heartbeats renew it every third of it (default 30). */
  leaseSeconds?: number;
  handler: Processor<R>;
  /** Shown in the jobs' attempts and timelines (default `node-<random>`). */
  name?: string;
  /** Wait after a lease that found nothing (default 1000 ms). */
  pollIntervalMs?: number;
  /** Start leasing at once (default true); otherwise call `run()`. */
  autorun?: boolean;
}

/** Thrown by a handler for an error no retry can fix: the job fails without its remaining attempts. */
export class UnrecoverableError extends Error {
  override name = "UnrecoverableError";
}
/** The abort reason when the job was cancelled through the API. */
export class JobCancelledError extends Error {
  override name = "JobCancelledError";
}
/** The abort reason when the attempt ran past the job's `timeout`. */
export class JobTimeoutError extends Error {
  override name = "JobTimeoutError";
}
/** The abort reason when the lease is no longer ours (it lapsed and the job was re-queued or moved on). */
export class LeaseLostError extends Error {
  override name = "LeaseLostError";
}
/** The abort reason when `close()` gave up waiting: the lease lapses and the job is re-queued as stalled. */
export class WorkerClosedError extends Error {
  override name = "WorkerClosedError";
}

export type WorkerEvents<R> = {
  active: (job: LeasedJob) => void;
  completed: (job: LeasedJob, result: R) => void;
  failed: (job: LeasedJob, error: Error) => void;
  /** Something outside a job went wrong (a lease or heartbeat request); the worker keeps going. */
  error: (error: Error) => void;
  closed: () => void;
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A transient answer (429, 5xx, network): worth retrying; anything else is final. */
const transient = (error: unknown) => error instanceof RateLimitedError || error instanceof ServerError || !(error instanceof JobsApiError);

const retryDelay = (error: unknown, attempt: number) =>
  error instanceof RateLimitedError && error.retryAfter !== null ? error.retryAfter * 1000 : Math.min(200 * 2 ** attempt, 5000);

/**
 * Runs jobs of one queue from outside Cloudflare, BullMQ style: leases up to `concurrency` jobs at a time,
 * heartbeats each every `leaseSeconds / 3`, reports progress and logs, completes or fails it (message and
 * stack), stops a job when it is cancelled, and shuts down gracefully.
 *
 * @example
 * const worker = new Worker({ baseUrl, token, queue: queue.id, concurrency: 8, leaseSeconds: 30,
 *   handler: async (job, { progress, log, signal }) => { log("start"); await progress(50); return { ok: true }; } });
 * worker.on("failed", (job, error) => console.error(job.id, error));
 * process.on("SIGTERM", () => worker.close(30_000));
 */
export class Worker<R = unknown> extends Emitter<WorkerEvents<R>> {
  readonly client: JobsClient;
  readonly name: string;
  readonly #options: Required<Pick<WorkerOptions<R>, "queue" | "concurrency" | "leaseSeconds" | "pollIntervalMs" | "handler">> &
    Pick<WorkerOptions<R>, "names">;
  readonly #inFlight = new Map<string, { controller: AbortController; done: Promise<void> }>();
  #running: Promise<void> | null = null;
  #closing = false;
  #wake: (() => void) | null = null;

  constructor(options: WorkerOptions<R>) {
    super();
    this.client = new JobsClient(options);
    this.name = options.name ?? `node-${crypto.randomUUID().slice(0, 8)}`;
    this.#options = {
      queue: options.queue,
      names: options.names,
      concurrency: options.concurrency ?? 1,
      leaseSeconds: options.leaseSeconds ?? 30,
      pollIntervalMs: options.pollIntervalMs ?? 1000,
      handler: options.handler,
    };
    if (options.autorun ?? true) this.run();
  }

  /** Jobs this worker runs right now. */
  get active(): number {
    return this.#inFlight.size;
  }

  /** Starts leasing (once; `autorun` does it in the constructor). */
  run(): Promise<void> {
    this.#running ??= this.#loop();
    return this.#running;
  }

  /**
   * Stops leasing and waits for the jobs in flight to finish (and their outcome to be reported) for up to
   * `timeoutMs`; jobs still running then are aborted with {@link WorkerClosedError} and left to their lease,
   * which lapses and re-queues them (stalled).
   */
  async close(timeoutMs = 30_000): Promise<void> {
    this.#closing = true;
    this.#wake?.();
    await this.#running; // a lease in flight still hands its jobs over: they are run, not left to stall
    const all = Promise.all([...this.#inFlight.values()].map((j) => j.done));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), timeoutMs);
    });
    if ((await Promise.race([all, late])) === "late") {
      for (const { controller } of this.#inFlight.values())
        controller.abort(new WorkerClosedError("the worker closed before the job finished"));
      await all;
    }
    clearTimeout(timer);
    this.emit("closed");
  }

  async #loop(): Promise<void> {
    let failures = 0;
    while (!this.#closing) {
      const free = this.#options.concurrency - this.#inFlight.size;
      if (free <= 0) {
        await this.#pause(); // woken when a job finishes
        continue;
      }
      let jobs: LeasedJob[];
      try {
        jobs = await this.client.lease(this.#options.queue, {
          max: Math.min(free, 100),
          leaseSeconds: this.#options.leaseSeconds,
          worker: this.name,
          ...(this.#options.names ? { names: this.#options.names } : {}),
        });
        failures = 0;
      } catch (error) {
        this.emit("error", asError(error));
        await this.#pause(retryDelay(error, failures++));
        continue;
      }
      for (const job of jobs) this.#start(job);
      if (jobs.length === 0) await this.#pause(this.#options.pollIntervalMs);
    }
  }

  /** Waits `ms` (or until woken by a finished job or close()). */
  #pause(ms?: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(done, ms);
      const wake = () => done();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = wake;
    });
  }

  #start(job: LeasedJob): void {
    const controller = new AbortController();
    const done = this.#process(job, controller).finally(() => {
      this.#inFlight.delete(job.id);
      this.#wake?.();
    });
    this.#inFlight.set(job.id, { controller, done });
  }

  async #process(job: LeasedJob, controller: AbortController): Promise<void> {
    const { signal } = controller;
    const lines: string[] = [];
    const flushLogs = async () => {
      if (!lines.length) return;
      const batch = lines.splice(0);
      await this.client.log(job.id, job.token, batch).catch((e) => this.#onJobRequestError(e, controller));
    };
    const answer = ({ cancelRequested }: { cancelRequested: boolean }) => {
      if (cancelRequested) controller.abort(new JobCancelledError("the job was cancelled"));
    };
    const beat = setInterval(
      () => {
        this.client
          .heartbeat(job.id, job.token, this.#options.leaseSeconds)
          .then(answer, (e) => this.#onJobRequestError(e, controller))
          .then(flushLogs);
      },
      Math.max(250, (this.#options.leaseSeconds * 1000) / 3),
    );
    const timeout = setTimeout(() => controller.abort(new JobTimeoutError(`timeout after ${job.timeout} ms`)), job.timeout);
    const context: JobContext = {
      signal,
      progress: (percent, message) =>
        this.client.progress(job.id, job.token, percent, message).then(answer, (e) => this.#onJobRequestError(e, controller)),
      log: (line) => void lines.push(String(line)),
    };
    this.emit("active", job);
    const aborted = new Promise<never>((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true }));
    const running = Promise.resolve().then(() => this.#options.handler(job, context));
    // whichever loses the race settles later with nobody awaiting it
    aborted.catch(() => {});
    running.catch(() => {});
    try {
      let outcome: { ok: true; result: R } | { ok: false; error: Error };
      try {
        outcome = { ok: true, result: await Promise.race([running, aborted]) };
      } catch (error) {
        outcome = { ok: false, error: asError(signal.aborted ? signal.reason : error) };
      }
      clearInterval(beat);
      clearTimeout(timeout);
      const reason = signal.reason;
      if (reason instanceof LeaseLostError || reason instanceof WorkerClosedError) {
        this.emit("failed", job, reason); // not ours to report: the lease lapses, the job is re-queued
        return;
      }
      await flushLogs();
      if (outcome.ok) {
        await this.#report(() => this.client.complete(job.id, job.token, outcome.result));
        this.emit("completed", job, outcome.result);
      } else {
        const { error } = outcome;
        const retry = !(error instanceof UnrecoverableError || error instanceof JobCancelledError);
        await this.#report(() => this.client.fail(job.id, job.token, { message: error.message, stack: error.stack, retry }));
        this.emit("failed", job, error);
      }
    } catch (error) {
      this.emit("failed", job, asError(error)); // the outcome could not be reported (e.g. the lease was lost meanwhile)
    } finally {
      clearInterval(beat);
      clearTimeout(timeout);
    }
  }

  /** Reports an outcome, retrying transient failures (429, 5xx, network) a few times. */
  async #report(send: () => Promise<unknown>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await send();
        return;
      } catch (error) {
        if (error instanceof ConflictError)
          throw new LeaseLostError(`the lease was lost before the outcome was reported: ${error.message}`);
        if (!transient(error) || attempt >= 5) throw error;
        await sleep(retryDelay(error, attempt));
      }
    }
  }

  /** A 409 on a heartbeat, progress or log means the lease is gone: stop the job. Anything else is reported. */
  #onJobRequestError(error: unknown, controller: AbortController): void {
    if (error instanceof ConflictError) controller.abort(new LeaseLostError(error.message));
    else this.emit("error", asError(error));
  }
}

const asError = (value: unknown): Error => (value instanceof Error ? value : new Error(String(value)));
