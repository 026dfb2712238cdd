import { describe, expect, it } from "vitest";
import { api, call, createQueue, type Job, newUser, type Page, submitJob } from "../helpers";

type Leased = { id: string; token: string };

/** Submits external jobs of `name` and kills each (lease + fail with retry:false): they end in the DLQ. */
async function deadJobs(token: string, queue: string, n: number, name = "doomed"): Promise<Job[]> {
  const out: Job[] = [];
  for (let i = 0; i < n; i++) {
    const job = await submitJob(token, queue, { name, payload: { i } });
    const { jobs }: { jobs: Leased[] } = await api.ok(call("POST", `/queues/${queue}/lease`, token, { names: [name] }));
    const lease = jobs.find((j) => j.id === job.id);
    if (!lease) throw new Error("not leased");
    out.push(await api.ok(call("POST", `/jobs/${job.id}/fail`, token, { token: lease.token, message: `boom ${i}`, retry: false })));
  }
  return out;
}

const deadIds = async (token: string, queue: string, query = "") =>
  ((await api.ok(call("GET", `/queues/${queue}/dlq?limit=100${query}`, token))) as Page<Job>).items.map((j) => j.id).sort();

describe("the DLQ", () => {
  it("list, edit a payload, redrive one, purge the rest (round trip)", async () => {
    const { token } = await newUser();
    const queue = await createQueue(token, { paused: false });
    const dead = await deadJobs(token, queue.id, 3);
    expect(dead.map((j) => j.state)).toEqual(["dead", "dead", "dead"]);
    expect(await deadIds(token, queue.id)).toEqual(dead.map((j) => j.id).sort());
    expect(await deadIds(token, queue.id, "&name=other")).toEqual([]);

    const [first, ...rest] = dead;
    if (!first) throw new Error("no dead job");
    const edited: Job = await api.ok(call("PATCH", `/jobs/${first.id}/payload`, token, { payload: { i: 100, fixed: true } }));
    expect(edited).toMatchObject({ id: first.id, state: "dead", payload: { i: 100, fixed: true } });
    expect(await api.ok(call("POST", `/queues/${queue.id}/dlq/redrive`, token, { ids: [first.id] }))).toEqual({ redriven: 1 });
    const redriven: Job = await api.ok(call("GET", `/jobs/${first.id}`, token));
    expect(redriven).toMatchObject({ state: "waiting", payload: { i: 100, fixed: true } });
    expect(redriven.timeline.at(-1)).toMatchObject({ from: "dead", to: "waiting" });
    // a job that is not dead cannot be edited
    await api.problem(call("PATCH", `/jobs/${first.id}/payload`, token, { payload: {} }), 409, "conflict");

    expect(await api.ok(call("POST", `/queues/${queue.id}/dlq/purge`, token, { all: true, name: "doomed" }))).toEqual({
      purged: rest.length,
    });
    expect(await deadIds(token, queue.id)).toEqual([]);
    for (const job of rest) await api.problem(call("GET", `/jobs/${job.id}`, token), 404, "not_found");
  });

  it("redrive all of one name", async () => {
    const { token } = await newUser();
    const queue = await createQueue(token, { paused: false });
    await deadJobs(token, queue.id, 2, "a-name");
    const others = await deadJobs(token, queue.id, 1, "b-name");
    expect(await api.ok(call("POST", `/queues/${queue.id}/dlq/redrive`, token, { all: true, name: "a-name" }))).toEqual({ redriven: 2 });
    expect(await deadIds(token, queue.id)).toEqual(others.map((j) => j.id));
  });

  it.each([
    ["an empty body", {}],
    ["both ids and all", { ids: ["j_q_AAAAAAAAAAAA_x"], all: true }],
    ["all: false", { all: false }],
    ["no ids", { ids: [] }],
    ["ids that are not job ids", { ids: ["../x"] }],
    ["1001 ids", { ids: Array.from({ length: 1001 }, (_, i) => `j_q_AAAAAAAAAAAA_${i}`) }],
  ])("redrive and purge refuse %s with 422 and change nothing", async (_what, body) => {
    const { token } = await newUser();
    const queue = await createQueue(token, { paused: false });
    const dead = await deadJobs(token, queue.id, 1);
    await api.problem(call("POST", `/queues/${queue.id}/dlq/redrive`, token, body), 422, "validation_failed");
    await api.problem(call("POST", `/queues/${queue.id}/dlq/purge`, token, body), 422, "validation_failed");
    expect(await deadIds(token, queue.id)).toEqual(dead.map((j) => j.id));
  });

  it("a payload edit is checked: size, built-in shape, presence", async () => {
    const { token } = await newUser();
    const queue = await createQueue(token, { paused: false });
    const [job] = await deadJobs(token, queue.id, 1);
    if (!job) throw new Error("no dead job");
    await api.problem(call("PATCH", `/jobs/${job.id}/payload`, token, {}), 422, "validation_failed", ["payload"]);
    await api.problem(call("PATCH", `/jobs/${job.id}/payload`, token, { payload: "x".repeat(128 * 1024) }), 422, "validation_failed", [
      "payload",
    ]);
    await api.problem(call("PATCH", `/jobs/${job.id}/payload`, token, { payload: 1, extra: 2 }), 422, "validation_failed");
    expect(await api.ok(call("GET", `/jobs/${job.id}`, token))).toEqual(job);
  });

  it("keeps owners apart: a stranger gets 404 on the owner's DLQ and dead jobs", async () => {
    const owner = await newUser();
    const queue = await createQueue(owner.token, { paused: false });
    const dead = await deadJobs(owner.token, queue.id, 1);
    const id = dead[0]?.id ?? "";
    const stranger = await newUser();
    await api.problem(call("GET", `/queues/${queue.id}/dlq`, stranger.token), 404, "not_found");
    await api.problem(call("PATCH", `/jobs/${id}/payload`, stranger.token, { payload: "mine" }), 404, "not_found");
    await api.problem(call("POST", `/queues/${queue.id}/dlq/redrive`, stranger.token, { all: true }), 404, "not_found");
    await api.problem(call("POST", `/queues/${queue.name}/dlq/purge`, stranger.token, { ids: [id] }), 404, "not_found");
    // the stranger's own queue does not reach the owner's job by id either
    const mine = await createQueue(stranger.token);
    expect(await api.ok(call("POST", `/queues/${mine.id}/dlq/purge`, stranger.token, { ids: [id] }))).toEqual({ purged: 0 });
    expect(await deadIds(owner.token, queue.id)).toEqual([id]);
    expect(await api.ok(call("GET", `/jobs/${id}`, owner.token))).toEqual(dead[0]);
  });
});
