import { beforeAll, describe, expect, it } from "vitest";
import { api, call, createQueue, type Job, listAllJobs, listAllQueues, newUser, type Queue, submitJob } from "../helpers";

// test/security.test.ts addresses the owner's queue by id; here a stranger uses the owner's queue NAME
// (which the API also accepts) and the owner's job and schedule ids on every route: 404, nothing changed.

let owner = { id: "", token: "" };
let stranger = { id: "", token: "" };
let queue: Queue;
let job: Job;
let scheduleId = "";

beforeAll(async () => {
  owner = await newUser();
  stranger = await newUser();
  queue = await createQueue(owner.token, { name: "shared-looking-name" });
  job = await submitJob(owner.token, queue.id, { name: "owners.job", jobId: "owners-dedupe" });
  const schedule: { id: string } = await api.ok(
    call("POST", `/queues/${queue.name}/schedules`, owner.token, { every: 3_600_000, startAt: "2099-01-01T00:00:00Z", job: { name: "x" } }),
    201,
  );
  scheduleId = schedule.id;
});

const snapshot = async () => ({
  queues: await listAllQueues(owner.token),
  jobs: await listAllJobs(owner.token, queue.id),
  schedules: await api.ok(call("GET", `/queues/${queue.id}/schedules`, owner.token)),
  dead: await api.ok(call("GET", `/queues/${queue.id}/dlq`, owner.token)),
});

const ROUTES: [string, string, unknown?][] = [
  ["GET", "/queues/NAME"],
  ["PATCH", "/queues/NAME", { paused: false }],
  ["DELETE", "/queues/NAME"],
  ["POST", "/queues/NAME/jobs", { name: "x", jobId: "owners-dedupe" }],
  ["POST", "/queues/NAME/jobs/bulk", { jobs: [{ name: "x", dependsOn: ["owners-dedupe"] }] }],
  ["GET", "/queues/NAME/jobs"],
  ["POST", "/queues/NAME/lease", { max: 10 }],
  ["GET", "/queues/NAME/dlq"],
  ["POST", "/queues/NAME/dlq/redrive", { ids: ["JOB"] }],
  ["POST", "/queues/NAME/dlq/purge", { all: true }],
  ["POST", "/queues/NAME/schedules", { every: 60_000, job: { name: "x" } }],
  ["GET", "/queues/NAME/schedules"],
  ["GET", "/queues/NAME/schedules/SCHED"],
  ["DELETE", "/queues/NAME/schedules/SCHED"],
  ["POST", "/queues/NAME/schedules/SCHED/pause"],
  ["POST", "/queues/NAME/schedules/SCHED/resume"],
  ["PATCH", "/jobs/JOB/payload", { payload: {} }],
  ["POST", "/jobs/JOB/heartbeat", { token: "t" }],
  ["POST", "/jobs/JOB/complete", { token: "t" }],
];

describe("a stranger with the owner's queue name and ids", { timeout: 60_000 }, () => {
  const fill = (s: string) => s.replaceAll("NAME", queue.name).replaceAll("JOB", job.id).replaceAll("SCHED", scheduleId);
  it.each(ROUTES)("%s %s is 404 and changes nothing", async (method, path, body) => {
    const before = await snapshot();
    const res = await call(method, fill(path), stranger.token, body === undefined ? undefined : JSON.parse(fill(JSON.stringify(body))));
    await api.problem(res, 404, "not_found");
    expect(await snapshot()).toEqual(before);
  });

  it("the stranger's own queue of the same name is theirs alone (and the owner's is untouched)", async () => {
    const before = await snapshot();
    const mine = await createQueue(stranger.token, { name: queue.name });
    expect(mine.id).not.toBe(queue.id);
    const theirs = await submitJob(stranger.token, queue.name, { name: "x", jobId: "owners-dedupe" });
    expect(theirs.id).not.toBe(job.id);
    expect(await snapshot()).toEqual(before);
  });
});
