import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  JobCancelledError,
  JobsClient,
  LeaseLostError,
  UnrecoverableError,
  Worker,
  WorkerClosedError,
  type WorkerOptions,
} from "../src/index.ts";
import { type FakeJobsApi, startFakeJobsApi } from "./fake-jobs-api.ts";

let api: FakeJobsApi;
let jobs: JobsClient;
const workers: Worker[] = [];
beforeAll(async () => {
  api = await startFakeJobsApi();
  jobs = new JobsClient({ baseUrl: api.url, token: api.token });
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.close(100)));
  api.jobs.clear();
});
afterAll(() => api.close());

const start = <R>(options: Omit<WorkerOptions<R>, "baseUrl" | "token" | "queue">) => {
  const worker = new Worker<R>({ baseUrl: api.url, token: api.token, queue: "q_1", pollIntervalMs: 50, ...options });
  workers.push(worker as Worker);
  return worker;
};

async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
const state = (id: string) => api.jobs.get(id)?.state;

describe("Worker", () => {
  it("runs every job with at most `concurrency` at once and completes each with its result", async () => {
    const ids = [];
    for (let i = 0; i < 20; i++) ids.push((await jobs.submit("q_1", { name: "double", payload: { n: i } })).job.id);
    let running = 0;
    let most = 0;
    const completed: string[] = [];
    const worker = start({
      concurrency: 4,
      handler: async (job) => {
        most = Math.max(most, ++running);
        await new Promise((r) => setTimeout(r, 30));
        running--;
        return { doubled: (job.payload as { n: number }).n * 2 };
      },
    });
    worker.on("completed", (job) => completed.push(job.id));
    await until("20 completions", () => completed.length === 20);
    expect(most).toBe(4);
    expect(ids.map((id) => api.jobs.get(id)?.result)).toEqual(ids.map((_, i) => ({ doubled: i * 2 })));
    expect(ids.map(state)).toEqual(ids.map(() => "completed"));
    const leases = api.requests.filter((r) => r.endsWith("/lease")).length;
    expect(leases).toBeLessThan(20); // leased in batches, not one by one
  });

  it("only leases names that are not built in, or the names it was given", async () => {
    const builtIn = (await jobs.submit("q_1", { name: "test.sleep" })).job.id;
    const other = (await jobs.submit("q_1", { name: "other" })).job.id;
    const mine = (await jobs.submit("q_1", { name: "mine" })).job.id;
    start({ names: ["mine"], handler: async () => "ok" });
    await until("mine completed", () => state(mine) === "completed");
    expect([state(builtIn), state(other)]).toEqual(["waiting", "waiting"]);
  });

  it("reports a thrown error with its message and stack, and an UnrecoverableError without retry", async () => {
    const flaky = (await jobs.submit("q_1", { name: "flaky", attempts: 3 })).job.id;
    const broken = (await jobs.submit("q_1", { name: "broken", attempts: 3 })).job.id;
    const failed: [string, Error][] = [];
    const worker = start({
      handler: async (job) => {
        if (job.name === "broken") throw new UnrecoverableError("bad payload");
        if (job.attempt < 2) throw new TypeError("flaked");
        return "second time";
      },
    });
    worker.on("failed", (job, error) => failed.push([job.name, error]));
    await until("both finished", () => state(flaky) === "completed" && state(broken) === "dead");
    expect(api.jobs.get(flaky)?.failures).toEqual([
      { message: "flaked", stack: expect.stringContaining("TypeError: flaked"), retry: true },
    ]);
    expect(api.jobs.get(broken)?.failures).toEqual([
      { message: "bad payload", stack: expect.stringContaining("UnrecoverableError"), retry: false },
    ]);
    expect(failed.map(([name, e]) => [name, e.message]).sort()).toEqual([
      ["broken", "bad payload"],
      ["flaky", "flaked"],
    ]);
  });

  it("reports a thrown value that is not an Error, or an Error without a message, with a message the API accepts", async () => {
    const odd = (await jobs.submit("q_1", { name: "odd" })).job.id;
    const blank = (await jobs.submit("q_1", { name: "blank" })).job.id;
    start({
      handler: async (job) => {
        if (job.name === "odd") throw "a string";
        throw new Error("");
      },
    });
    await until("both dead", () => state(odd) === "dead" && state(blank) === "dead");
    expect(api.jobs.get(odd)?.failures[0]?.message).toBe("a string");
    expect(api.jobs.get(blank)?.failures[0]).toMatchObject({ message: "Error", stack: expect.stringContaining("Error") });
  });

  it("heartbeats every third of the lease, so a job longer than its lease is not stalled", async () => {
    const id = (await jobs.submit("q_1", { name: "long" })).job.id;
    start({ leaseSeconds: 1, handler: () => new Promise((r) => setTimeout(() => r("done"), 2_000)) });
    await until("completed", () => state(id) === "completed");
    expect(api.jobs.get(id)?.stalledCount).toBe(0);
    expect(api.requests.filter((r) => r === `POST /jobs/${id}/heartbeat`).length).toBeGreaterThanOrEqual(4);
  });

  it("sends progress and logs", async () => {
    const id = (await jobs.submit("q_1", { name: "chatty" })).job.id;
    start({
      handler: async (_, { progress, log }) => {
        log("one");
        await progress(40, "almost half");
        log("two");
        return null;
      },
    });
    await until("completed", () => state(id) === "completed");
    expect(api.jobs.get(id)).toMatchObject({ progress: { percent: 40, message: "almost half" }, logs: ["one", "two"] });
  });

  it("aborts the handler's signal when the job is cancelled (heartbeat answer) and reports it without retry", async () => {
    const id = (await jobs.submit("q_1", { name: "cancellable", attempts: 5 })).job.id;
    let reason: unknown;
    start({
      leaseSeconds: 1,
      handler: (_, { signal }) =>
        new Promise((_, reject) =>
          signal.addEventListener("abort", () => {
            reason = signal.reason;
            reject(signal.reason);
          }),
        ),
    });
    await until("active", () => state(id) === "active");
    await jobs.cancel(id);
    await until("cancelled", () => state(id) === "cancelled");
    expect(reason).toBeInstanceOf(JobCancelledError);
    expect(api.jobs.get(id)?.failures).toEqual([{ message: "the job was cancelled", stack: expect.any(String), retry: false }]);
  });

  it("fails an attempt that runs past the job's timeout, and may retry it", async () => {
    const id = (await jobs.submit("q_1", { name: "slow", timeout: 200, attempts: 2 })).job.id;
    start({ handler: (job) => new Promise((r) => setTimeout(r, job.attempt === 1 ? 5_000 : 0)) });
    await until("completed", () => state(id) === "completed");
    expect(api.jobs.get(id)?.failures).toEqual([{ message: "timeout after 200 ms", stack: expect.any(String), retry: true }]);
  });

  it("stops a job whose lease was lost (409 on a heartbeat) and reports nothing for it", async () => {
    const id = (await jobs.submit("q_1", { name: "stolen" })).job.id;
    const failed: Error[] = [];
    let signalReason: unknown;
    const worker = start({
      leaseSeconds: 1,
      handler: (_, { signal }) =>
        new Promise((_, reject) =>
          signal.addEventListener("abort", () => {
            signalReason = signal.reason;
            reject(signal.reason);
          }),
        ),
    });
    worker.on("failed", (_, error) => failed.push(error));
    await until("active", () => state(id) === "active");
    api.stealLease(id);
    await until("the failed event", () => failed.length === 1);
    expect(signalReason).toBeInstanceOf(LeaseLostError);
    expect(failed[0]).toBeInstanceOf(LeaseLostError);
    expect(api.requests.filter((r) => r.startsWith(`POST /jobs/${id}/complete`) || r.startsWith(`POST /jobs/${id}/fail`))).toEqual([]);
    expect(state(id)).toBe("active"); // still the other lease holder's
  });

  it("retries reporting an outcome after a 429", async () => {
    const id = (await jobs.submit("q_1", { name: "limited" })).job.id;
    api.rateLimit("/complete", 2);
    start({ handler: async () => 42 });
    await until("completed", () => state(id) === "completed");
    expect(api.requests.filter((r) => r === `POST /jobs/${id}/complete`)).toHaveLength(3);
    expect(api.jobs.get(id)?.result).toBe(42);
  });

  it("close() stops leasing and waits for the jobs in flight to finish and be reported", async () => {
    const first = (await jobs.submit("q_1", { name: "graceful" })).job.id;
    const worker = start({ handler: () => new Promise((r) => setTimeout(() => r("finished"), 500)) });
    await until("active", () => state(first) === "active");
    const later = (await jobs.submit("q_1", { name: "graceful" })).job.id;
    let closed = false;
    worker.on("closed", () => {
      closed = true;
    });
    await worker.close(10_000);
    expect(closed).toBe(true);
    expect(api.jobs.get(first)).toMatchObject({ state: "completed", result: "finished" });
    expect(state(later)).toBe("waiting"); // not leased after close() began
    expect(worker.active).toBe(0);
  });

  it("close(timeout) aborts jobs still running past it and leaves them to their lease (stalled, re-queued)", async () => {
    const id = (await jobs.submit("q_1", { name: "stuck" })).job.id;
    let reason: unknown;
    const worker = start({
      leaseSeconds: 1,
      handler: (_, { signal }) =>
        new Promise((_, reject) =>
          signal.addEventListener("abort", () => {
            reason = signal.reason;
            reject(signal.reason);
          }),
        ),
    });
    await until("active", () => state(id) === "active");
    await worker.close(100);
    expect(reason).toBeInstanceOf(WorkerClosedError);
    expect(api.requests.filter((r) => r.startsWith(`POST /jobs/${id}/fail`))).toEqual([]);
    await new Promise((r) => setTimeout(r, 1_100)); // no heartbeat renews the 1 s lease
    expect(await jobs.getJob(id)).toMatchObject({ state: "waiting", stalledCount: 1 });
  });
});
