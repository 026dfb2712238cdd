import { describe, expect, it } from "vitest";
import { api, call, createQueue, type Job, newUser, submitJob } from "../helpers";

type Leased = { id: string; name: string; payload: unknown; attempt: number; token: string; leaseUntil: string; timeout: number };

describe("external workers", () => {
  it("lease, heartbeat, progress, log and complete (happy path)", async () => {
    const { token } = await newUser();
    const queue = await createQueue(token, { paused: false });
    const job = await submitJob(token, queue.id, { name: "resize", payload: { w: 10 } });
    const leased: { jobs: Leased[] } = await api.ok(
      call("POST", `/queues/${queue.id}/lease`, token, { max: 5, leaseSeconds: 30, worker: "w-1" }),
    );
    expect(leased.jobs).toEqual([
      {
        id: job.id,
        name: "resize",
        payload: { w: 10 },
        attempt: 1,
        token: expect.any(String),
        leaseUntil: expect.any(String),
        timeout: expect.any(Number),
      },
    ]);
    const [lease] = leased.jobs;
    if (!lease) throw new Error("no lease");
    expect(await api.ok(call("POST", `/queues/${queue.id}/lease`, token, {}))).toEqual({ jobs: [] });

    const beat: { leaseUntil: string; cancelRequested: boolean } = await api.ok(
      call("POST", `/jobs/${job.id}/heartbeat`, token, { token: lease.token, leaseSeconds: 60 }),
    );
    expect(beat.cancelRequested).toBe(false);
    expect(Date.parse(beat.leaseUntil)).toBeGreaterThanOrEqual(Date.parse(lease.leaseUntil));
    expect(await api.ok(call("POST", `/jobs/${job.id}/progress`, token, { token: lease.token, percent: 50, message: "half" }))).toEqual({
      cancelRequested: false,
    });
    expect((await call("POST", `/jobs/${job.id}/log`, token, { token: lease.token, lines: ["one", "two ✓"] })).status).toBe(204);
    const done: Job = await api.ok(call("POST", `/jobs/${job.id}/complete`, token, { token: lease.token, result: { ok: true } }));
    expect(done).toMatchObject({
      state: "completed",
      result: { ok: true },
      progress: { percent: 50, message: "half" },
      logs: [
        { at: expect.any(String), line: "one" },
        { at: expect.any(String), line: "two ✓" },
      ],
    });
    expect(done.attemptsLog).toEqual([expect.objectContaining({ attempt: 1, worker: "w-1", error: null })]);
    // the lease is spent: every further report is 409
    await api.problem(call("POST", `/jobs/${job.id}/complete`, token, { token: lease.token }), 409, "conflict");
    await api.problem(call("POST", `/jobs/${job.id}/heartbeat`, token, { token: lease.token }), 409, "conflict");
  });

  it("a wrong token is 409 and changes nothing; fail with retry:false makes the job dead", async () => {
    const { token } = await newUser();
    const queue = await createQueue(token, { paused: false });
    const job = await submitJob(token, queue.id, { name: "flaky", attempts: 3 });
    const { jobs }: { jobs: Leased[] } = await api.ok(call("POST", `/queues/${queue.id}/lease`, token, { names: ["flaky"] }));
    const lease = jobs[0];
    if (!lease) throw new Error("no lease");
    await api.problem(call("POST", `/jobs/${job.id}/complete`, token, { token: `${lease.token}x` }), 409, "conflict");
    await api.problem(call("POST", `/jobs/${job.id}/progress`, token, { token: "nope", percent: 1 }), 409, "conflict");
    expect(((await api.ok(call("GET", `/jobs/${job.id}`, token))) as Job).state).toBe("active");
    const failed: Job = await api.ok(
      call("POST", `/jobs/${job.id}/fail`, token, { token: lease.token, message: "bad input", stack: "at x", retry: false }),
    );
    expect(failed).toMatchObject({ state: "dead", error: { message: "bad input", stack: "at x" } });
  });

  it("lease only hands out the names asked for", async () => {
    const { token } = await newUser();
    const queue = await createQueue(token, { paused: false });
    await submitJob(token, queue.id, { name: "alpha" });
    const beta = await submitJob(token, queue.id, { name: "beta" });
    const { jobs }: { jobs: Leased[] } = await api.ok(call("POST", `/queues/${queue.id}/lease`, token, { max: 10, names: ["beta"] }));
    expect(jobs.map((j) => j.id)).toEqual([beta.id]);
  });

  it.each([
    ["max 0", { max: 0 }, "max"],
    ["max 101", { max: 101 }, "max"],
    ["leaseSeconds 4", { leaseSeconds: 4 }, "leaseSeconds"],
    ["leaseSeconds 3601", { leaseSeconds: 3601 }, "leaseSeconds"],
    ["a worker name with a slash", { worker: "a/b" }, "worker"],
    ["no names", { names: [] }, "names"],
    ["an unknown field", { max: 1, queue: "x" }, ""],
  ])("lease refuses %s with 422", async (_what, body, path) => {
    const { token } = await newUser();
    const queue = await createQueue(token, { paused: false });
    const job = await submitJob(token, queue.id);
    await api.problem(call("POST", `/queues/${queue.id}/lease`, token, body), 422, "validation_failed", [path]);
    expect(((await api.ok(call("GET", `/jobs/${job.id}`, token))) as Job).state).toBe("waiting");
  });

  it.each([
    ["heartbeat", {}, "token"],
    ["heartbeat", { token: "" }, "token"],
    ["progress", { token: "t", percent: 101 }, "percent"],
    ["progress", { token: "t", percent: "50" }, "percent"],
    ["progress", { token: "t", percent: 1, message: "a\nb" }, "message"],
    ["log", { token: "t", lines: [] }, "lines"],
    ["log", { token: "t", lines: ["a\u0000b"] }, "lines.0"],
    ["log", { token: "t", lines: Array.from({ length: 101 }, () => "x") }, "lines"],
    ["complete", { token: "t", result: "r".repeat(128 * 1024) }, "result"],
    ["fail", { token: "t" }, "message"],
    ["fail", { token: "t", message: "x", retry: "no" }, "retry"],
  ])("%s refuses %j with 422", async (action, body, path) => {
    const { token } = await newUser();
    const queue = await createQueue(token);
    const job = await submitJob(token, queue.id);
    await api.problem(call("POST", `/jobs/${job.id}/${action}`, token, body), 422, "validation_failed", [path]);
    expect(await api.ok(call("GET", `/jobs/${job.id}`, token))).toEqual(job);
  });

  it("keeps owners apart: a stranger cannot lease from or report on the owner's jobs, even with the token", async () => {
    const owner = await newUser();
    const queue = await createQueue(owner.token, { paused: false });
    const job = await submitJob(owner.token, queue.id, { name: "secret" });
    const stranger = await newUser();
    await api.problem(call("POST", `/queues/${queue.id}/lease`, stranger.token, { max: 10 }), 404, "not_found");
    await api.problem(call("POST", `/queues/${queue.name}/lease`, stranger.token, { max: 10 }), 404, "not_found");
    const { jobs }: { jobs: Leased[] } = await api.ok(call("POST", `/queues/${queue.id}/lease`, owner.token, {}));
    const lease = jobs[0];
    if (!lease) throw new Error("no lease");
    const t = lease.token;
    await api.problem(call("POST", `/jobs/${job.id}/heartbeat`, stranger.token, { token: t }), 404, "not_found");
    await api.problem(call("POST", `/jobs/${job.id}/progress`, stranger.token, { token: t, percent: 99 }), 404, "not_found");
    await api.problem(call("POST", `/jobs/${job.id}/log`, stranger.token, { token: t, lines: ["pwned"] }), 404, "not_found");
    await api.problem(call("POST", `/jobs/${job.id}/complete`, stranger.token, { token: t, result: "stolen" }), 404, "not_found");
    await api.problem(call("POST", `/jobs/${job.id}/fail`, stranger.token, { token: t, message: "x" }), 404, "not_found");
    const after: Job = await api.ok(call("GET", `/jobs/${job.id}`, owner.token));
    expect(after).toMatchObject({ state: "active", progress: null, logs: [], result: null });
  });
});
