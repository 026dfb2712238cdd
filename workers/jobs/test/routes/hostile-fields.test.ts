import { beforeAll, describe, expect, it } from "vitest";
import { api, call, createQueue, type Job, listAllJobs, listAllQueues, newUser, type Queue, submitJob } from "../helpers";

// Hostile field values through the real Worker: each is a 4xx problem+json and changes nothing.
// (test/security.test.ts covers malformed bodies, media types and sizes on every route.)

let owner = { id: "", token: "" };
let queue: Queue;
let job: Job;
let scheduleId = "";

beforeAll(async () => {
  owner = await newUser();
  queue = await createQueue(owner.token, { name: "hostile-fields" });
  job = await submitJob(owner.token, queue.id, { name: "parent.work", jobId: "parent-1" });
  const schedule: { id: string } = await api.ok(
    call("POST", `/queues/${queue.id}/schedules`, owner.token, {
      every: 3_600_000,
      startAt: "2099-01-01T00:00:00Z",
      job: { name: "cron.job" },
    }),
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

const long = (n: number) => "a".repeat(n);
const submit = (body: unknown) => ["POST", "/queues/QUEUE/jobs", body] as const;
const schedule = (body: Record<string, unknown>) => ["POST", "/queues/QUEUE/schedules", { job: { name: "x" }, ...body }] as const;
const lease = (body: unknown) => ["POST", "/queues/QUEUE/lease", body] as const;

type Case = [string, readonly [string, string, unknown?]];
const CASES: Case[] = [
  // queue names
  ["a queue name with a NUL", ["POST", "/queues", { name: "a\u0000b" }]],
  ["a queue name with a lone surrogate", ["POST", "/queues", { name: "a\ud800b" }]],
  ["a queue name with RTL override", ["POST", "/queues", { name: "a\u202eb" }]],
  ["a 10k-character queue name", ["POST", "/queues", { name: long(10_000) }]],
  ["a queue name of '..'", ["PATCH", "/queues/QUEUE", { name: "a/b" }]],
  ["concurrency 0", ["PATCH", "/queues/QUEUE", { concurrency: 0 }]],
  ["concurrency as a string", ["PATCH", "/queues/QUEUE", { concurrency: "10" }]],
  ["rateLimit max 0", ["PATCH", "/queues/QUEUE", { rateLimit: { max: 0, perSeconds: 1 } }]],
  ["retention count -1", ["PATCH", "/queues/QUEUE", { retention: { completed: { count: -1 } } }]],
  ["paused as a string", ["PATCH", "/queues/QUEUE", { paused: "true" }]],
  ["a duplicate queue name", ["POST", "/queues", { name: "hostile-fields" }]],
  // submit
  ["a job name with NUL", submit({ name: "a\u0000b" })],
  ["a 10k-character job name", submit({ name: long(10_000) })],
  ["a job name as a number", submit({ name: 42 })],
  ["a payload over 128 KiB", submit({ name: "x", payload: long(128 * 1024) })],
  ["priority 0", submit({ name: "x", priority: 0 })],
  ["priority 11", submit({ name: "x", priority: 11 })],
  ["priority 1.5", submit({ name: "x", priority: 1.5 })],
  ["a negative delay", submit({ name: "x", delay: -1 })],
  ["delay and runAt", submit({ name: "x", delay: 5, runAt: "2030-01-01T00:00:00Z" })],
  ["runAt without a zone", submit({ name: "x", runAt: "2030-01-01T00:00:00" })],
  ["runAt garbage", submit({ name: "x", runAt: "tomorrow" })],
  ["runAt in year 275760+", submit({ name: "x", runAt: "+275761-01-01T00:00:00Z" })],
  ["runAt past 9999", submit({ name: "x", runAt: "10000-01-01T00:00:00Z" })],
  ["runAt more than a year ahead (was a 500)", submit({ name: "x", runAt: "9999-12-31T23:59:59Z" })],
  ["attempts 0", submit({ name: "x", attempts: 0 })],
  ["backoff type linear", submit({ name: "x", backoff: { type: "linear", delay: 1 } })],
  ["backoff jitter 2", submit({ name: "x", backoff: { type: "fixed", delay: 1, jitter: 2 } })],
  ["backoff negative delay", submit({ name: "x", backoff: { type: "fixed", delay: -1 } })],
  ["timeout 0", submit({ name: "x", timeout: 0 })],
  ["a jobId with NUL", submit({ name: "x", jobId: "a\u0000" })],
  ["a jobId with a lone surrogate", submit({ name: "x", jobId: "a\udc00" })],
  ["dependsOn itself (jobId)", submit({ name: "x", jobId: "self", dependsOn: ["self"] })],
  ["dependsOn an unknown id", submit({ name: "x", dependsOn: ["nobody"] })],
  ["dependsOn 101 parents", submit({ name: "x", dependsOn: Array.from({ length: 101 }, (_, i) => `p${i}`) })],
  ["dependsOn 100 unknown parents", submit({ name: "x", dependsOn: Array.from({ length: 100 }, (_, i) => `p${i}`) })],
  ["dependsOn a NUL id", submit({ name: "x", dependsOn: ["\u0000"] })],
  ["onParentFailure retry", submit({ name: "x", dependsOn: ["parent-1"], onParentFailure: "retry" })],
  ["a built-in with a bad payload", submit({ name: "test.sleep", payload: { ms: "x" } })],
  ["an http.request to localhost", submit({ name: "http.request", payload: { url: "http://127.0.0.1/" } })],
  ["an unknown field", submit({ name: "x", unknown: 1 })],
  ["bulk of 1001", ["POST", "/queues/QUEUE/jobs/bulk", { jobs: Array.from({ length: 1001 }, () => ({ name: "x" })) }]],
  ["bulk of 0", ["POST", "/queues/QUEUE/jobs/bulk", { jobs: [] }]],
  ["bulk with one bad job", ["POST", "/queues/QUEUE/jobs/bulk", { jobs: [{ name: "x" }, { name: "x", priority: 99 }] }]],
  [
    "bulk with a cycle",
    [
      "POST",
      "/queues/QUEUE/jobs/bulk",
      {
        jobs: [
          { name: "x", jobId: "a", dependsOn: ["b"] },
          { name: "x", jobId: "b", dependsOn: ["a"] },
        ],
      },
    ],
  ],
  // schedules
  ["an invalid cron", schedule({ cron: "61 * * * *" })],
  ["a cron of letters", schedule({ cron: "every minute" })],
  ["a 7-field cron", schedule({ cron: "* * * * * * *" })],
  ["a 1000-field cron", schedule({ cron: Array(1000).fill("*").join(" ") })],
  ["a cron that never fires (Feb 31)", schedule({ cron: "0 0 31 2 *" })],
  ["a cron with */0", schedule({ cron: "*/0 * * * *" })],
  ["a garbage timezone", schedule({ cron: "* * * * *", timezone: "Mars/Olympus" })],
  ["a timezone with ..", schedule({ cron: "* * * * *", timezone: "../../etc/passwd" })],
  ["a 10k timezone", schedule({ cron: "* * * * *", timezone: long(10_000) })],
  ["every 0", schedule({ every: 0 })],
  ["every -1000", schedule({ every: -1000 })],
  ["cron and every", schedule({ cron: "* * * * *", every: 60_000 })],
  ["neither cron nor every", schedule({})],
  ["endAt before startAt", schedule({ every: 60_000, startAt: "2030-01-02T00:00:00Z", endAt: "2030-01-01T00:00:00Z" })],
  ["endAt in the past", schedule({ every: 60_000, endAt: "2000-01-01T00:00:00Z" })],
  ["limit 0", schedule({ every: 60_000, limit: 0 })],
  ["a scheduled job with a bad priority", schedule({ every: 60_000, job: { name: "x", priority: 0 } })],
  ["a scheduled job with dependsOn", schedule({ every: 60_000, job: { name: "x", dependsOn: ["parent-1"] } })],
  // external workers
  ["lease max 0", lease({ max: 0 })],
  ["lease max 100000", lease({ max: 100_000 })],
  ["leaseSeconds 0", lease({ leaseSeconds: 0 })],
  ["leaseSeconds -5", lease({ leaseSeconds: -5 })],
  ["lease names empty", lease({ names: [] })],
  ["lease worker with NUL", lease({ worker: "w\u0000" })],
  ["heartbeat with a wrong token", ["POST", "/jobs/JOB/heartbeat", { token: "nope" }]],
  ["heartbeat leaseSeconds 0", ["POST", "/jobs/JOB/heartbeat", { token: "nope", leaseSeconds: 0 }]],
  ["progress 101%", ["POST", "/jobs/JOB/progress", { token: "nope", percent: 101 }]],
  ["progress NaN-ish", ["POST", "/jobs/JOB/progress", { token: "nope", percent: "50" }]],
  ["log with 101 lines", ["POST", "/jobs/JOB/log", { token: "nope", lines: Array(101).fill("x") }]],
  ["complete with a wrong token", ["POST", "/jobs/JOB/complete", { token: "nope", result: 1 }]],
  ["fail with a wrong token", ["POST", "/jobs/JOB/fail", { token: "nope", message: "x" }]],
  ["fail without a message", ["POST", "/jobs/JOB/fail", { token: "nope" }]],
  // DLQ
  ["edit payload of a waiting job", ["PATCH", "/jobs/JOB/payload", { payload: { x: 1 } }]],
  ["redrive ids and all", ["POST", "/queues/QUEUE/dlq/redrive", { ids: ["JOB"], all: true }]],
  ["redrive all: false", ["POST", "/queues/QUEUE/dlq/redrive", { all: false }]],
  ["redrive 1001 ids", ["POST", "/queues/QUEUE/dlq/redrive", { ids: Array(1001).fill("JOB") }]],
  ["purge with garbage ids", ["POST", "/queues/QUEUE/dlq/purge", { ids: ["../x"] }]],
  // ids and names in paths
  ["retry a waiting job", ["POST", "/jobs/JOB/retry"]],
  ["a queue path with an encoded slash", ["GET", "/queues/a%2Fb/jobs"]],
  ["a queue path with encoded NUL", ["GET", "/queues/a%00b"]],
  ["a queue path of ..", ["GET", "/queues/%2E%2E"]],
  ["a job id with encoded NUL", ["GET", "/jobs/j_q_AAAAAAAAAAAA_a%00b"]],
  ["a job id with an encoded slash", ["POST", "/jobs/j_q_AAAAAAAAAAAA_a%2Fb/cancel"]],
  ["an unknown job id", ["POST", "/jobs/j_q_AAAAAAAAAAAA_nope/cancel"]],
  ["a schedule id with ..", ["POST", "/queues/QUEUE/schedules/%2E%2E/pause"]],
  ["an unknown schedule id", ["DELETE", "/queues/QUEUE/schedules/s_nope"]],
  ["list state bogus", ["GET", "/queues/QUEUE/jobs?state=bogus"]],
  ["list limit 100000", ["GET", "/queues/QUEUE/jobs?limit=100000"]],
  ["list cursor garbage", ["GET", "/queues/QUEUE/jobs?cursor=%00%00"]],
  ["dlq cursor garbage", ["GET", "/queues/QUEUE/dlq?cursor=zzzz"]],
];

describe("hostile field values are 4xx problems that change nothing", { timeout: 60_000 }, () => {
  const fill = (s: string) => s.replaceAll("QUEUE", queue.id).replaceAll("JOB", job.id).replaceAll("SCHED", scheduleId);
  it.each(CASES)("%s", async (_title, [method, path, body]) => {
    const before = await snapshot();
    const filled = body === undefined ? undefined : JSON.parse(fill(JSON.stringify(body)));
    const res = await call(method, fill(path), owner.token, filled);
    const text = await res.text();
    expect(res.status, text).toBeGreaterThanOrEqual(400);
    expect(res.status, text).toBeLessThan(500);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    expect(await snapshot()).toEqual(before);
  });
});
