import { describe, expect, it } from "vitest";
import { api, call, createQueue, eventually, type Job, newUser, type Page, type Queue, submitJob } from "../helpers";

// Built-in jobs run through the whole product here: the route submits, the scheduler dispatches to the
// jobs-run queue, the consumer runs the handler and records the outcome; the tests only use the API.
const getJob = (token: string, id: string) => api.ok<Job>(call("GET", `/jobs/${id}`, token));
const until = (token: string, id: string, states: Job["state"][]) =>
  eventually(async () => {
    const job = await getJob(token, id);
    return states.includes(job.state) ? job : null;
  }, 20_000);

describe("built-in jobs through the API", () => {
  it("a test.sleep job completes with its result, progress and timeline; metrics count it", async () => {
    const { token } = await newUser();
    const queue = await createQueue(token, { paused: false });
    const job = await submitJob(token, queue.id, { name: "test.sleep", payload: { ms: 20, steps: 2 } });
    const done = await until(token, job.id, ["completed"]);
    expect(done).toMatchObject({ state: "completed", result: { slept: 20 }, progress: { percent: 100 }, attempts: { made: 1 } });
    expect(done.timeline.map((t) => t.to)).toEqual(["waiting", "active", "completed"]);
    const q: Queue = await api.ok(call("GET", `/queues/${queue.id}`, token));
    expect(q.counts).toMatchObject({ completed: 1, waiting: 0, active: 0 });
    const text = await (await call("GET", "/metrics", token)).text();
    expect(text).toContain(`jobs_completed_total{queue="${queue.name}"} 1\n`);
    expect(text).toContain(`jobs_run_seconds_count{queue="${queue.name}"} 1\n`);
  });

  it("a paused queue holds its jobs until it is resumed", async () => {
    const { token } = await newUser();
    const queue = await createQueue(token, { paused: true });
    const job = await submitJob(token, queue.id, { name: "test.sleep", payload: { ms: 0 } });
    // a lease-free look a little later: still waiting (nothing dispatches a paused queue)
    await new Promise((r) => setTimeout(r, 300));
    expect((await getJob(token, job.id)).state).toBe("waiting");
    await api.ok(call("PATCH", `/queues/${queue.id}`, token, { paused: false }));
    await until(token, job.id, ["completed"]);
  });

  it("DLQ round trip: a failing job retries, dies, gets a fixed payload, is redriven and completes", async () => {
    const { token } = await newUser();
    const queue = await createQueue(token, { paused: false });
    const job = await submitJob(token, queue.id, {
      name: "test.fail",
      payload: { message: "bad input" },
      attempts: 2,
      backoff: { type: "fixed", delay: 10 },
    });
    const dead = await until(token, job.id, ["dead"]);
    expect(dead.attemptsLog.map((a) => a.error?.message)).toEqual(["bad input", "bad input"]);
    expect(dead.timeline.map((t) => t.to)).toContain("failed");
    const page: Page<Job> = await api.ok(call("GET", `/queues/${queue.id}/dlq`, token));
    expect(page.items.map((j) => j.id)).toEqual([job.id]);

    await api.problem(call("PATCH", `/jobs/${job.id}/payload`, token, { payload: { failTimes: "none" } }), 422, "validation_failed", [
      "payload.failTimes",
    ]);
    await api.ok(call("PATCH", `/jobs/${job.id}/payload`, token, { payload: { failTimes: 0 } }));
    expect(await api.ok(call("POST", `/queues/${queue.id}/dlq/redrive`, token, { ids: [job.id] }))).toEqual({ redriven: 1 });
    const done = await until(token, job.id, ["completed"]);
    expect(done.result).toEqual({ attempt: expect.any(Number) });
    expect(((await api.ok(call("GET", `/queues/${queue.id}/dlq`, token))) as Page<Job>).items).toEqual([]);
  });

  it("cancelling a running job stops it", async () => {
    const { token } = await newUser();
    const queue = await createQueue(token, { paused: false });
    const job = await submitJob(token, queue.id, { name: "test.sleep", payload: { ms: 60_000, steps: 100 } });
    await until(token, job.id, ["active"]);
    const requested: Job = await api.ok(call("POST", `/jobs/${job.id}/cancel`, token));
    expect(requested.cancelRequested).toBe(true);
    const stopped = await until(token, job.id, ["cancelled", "dead", "failed"]);
    expect(stopped.state).toBe("cancelled");
  });
});
