import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type Job,
  JobCancelledError,
  JobsClient,
  LeaseLostError,
  NotFoundError,
  type Queue,
  Worker,
  type WorkerOptions,
} from "../../../packages/jobs-client/src/index.ts";
import { type DevServer, startDev } from "../../../packages/testing/src/dev-server.ts";

// The jobs product under `pnpm dev`, driven from outside through the front door like a customer's Node service:
// external workers (packages/jobs-client's Worker) sharing 200 jobs, a worker that stops heartbeating (its job
// stalls and another worker finishes it), a cancel reaching a running handler, built-in `test.sleep` jobs run by
// the Cloudflare Queues consumer of wrangler dev, and a graceful shutdown that finishes the jobs in flight.

let dev: DevServer;
let jobs: JobsClient;
let token: string;
const workers: Worker[] = [];

beforeAll(async () => {
  // the per-user write limit (600/min) is for people; 200 jobs make ~500 worker writes in seconds
  dev = await startDev({ timeoutMs: 300_000, env: { DEV_VARS: JSON.stringify({ jobs: { WRITE_RATE_LIMIT_PER_MINUTE: "100000" } }) } });
  const email = `jobs-e2e-${Date.now()}@example.com`;
  const res = await fetch(`${dev.url}/auth/v1/register`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password: "correct horse battery staple" }),
  });
  expect(res.status).toBe(201);
  token = ((await res.json()) as { accessToken: string }).accessToken;
  jobs = new JobsClient({ baseUrl: dev.url, token });
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.close(1_000)));
});
afterAll(async () => {
  await dev?.stop();
});

const startWorker = <R>(queue: Queue, options: Omit<WorkerOptions<R>, "baseUrl" | "token" | "queue">) => {
  const worker = new Worker<R>({ baseUrl: dev.url, token, queue: queue.id, pollIntervalMs: 200, ...options });
  workers.push(worker as Worker);
  return worker;
};

/** Polls `read` until `done` holds, or fails with the last value. */
async function eventually<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last = await read();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(last).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 250));
    last = await read();
  }
  return last;
}

const queueNamed = (name: string, concurrency = 50) => jobs.createQueue({ name: `${name}-${Date.now().toString(36)}`, concurrency });

describe("jobs under pnpm dev, from outside with the Node client", () => {
  it("three external workers of concurrency 5 complete 200 jobs, each once, with its result", async () => {
    const queue = await queueNamed("e2e-many");
    expect(queue).toMatchObject({ concurrency: 50, paused: false, counts: { waiting: 0, completed: 0 } });
    const submitted = await jobs.submitBulk(
      queue.id,
      Array.from({ length: 200 }, (_, i) => ({ name: "e2e.square", payload: { n: i } })),
    );
    expect(submitted).toHaveLength(200);
    expect(new Set(submitted.map((j) => j.state))).toEqual(new Set(["waiting"]));

    const completions = new Map<string, string[]>();
    let running = 0;
    let most = 0;
    const names = ["w-a", "w-b", "w-c"];
    for (const name of names) {
      const worker = startWorker(queue, {
        name,
        concurrency: 5,
        leaseSeconds: 30,
        handler: async (job, { log }) => {
          most = Math.max(most, ++running);
          log(`squaring ${(job.payload as { n: number }).n}`);
          await new Promise((r) => setTimeout(r, 5));
          running--;
          return { square: (job.payload as { n: number }).n ** 2 };
        },
      });
      worker.on("completed", (job) => completions.set(job.id, [...(completions.get(job.id) ?? []), name]));
    }
    const final = await eventually(
      "200 completed",
      () => jobs.getQueue(queue.id),
      (q) => q.counts?.completed === 200,
      90_000,
    );
    expect(final.counts).toMatchObject({ waiting: 0, active: 0, completed: 200, failed: 0, dead: 0 });
    expect(completions.size).toBe(200);
    expect([...completions.values()].every((by) => by.length === 1)).toBe(true);
    expect(most).toBeLessThanOrEqual(15);

    const sample: Job = await jobs.getJob(submitted[123]!.id);
    expect(sample).toMatchObject({ state: "completed", result: { square: 123 ** 2 }, attempts: { made: 1 }, error: null });
    expect(names).toContain(sample.attemptsLog[0]?.worker);
    expect(sample.logs.map((l) => l.line)).toEqual(["squaring 123"]);
    expect(sample.timeline.map((t) => t.to)).toEqual(["waiting", "active", "completed"]);
  });

  it("a worker that stops heartbeating loses its job: the lease lapses, the job is re-queued and another worker completes it", async () => {
    const queue = await queueNamed("e2e-stall");
    const { job } = await jobs.submit(queue.id, { name: "e2e.stall", maxStalled: 1, timeout: 60_000, payload: { v: 1 } });

    // worker A leases it, then its network goes away: no heartbeat reaches the API any more
    let unplugged = false;
    const cut: typeof fetch = (input, init) => (unplugged ? Promise.reject(new TypeError("network unplugged")) : fetch(input, init));
    const aFailed: Error[] = [];
    const a = startWorker(queue, {
      name: "w-dies",
      fetch: cut,
      leaseSeconds: 5,
      handler: (_, { signal }) => new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason))),
    });
    a.on("failed", (_, error) => aFailed.push(error));
    a.on("error", () => {}); // the failing heartbeats
    await eventually(
      "leased by w-dies",
      () => jobs.getJob(job.id),
      (j) => j.state === "active",
    );
    unplugged = true;

    const b = startWorker(queue, { name: "w-takes-over", leaseSeconds: 5, handler: async (j) => ({ took: j.attempt }) });
    const done = await eventually(
      "completed by w-takes-over",
      () => jobs.getJob(job.id),
      (j) => j.state === "completed",
      60_000,
    );
    expect(done).toMatchObject({ stalledCount: 1, result: { took: 2 }, attempts: { made: 2 } });
    expect(done.attemptsLog.map((x) => x.worker)).toEqual(["w-dies", "w-takes-over"]);
    expect(done.timeline.some((t) => t.from === "active" && t.to === "waiting" && /stalled/.test(t.cause))).toBe(true);

    // A comes back: its next heartbeat is refused (409), it stops the handler and reports nothing
    unplugged = false;
    await eventually(
      "w-dies notices",
      async () => aFailed,
      (f) => f.length === 1,
      30_000,
    );
    expect(aFailed[0]).toBeInstanceOf(LeaseLostError);
    expect((await jobs.getJob(job.id)).state).toBe("completed");
    expect(b.active).toBe(0);
  });

  it("a cancel reaches the running handler through the heartbeat answer, and the job ends cancelled", async () => {
    const queue = await queueNamed("e2e-cancel");
    const { job } = await jobs.submit(queue.id, { name: "e2e.long", attempts: 3 });
    let reason: unknown;
    startWorker(queue, {
      leaseSeconds: 6,
      handler: (_, { signal }) =>
        new Promise((_, reject) =>
          signal.addEventListener("abort", () => {
            reason = signal.reason;
            reject(signal.reason);
          }),
        ),
    });
    await eventually(
      "active",
      () => jobs.getJob(job.id),
      (j) => j.state === "active",
    );
    const asked = await jobs.cancel(job.id);
    expect(asked).toMatchObject({ state: "active", cancelRequested: true });
    const ended = await eventually(
      "cancelled",
      () => jobs.getJob(job.id),
      (j) => j.state === "cancelled",
      30_000,
    );
    expect(reason).toBeInstanceOf(JobCancelledError);
    expect(ended.attempts.made).toBe(1); // not retried
  });

  it("built-in test.sleep jobs run through the Cloudflare queue of wrangler dev", async () => {
    const queue = await queueNamed("e2e-builtin", 10);
    const submitted = await jobs.submitBulk(
      queue.id,
      Array.from({ length: 30 }, (_, i) => ({ name: "test.sleep", payload: { ms: i % 3 === 0 ? 50 : 0, steps: 1 } })),
    );
    const final = await eventually(
      "30 completed",
      () => jobs.getQueue(queue.id),
      (q) => q.counts?.completed === 30,
      90_000,
    );
    expect(final.counts).toMatchObject({ waiting: 0, active: 0, completed: 30, dead: 0 });
    const first = await jobs.getJob(submitted[0]!.id);
    expect(first).toMatchObject({ state: "completed", result: { slept: 50 }, progress: { percent: 100 } });
    expect(first.attemptsLog[0]?.worker).toBe("builtin");
    // an external worker never sees built-in names
    expect(await jobs.lease(queue.id, { max: 10, leaseSeconds: 5 })).toEqual([]);
  });

  it("close() stops leasing and lets the jobs in flight finish and be completed", async () => {
    const queue = await queueNamed("e2e-close");
    const submitted = await jobs.submitBulk(
      queue.id,
      Array.from({ length: 6 }, (_, i) => ({ name: "e2e.slow", payload: { i } })),
    );
    const started: string[] = [];
    const worker = startWorker(queue, {
      concurrency: 3,
      leaseSeconds: 10,
      handler: async (job) => {
        started.push(job.id);
        await new Promise((r) => setTimeout(r, 2_000));
        return "finished";
      },
    });
    await eventually(
      "three running",
      async () => started.length,
      (n) => n === 3,
    );
    await worker.close(30_000);
    expect(worker.active).toBe(0);
    const states = await Promise.all(submitted.map((j) => jobs.getJob(j.id)));
    const inFlight = states.filter((j) => started.includes(j.id));
    expect(inFlight.map((j) => [j.state, j.result])).toEqual(Array.from({ length: 3 }, () => ["completed", "finished"]));
    expect(states.filter((j) => !started.includes(j.id)).map((j) => j.state)).toEqual(["waiting", "waiting", "waiting"]);
  });

  it("another owner's job is a NotFoundError", async () => {
    const queue = await queueNamed("e2e-mine");
    const { job } = await jobs.submit(queue.id, { name: "e2e.private" });
    const res = await fetch(`${dev.url}/auth/v1/register`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: `jobs-e2e-other-${Date.now()}@example.com`, password: "correct horse battery staple" }),
    });
    const stranger = new JobsClient({ baseUrl: dev.url, token: ((await res.json()) as { accessToken: string }).accessToken });
    const seen = await stranger.getJob(job.id).catch((e: unknown) => e);
    expect(seen).toBeInstanceOf(NotFoundError);
    expect(seen).toMatchObject({ status: 404, code: "not_found" });
    await expect(stranger.lease(queue.id, { max: 1, leaseSeconds: 5 })).rejects.toBeInstanceOf(NotFoundError);
  });
});
