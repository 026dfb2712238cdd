import { errorFromResponse } from "./errors.ts";
import type {
  CreateQueue,
  DeadSelection,
  Job,
  JobFilter,
  LeasedJob,
  LeaseRequest,
  Page,
  Queue,
  Schedule,
  ScheduleSpec,
  SubmitJob,
  UpdateQueue,
} from "./types.ts";

export interface JobsClientOptions {
  /** Where the platform answers, e.g. `http://127.0.0.1:8787` (the client adds `/jobs/v1/…`). */
  baseUrl: string;
  /** A Bearer access token or an `ewk_` API key, or a function returning one (called per request, so it may refresh). */
  token: string | (() => string | Promise<string>);
  /** A fetch to use instead of the global one (a proxy, a test). */
  fetch?: typeof fetch;
}

type RequestOptions = { body?: unknown; query?: Record<string, string | number | undefined>; idempotencyKey?: string };

/**
 * A typed client of the jobs API (`/jobs/v1`). Every method resolves with the answer's body and rejects
 * with a {@link JobsApiError} subclass for a problem+json answer.
 *
 * @example
 * const jobs = new JobsClient({ baseUrl: "http://127.0.0.1:8787", token });
 * const queue = await jobs.createQueue({ name: "emails", concurrency: 10 });
 * const { job } = await jobs.submit(queue.id, { name: "welcome", payload: { to: "a@example.com" } });
 */
export class JobsClient {
  readonly baseUrl: string;
  readonly #token: JobsClientOptions["token"];
  readonly #fetch: typeof fetch;

  constructor(options: JobsClientOptions) {
    let base = options.baseUrl;
    while (base.endsWith("/")) base = base.slice(0, -1); // not a /\/+$/ regex: quadratic on a long run of slashes
    this.baseUrl = base;
    this.#token = options.token;
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
  }

  // queues
  listQueues(query: { cursor?: string; limit?: number } = {}): Promise<Page<Queue>> {
    return this.#json("GET", "/queues", { query });
  }
  createQueue(input: CreateQueue): Promise<Queue> {
    return this.#json("POST", "/queues", { body: input });
  }
  getQueue(queue: string): Promise<Queue> {
    return this.#json("GET", `/queues/${enc(queue)}`);
  }
  updateQueue(queue: string, patch: UpdateQueue): Promise<Queue> {
    return this.#json("PATCH", `/queues/${enc(queue)}`, { body: patch });
  }
  async deleteQueue(queue: string): Promise<void> {
    await this.#send("DELETE", `/queues/${enc(queue)}`);
  }

  // jobs
  /** `created` is false when `jobId` matched an unfinished job (the API answers 200 with that job). */
  async submit(queue: string, job: SubmitJob, options: { idempotencyKey?: string } = {}): Promise<{ job: Job; created: boolean }> {
    const res = await this.#send("POST", `/queues/${enc(queue)}/jobs`, { body: job, idempotencyKey: options.idempotencyKey });
    return { job: (await res.json()) as Job, created: res.status === 201 };
  }
  /** Up to 1000 jobs in one call, all accepted or none. */
  async submitBulk(queue: string, jobs: SubmitJob[], options: { idempotencyKey?: string } = {}): Promise<Job[]> {
    const body = { body: { jobs }, idempotencyKey: options.idempotencyKey };
    return (await this.#json<{ jobs: Job[] }>("POST", `/queues/${enc(queue)}/jobs/bulk`, body)).jobs;
  }
  listJobs(queue: string, filter: JobFilter = {}): Promise<Page<Job>> {
    return this.#json("GET", `/queues/${enc(queue)}/jobs`, { query: { ...filter } });
  }
  getJob(id: string): Promise<Job> {
    return this.#json("GET", `/jobs/${enc(id)}`);
  }
  /** A waiting/delayed job is cancelled at once; an active one gets `cancelRequested` (its worker stops). */
  cancel(id: string): Promise<Job> {
    return this.#json("POST", `/jobs/${enc(id)}/cancel`);
  }
  retry(id: string): Promise<Job> {
    return this.#json("POST", `/jobs/${enc(id)}/retry`);
  }

  // the external worker protocol
  async lease(queue: string, request: LeaseRequest): Promise<LeasedJob[]> {
    return (await this.#json<{ jobs: LeasedJob[] }>("POST", `/queues/${enc(queue)}/lease`, { body: request })).jobs;
  }
  heartbeat(id: string, token: string, leaseSeconds?: number): Promise<{ leaseUntil: string; cancelRequested: boolean }> {
    return this.#json("POST", `/jobs/${enc(id)}/heartbeat`, { body: { token, leaseSeconds } });
  }
  progress(id: string, token: string, percent: number, message?: string): Promise<{ cancelRequested: boolean }> {
    return this.#json("POST", `/jobs/${enc(id)}/progress`, { body: { token, percent, message: message?.slice(0, 500) } });
  }
  /** Appends lines (sent 100 per request, the API's limit). */
  async log(id: string, token: string, lines: string[]): Promise<void> {
    for (let i = 0; i < lines.length; i += 100)
      await this.#send("POST", `/jobs/${enc(id)}/log`, { body: { token, lines: lines.slice(i, i + 100) } });
  }
  complete(id: string, token: string, result?: unknown): Promise<Job> {
    return this.#json("POST", `/jobs/${enc(id)}/complete`, { body: { token, result: result ?? null } });
  }
  /** `retry: false` skips the remaining attempts (the job goes to the DLQ). */
  fail(id: string, token: string, error: { message: string; stack?: string; retry?: boolean }): Promise<Job> {
    // the API takes a message of 1..4096 characters and a stack up to 16 KiB: an Error may have neither
    const message = (error.message || "Error").slice(0, 4096);
    const body = { token, message, stack: error.stack?.slice(0, 16_384), retry: error.retry };
    return this.#json("POST", `/jobs/${enc(id)}/fail`, { body });
  }

  // the dead-letter queue
  listDead(queue: string, filter: { name?: string; cursor?: string; limit?: number } = {}): Promise<Page<Job>> {
    return this.#json("GET", `/queues/${enc(queue)}/dlq`, { query: filter });
  }
  editPayload(id: string, payload: unknown): Promise<Job> {
    return this.#json("PATCH", `/jobs/${enc(id)}/payload`, { body: { payload } });
  }
  redrive(queue: string, selection: DeadSelection): Promise<{ redriven: number }> {
    return this.#json("POST", `/queues/${enc(queue)}/dlq/redrive`, { body: selection });
  }
  purge(queue: string, selection: DeadSelection): Promise<{ purged: number }> {
    return this.#json("POST", `/queues/${enc(queue)}/dlq/purge`, { body: selection });
  }

  // schedules
  createSchedule(queue: string, spec: ScheduleSpec): Promise<Schedule> {
    return this.#json("POST", `/queues/${enc(queue)}/schedules`, { body: spec });
  }
  async listSchedules(queue: string): Promise<Schedule[]> {
    return (await this.#json<{ schedules: Schedule[] }>("GET", `/queues/${enc(queue)}/schedules`)).schedules;
  }
  getSchedule(queue: string, id: string): Promise<Schedule> {
    return this.#json("GET", `/queues/${enc(queue)}/schedules/${enc(id)}`);
  }
  pauseSchedule(queue: string, id: string): Promise<Schedule> {
    return this.#json("POST", `/queues/${enc(queue)}/schedules/${enc(id)}/pause`);
  }
  resumeSchedule(queue: string, id: string): Promise<Schedule> {
    return this.#json("POST", `/queues/${enc(queue)}/schedules/${enc(id)}/resume`);
  }
  async deleteSchedule(queue: string, id: string): Promise<void> {
    await this.#send("DELETE", `/queues/${enc(queue)}/schedules/${enc(id)}`);
  }

  /** Prometheus text of all the caller's queues. */
  async metrics(): Promise<string> {
    return (await this.#send("GET", "/metrics")).text();
  }

  async #json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const res = await this.#send(method, path, options);
    return (await res.json()) as T;
  }

  /** Sends one request; a non-2xx answer becomes its typed exception. */
  async #send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const url = new URL(`${this.baseUrl}/jobs/v1${path}`);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const token = typeof this.#token === "function" ? await this.#token() : this.#token;
    const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: "application/json" };
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    if (options.idempotencyKey) headers["Idempotency-Key"] = options.idempotencyKey;
    const res = await this.#fetch(url, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    if (!res.ok) throw await errorFromResponse(res);
    return res;
  }
}

const enc = encodeURIComponent;
