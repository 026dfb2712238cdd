import { describe, expect, it } from "vitest";
import { api, call, createQueue, type Job, listAllJobs, newUser } from "../helpers";

// Route-level versions of the engine's guarantees (test/engine has the thorough ones), through HTTP only.
type Leased = { id: string; token: string };
const lease = async (token: string, queue: string, body: Record<string, unknown>) =>
  ((await api.ok(call("POST", `/queues/${queue}/lease`, token, body))) as { jobs: Leased[] }).jobs;

describe("exact guarantees through the API", () => {
  it("lease hands out jobs by priority, FIFO within a priority", async () => {
    const { token } = await newUser();
    const queue = await createQueue(token, { paused: false, concurrency: 1000 });
    const priorities = Array.from({ length: 100 }, (_, i) => ((i * 7) % 10) + 1);
    const { jobs }: { jobs: Job[] } = await api.ok(
      call("POST", `/queues/${queue.id}/jobs/bulk`, token, {
        jobs: priorities.map((priority, i) => ({ name: "ordered", priority, payload: { i } })),
      }),
      201,
    );
    const expected = jobs
      .map((job, i) => ({ id: job.id, priority: priorities[i] ?? 0, i }))
      .sort((a, b) => b.priority - a.priority || a.i - b.i)
      .map((j) => j.id);
    expect((await lease(token, queue.id, { max: 100 })).map((j) => j.id)).toEqual(expected);
  });

  it("50 concurrent submissions of one jobId make one job (one 201, the rest 200 with it)", async () => {
    const { token } = await newUser();
    const queue = await createQueue(token);
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        call("POST", `/queues/${queue.id}/jobs`, token, { name: "once", jobId: "the-one", payload: { i } }),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(49).fill(200), 201]);
    const ids = new Set(await Promise.all(responses.map(async (r) => ((await r.json()) as Job).id)));
    expect(ids.size).toBe(1);
    expect(await listAllJobs(token, queue.id)).toHaveLength(1);
  });

  it("a lease never exceeds the queue's concurrency", async () => {
    const { token } = await newUser();
    const queue = await createQueue(token, { paused: false, concurrency: 2 });
    await api.ok(
      call("POST", `/queues/${queue.id}/jobs/bulk`, token, { jobs: Array.from({ length: 5 }, () => ({ name: "capped" })) }),
      201,
    );
    const first = await lease(token, queue.id, { max: 10 });
    expect(first).toHaveLength(2);
    expect(await lease(token, queue.id, { max: 10 })).toEqual([]);
    const done = first[0];
    if (!done) throw new Error("nothing leased");
    await api.ok(call("POST", `/jobs/${done.id}/complete`, token, { token: done.token }));
    expect(await lease(token, queue.id, { max: 10 })).toHaveLength(1);
  });

  it("a rate limit of 3 per minute lets exactly 3 jobs start", async () => {
    const { token } = await newUser();
    const queue = await createQueue(token, { paused: false, concurrency: 100, rateLimit: { max: 3, perSeconds: 60 } });
    await api.ok(
      call("POST", `/queues/${queue.id}/jobs/bulk`, token, { jobs: Array.from({ length: 10 }, () => ({ name: "limited" })) }),
      201,
    );
    const leased = [...(await lease(token, queue.id, { max: 2 })), ...(await lease(token, queue.id, { max: 10 }))];
    expect(leased).toHaveLength(3);
    expect(await lease(token, queue.id, { max: 10 })).toEqual([]);
  });
});
