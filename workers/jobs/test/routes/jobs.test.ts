import { describe, expect, it } from "vitest";
import { api, call, createQueue, type Job, listAllJobs, newUser, type Page, type Queue, submitJob } from "../helpers";

const BIG = "x".repeat(128 * 1024);

describe("jobs", () => {
  it("submit, read, list and cancel (happy path)", async () => {
    const { token } = await newUser();
    const queue = await createQueue(token, { defaultJobOptions: { attempts: 4 } });
    const res = await call("POST", `/queues/${queue.name}/jobs`, token, {
      name: "external.work",
      payload: { to: "ünïcødé 🙂" },
      priority: 9,
    });
    const job: Job = await api.ok(res, 201);
    expect(job).toMatchObject({
      id: expect.stringMatching(new RegExp(`^j_${queue.id}_`)),
      queue: queue.name,
      jobId: null,
      name: "external.work",
      payload: { to: "ünïcødé 🙂" },
      state: "waiting",
      priority: 9,
      attempts: { made: 0, max: 4 },
      dependsOn: [],
      cancelRequested: false,
    });
    expect(job.timeline).toEqual([{ at: expect.any(String), from: null, to: "waiting", cause: expect.any(String) }]);
    expect(res.headers.get("Location")).toBe(`/jobs/v1/jobs/${job.id}`);
    expect(await api.ok(call("GET", `/jobs/${job.id}`, token))).toEqual(job);
    expect((await listAllJobs(token, queue.name)).map((j) => j.id)).toEqual([job.id]);
    expect(await listAllJobs(token, queue.id, "state=completed")).toEqual([]);
    expect((await listAllJobs(token, queue.id, "name=external.work")).map((j) => j.id)).toEqual([job.id]);

    const q: Queue = await api.ok(call("GET", `/queues/${queue.id}`, token));
    expect(q.counts.waiting).toBe(1);

    const cancelled: Job = await api.ok(call("POST", `/jobs/${job.id}/cancel`, token));
    expect(cancelled.state).toBe("cancelled");
    await api.problem(call("POST", `/jobs/${job.id}/cancel`, token), 409, "conflict");
    await api.problem(call("POST", `/jobs/${job.id}/retry`, token), 409, "conflict");
  });

  it("a delayed job and a job at runAt are `delayed`", async () => {
    const { token } = await newUser();
    const queue = await createQueue(token);
    const delayed = await submitJob(token, queue.id, { delay: 60_000 });
    expect(delayed.state).toBe("delayed");
    const at = new Date(Date.now() + 3_600_000).toISOString();
    const later = await submitJob(token, queue.id, { runAt: at.replace("Z", "+00:00") });
    expect(later).toMatchObject({ state: "delayed", runAt: at });
  });

  it("a jobId resubmitted while its job is unfinished answers 200 with that job", async () => {
    const { token } = await newUser();
    const queue = await createQueue(token);
    const first = await submitJob(token, queue.id, { jobId: "order-42 #1", payload: { v: 1 } });
    const again = await call("POST", `/queues/${queue.id}/jobs`, token, { name: "external.work", jobId: "order-42 #1", payload: { v: 2 } });
    expect(await api.ok(again, 200)).toEqual(first);
    expect(await listAllJobs(token, queue.id)).toHaveLength(1);
  });

  it("Idempotency-Key on submit and bulk replays the first answer; the same key with another body is 422", async () => {
    const { token } = await newUser();
    const queue = await createQueue(token);
    const key = { "Idempotency-Key": "submit-once" };
    const first: Job = await api.ok(call("POST", `/queues/${queue.id}/jobs`, token, { name: "x", payload: 1 }, key), 201);
    const again = await call("POST", `/queues/${queue.id}/jobs`, token, { name: "x", payload: 1 }, key);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await api.ok(again, 201)).toEqual(first);
    await api.problem(call("POST", `/queues/${queue.id}/jobs`, token, { name: "x", payload: 2 }, key), 422, "validation_failed", [
      "idempotency-key",
    ]);
    const bulkKey = { "Idempotency-Key": "bulk-once" };
    const bulk: { jobs: Job[] } = await api.ok(
      call("POST", `/queues/${queue.id}/jobs/bulk`, token, { jobs: [{ name: "y" }] }, bulkKey),
      201,
    );
    expect(await api.ok(call("POST", `/queues/${queue.id}/jobs/bulk`, token, { jobs: [{ name: "y" }] }, bulkKey), 201)).toEqual(bulk);
    await api.problem(
      call("POST", `/queues/${queue.id}/jobs`, token, { name: "x" }, { "Idempotency-Key": "k".repeat(256) }),
      422,
      "validation_failed",
    );
    expect((await listAllJobs(token, queue.id)).map((j) => j.id).sort()).toEqual([first.id, ...bulk.jobs.map((j) => j.id)].sort());
  });

  it("dependsOn: a child waits for its parent; an unknown parent is 422", async () => {
    const { token } = await newUser();
    const queue = await createQueue(token);
    const parent = await submitJob(token, queue.id, { jobId: "parent" });
    const child = await submitJob(token, queue.id, { dependsOn: ["parent"], onParentFailure: "skip" });
    expect(child).toMatchObject({ state: "waiting-children", onParentFailure: "skip", dependsOn: [expect.any(String)] });
    expect([parent.id, "parent"]).toContain(child.dependsOn[0]);
    await api.problem(call("POST", `/queues/${queue.id}/jobs`, token, { name: "x", dependsOn: ["nobody"] }), 422, "validation_failed");
    expect(await listAllJobs(token, queue.id)).toHaveLength(2);
  });

  it("bulk: 201 with every job in order; one invalid job refuses the whole call", async () => {
    const { token } = await newUser();
    const queue = await createQueue(token);
    const jobs = Array.from({ length: 50 }, (_, i) => ({ name: "external.bulk", payload: { i }, priority: (i % 10) + 1 }));
    const res: { jobs: Job[] } = await api.ok(call("POST", `/queues/${queue.id}/jobs/bulk`, token, { jobs }), 201);
    expect(res.jobs.map((j) => j.payload)).toEqual(jobs.map((j) => j.payload));
    await api.problem(
      call("POST", `/queues/${queue.id}/jobs/bulk`, token, { jobs: [{ name: "ok" }, { name: "bad name" }] }),
      422,
      "validation_failed",
      ["jobs.1.name"],
    );
    await api.problem(call("POST", `/queues/${queue.id}/jobs/bulk`, token, { jobs: [] }), 422, "validation_failed", ["jobs"]);
    const tooMany = Array.from({ length: 1001 }, () => ({ name: "x" }));
    await api.problem(call("POST", `/queues/${queue.id}/jobs/bulk`, token, { jobs: tooMany }), 422, "validation_failed", ["jobs"]);
    expect(await listAllJobs(token, queue.id)).toHaveLength(50);
  });

  it("bulk takes 1000 jobs in one call", async () => {
    const { token } = await newUser();
    const queue = await createQueue(token);
    const jobs = Array.from({ length: 1000 }, (_, i) => ({ name: "external.bulk", payload: { i } }));
    const res: { jobs: Job[] } = await api.ok(call("POST", `/queues/${queue.id}/jobs/bulk`, token, { jobs }), 201);
    expect(new Set(res.jobs.map((j) => j.id)).size).toBe(1000);
    const q: Queue = await api.ok(call("GET", `/queues/${queue.id}`, token));
    expect(q.counts.waiting).toBe(1000);
  });

  it.each([
    ["no name", { payload: {} }, "name"],
    ["a name with a space", { name: "a b" }, "name"],
    ["a 65-character name", { name: "n".repeat(65) }, "name"],
    ["priority 0", { name: "x", priority: 0 }, "priority"],
    ["priority 11", { name: "x", priority: 11 }, "priority"],
    ["priority as a string", { name: "x", priority: "5" }, "priority"],
    ["attempts 0", { name: "x", attempts: 0 }, "attempts"],
    ["attempts 101", { name: "x", attempts: 101 }, "attempts"],
    ["a negative delay", { name: "x", delay: -1 }, "delay"],
    ["delay and runAt", { name: "x", delay: 10, runAt: "2030-01-01T00:00:00Z" }, "runAt"],
    ["runAt without a zone", { name: "x", runAt: "2030-01-01T00:00:00" }, "runAt"],
    ["a timeout of 900001 ms", { name: "x", timeout: 900_001 }, "timeout"],
    ["maxStalled 11", { name: "x", maxStalled: 11 }, "maxStalled"],
    ["a backoff without delay", { name: "x", backoff: { type: "fixed" } }, "backoff.delay"],
    ["an empty jobId", { name: "x", jobId: "" }, "jobId"],
    ["a 129-character jobId", { name: "x", jobId: "j".repeat(129) }, "jobId"],
    ["a jobId with a newline", { name: "x", jobId: "a\nb" }, "jobId"],
    ["a jobId with non-ASCII", { name: "x", jobId: "café" }, "jobId"],
    ["101 parents", { name: "x", dependsOn: Array.from({ length: 101 }, (_, i) => `p${i}`) }, "dependsOn"],
    ["an unknown onParentFailure", { name: "x", onParentFailure: "explode" }, "onParentFailure"],
    ["a payload over 128 KiB", { name: "x", payload: { s: BIG } }, "payload"],
    ["a test.sleep payload without ms", { name: "test.sleep", payload: {} }, "payload.ms"],
    ["a test.sleep payload of the wrong type", { name: "test.sleep", payload: "soon" }, "payload"],
    ["an unknown field", { name: "x", queue: "other" }, ""],
  ])("refuses %s with 422 and submits nothing", async (_what, body, path) => {
    const { token } = await newUser();
    const queue = await createQueue(token);
    await api.problem(call("POST", `/queues/${queue.id}/jobs`, token, body), 422, "validation_failed", [path]);
    expect(await listAllJobs(token, queue.id)).toEqual([]);
  });

  it("hostile bodies: malformed JSON 400, over 1 MiB 413, a lone surrogate 422", async () => {
    const { token } = await newUser();
    const queue = await createQueue(token);
    const path = `/queues/${queue.id}/jobs`;
    await api.problem(call("POST", path, token, '{"name": "x",'), 400, "malformed_json");
    await api.problem(call("POST", path, token, JSON.stringify({ name: "x", payload: "y".repeat(1024 * 1024) })), 413, "payload_too_large");
    await api.problem(call("POST", path, token, '{"name": "x", "jobId": "bad \\ud800"}'), 422, "validation_failed", ["jobId"]);
    await api.problem(call("POST", path, token, "[1,2]"), 422, "validation_failed");
    expect(await listAllJobs(token, queue.id)).toEqual([]);
  });

  it("an unknown queue is 404 for submit and list; an unknown job is 404; a malformed id is 422", async () => {
    const { token } = await newUser();
    const queue = await createQueue(token);
    await api.problem(call("POST", "/queues/nope/jobs", token, { name: "x" }), 404, "not_found");
    await api.problem(call("POST", "/queues/nope/jobs/bulk", token, { jobs: [{ name: "x" }] }), 404, "not_found");
    await api.problem(call("GET", "/queues/nope/jobs", token), 404, "not_found");
    await api.problem(call("GET", `/jobs/j_${queue.id}_doesnotexist`, token), 404, "not_found");
    await api.problem(call("GET", "/jobs/j_q_AAAAAAAAAAAA_nothing", token), 404, "not_found");
    await api.problem(call("POST", `/jobs/j_${queue.id}_doesnotexist/cancel`, token), 404, "not_found");
    await api.problem(call("GET", "/jobs/not-a-job-id", token), 422, "validation_failed", ["id"]);
    await api.problem(call("GET", `/jobs/j_${queue.id}_..%2F..`, token), 422, "validation_failed", ["id"]);
    await api.problem(call("GET", `/queues/${queue.id}/jobs?state=running`, token), 422, "validation_failed", ["state"]);
  });

  it("keeps owners apart: another owner's queue and jobs are 404, and nothing changes", async () => {
    const owner = await newUser();
    const queue = await createQueue(owner.token);
    const job = await submitJob(owner.token, queue.id);
    const stranger = await newUser();
    await api.problem(call("POST", `/queues/${queue.id}/jobs`, stranger.token, { name: "x" }), 404, "not_found");
    await api.problem(call("POST", `/queues/${queue.name}/jobs/bulk`, stranger.token, { jobs: [{ name: "x" }] }), 404, "not_found");
    await api.problem(call("GET", `/queues/${queue.id}/jobs`, stranger.token), 404, "not_found");
    await api.problem(call("GET", `/jobs/${job.id}`, stranger.token), 404, "not_found");
    await api.problem(call("POST", `/jobs/${job.id}/cancel`, stranger.token), 404, "not_found");
    await api.problem(call("POST", `/jobs/${job.id}/retry`, stranger.token), 404, "not_found");
    // the stranger's own queue of the same name does not reach the owner's jobs either
    await createQueue(stranger.token, { name: queue.name });
    await api.problem(call("GET", `/jobs/${job.id}`, stranger.token), 404, "not_found");
    expect(await api.ok(call("GET", `/jobs/${job.id}`, owner.token))).toEqual(job);
    const page: Page<Job> = await api.ok(call("GET", `/queues/${queue.name}/jobs`, stranger.token));
    expect(page.items).toEqual([]);
  });

  it("is 401 without a token and 403 with the wrong scope", async () => {
    const owner = await newUser();
    const queue = await createQueue(owner.token);
    const job = await submitJob(owner.token, queue.id);
    const reader = await newUser("jobs:read");
    await api.problem(call("POST", `/queues/${queue.id}/jobs`, undefined, { name: "x" }), 401, "unauthorized");
    await api.problem(call("GET", `/jobs/${job.id}`), 401, "unauthorized");
    await api.problem(call("POST", `/queues/${queue.id}/jobs`, reader.token, { name: "x" }), 403, "forbidden");
    expect(await listAllJobs(owner.token, queue.id)).toEqual([job]);
  });
});
