import { SELF } from "cloudflare:test";
import { defineSecuritySuite, expectProblem, extraBadCredentials, hostile, type SecurityRoute } from "@edgeworks/testing";
import { beforeAll, expect, it } from "vitest";
import { api, BASE, call, createQueue, type Job, listAllJobs, listAllQueues, newUser, type Queue, submitJob } from "./helpers";

/** Every route under /jobs/v1; QUEUE, JOB and SCHED are replaced by the owner's. Add each new route here. */
const ROUTES: SecurityRoute[] = [
  { method: "GET", path: "/queues", read: true },
  { method: "POST", path: "/queues", body: { name: "x" }, read: false },
  { method: "GET", path: "/queues/QUEUE", read: true },
  { method: "PATCH", path: "/queues/QUEUE", body: { paused: false }, read: false },
  { method: "DELETE", path: "/queues/QUEUE", read: false },
  { method: "POST", path: "/queues/QUEUE/jobs", body: { name: "x" }, read: false },
  { method: "POST", path: "/queues/QUEUE/jobs/bulk", body: { jobs: [{ name: "x" }] }, read: false },
  { method: "GET", path: "/queues/QUEUE/jobs", read: true },
  { method: "GET", path: "/jobs/JOB", read: true },
  { method: "POST", path: "/jobs/JOB/cancel", read: false },
  { method: "POST", path: "/jobs/JOB/retry", read: false },
  { method: "POST", path: "/queues/QUEUE/lease", body: { max: 10 }, read: false },
  { method: "POST", path: "/jobs/JOB/heartbeat", body: { token: "t" }, read: false },
  { method: "POST", path: "/jobs/JOB/progress", body: { token: "t", percent: 1 }, read: false },
  { method: "POST", path: "/jobs/JOB/log", body: { token: "t", lines: ["x"] }, read: false },
  { method: "POST", path: "/jobs/JOB/complete", body: { token: "t" }, read: false },
  { method: "POST", path: "/jobs/JOB/fail", body: { token: "t", message: "x" }, read: false },
  { method: "GET", path: "/queues/QUEUE/dlq", read: true },
  { method: "PATCH", path: "/jobs/JOB/payload", body: { payload: {} }, read: false },
  { method: "POST", path: "/queues/QUEUE/dlq/redrive", body: { all: true }, read: false },
  { method: "POST", path: "/queues/QUEUE/dlq/purge", body: { all: true }, read: false },
  { method: "POST", path: "/queues/QUEUE/schedules", body: { every: 60_000, job: { name: "x" } }, read: false },
  { method: "GET", path: "/queues/QUEUE/schedules", read: true },
  { method: "GET", path: "/queues/QUEUE/schedules/SCHED", read: true },
  { method: "DELETE", path: "/queues/QUEUE/schedules/SCHED", read: false },
  { method: "POST", path: "/queues/QUEUE/schedules/SCHED/pause", read: false },
  { method: "POST", path: "/queues/QUEUE/schedules/SCHED/resume", read: false },
  { method: "GET", path: "/metrics", read: true },
  // the dashboard's live ticket (src/web); the WebSocket itself takes its own credentials: test/web
  { method: "POST", path: "/queues/QUEUE/live/ticket", read: false },
];

let owner = { id: "", token: "" };
let queue: Queue;
let job: Job;
let scheduleId = "";

beforeAll(async () => {
  owner = await newUser();
  // paused: nothing the owner has moves on its own while the suite compares snapshots
  queue = await createQueue(owner.token, { name: "owners-queue" });
  job = await submitJob(owner.token, queue.id, { name: "owners.job", payload: { secret: true } });
  const schedule: { id: string } = await api.ok(
    call("POST", `/queues/${queue.id}/schedules`, owner.token, {
      every: 3_600_000,
      startAt: "2099-01-01T00:00:00Z",
      job: { name: "owners.cron" },
    }),
    201,
  );
  scheduleId = schedule.id;
});

/** Everything the owner has: queues (with counts), the queue's jobs, schedules and DLQ. */
const snapshot = async () => ({
  queues: await listAllQueues(owner.token),
  jobs: await listAllJobs(owner.token, queue.id),
  schedules: await api.ok(call("GET", `/queues/${queue.id}/schedules`, owner.token)),
  dead: await api.ok(call("GET", `/queues/${queue.id}/dlq`, owner.token)),
});

defineSecuritySuite({
  base: BASE,
  fetch: (url, init) => SELF.fetch(url, init),
  routes: ROUTES,
  fill: (text) => text.replaceAll("QUEUE", queue.id).replaceAll("JOB", job.id).replaceAll("SCHED", scheduleId),
  owner: () => owner,
  scopes: { read: "jobs:read", write: "jobs:write" },
  otherScopes: ["", "profile", "todo:read todo:write"],
  snapshot,
  badCredentials: [extraBadCredentials.emptyBearer, extraBadCredentials.otherIssuer, extraBadCredentials.unknownApiKey],
  wwwAuthenticate: /^Bearer realm="edgeworks", error="invalid_(request|token)"/,
  isolation: {
    title: "isolation: another owner's queues, jobs, schedules and DLQ are 404",
    routes: (r) => /QUEUE|JOB|SCHED/.test(r.path),
    name: "%s on the owner's ids is 404",
    stranger: () => newUser(),
    untouched: "the owner's queues, jobs and schedules are untouched",
  },
  hostile: {
    // bulk has its own 16 MiB body limit: its hostile bodies are below (extend)
    routes: (r) => !r.path.endsWith("/bulk"),
    cases: [
      hostile.malformed(),
      hostile.textPlain('{"name":"x"}'),
      hostile.form("name=x"),
      hostile.twoMiB(),
      hostile.invalid("a lone surrogate", '{"name":"bad \\ud800"}'),
      hostile.invalid("a NUL character", '{"name":"a\\u0000b"}'),
      hostile.invalid("a JSON array", "[1,2,3]"),
      hostile.invalid("a JSON string", '"name"'),
      hostile.invalid("null", "null"),
    ],
    // a missing body is validated as `{}`: 422 on every POST; for PATCH /queues it is the empty (no-op) patch
    // (lease takes `{}`: every field has a default)
    missingBody: (r) => (r.method === "POST" && !r.path.endsWith("/lease")) || r.path.endsWith("/payload"),
  },
  extend: {
    hostileBodies: () => {
      const bulk = (body: string, contentType = "application/json") =>
        SELF.fetch(`${BASE}/queues/${queue.id}/jobs/bulk`, {
          method: "POST",
          headers: { Authorization: `Bearer ${owner.token}`, "Content-Type": contentType },
          body,
        });
      it.each([
        ["malformed JSON", '{"jobs": [', 400, "malformed_json"],
        ["a body over 16 MiB", JSON.stringify({ jobs: [{ name: "x", payload: "x".repeat(17 * 1024 * 1024) }] }), 413, "payload_too_large"],
        ["a lone surrogate", '{"jobs": [{"name": "bad \\ud800"}]}', 422, "validation_failed"],
        ["a NUL character", '{"jobs": [{"name": "a\\u0000b"}]}', 422, "validation_failed"],
        ["a JSON array", "[1,2,3]", 422, "validation_failed"],
      ] as const)("%s to POST /queues/QUEUE/jobs/bulk is %i", async (_name, body, status, code) => {
        await expectProblem(await bulk(body), status, code);
      });
      it("a text/plain body to POST /queues/QUEUE/jobs/bulk is 415, a missing one 422", async () => {
        await expectProblem(await bulk('{"jobs":[]}', "text/plain"), 415, "unsupported_media_type");
        const missing = await SELF.fetch(`${BASE}/queues/${queue.id}/jobs/bulk`, {
          method: "POST",
          headers: { Authorization: `Bearer ${owner.token}` },
        });
        await expectProblem(missing, 422, "validation_failed");
      });
      it.each([
        "/queues/..%2F..%2Fadmin",
        "/queues/%00",
        `/queues/${"q".repeat(65)}`,
        "/queues/owners-queue%2Fjobs",
        "/jobs/..%2Fqueues",
        `/jobs/j_q_${"A".repeat(12)}_${"x".repeat(200)}`,
        "/jobs/j_q_AAAAAAAAAAAA_%F0%9F%99%82",
        "/queues/owners-queue/schedules/..%2F..",
      ])("the path %s is a 404 or 422 problem", async (path) => {
        const res = await call("GET", path, owner.token);
        expect([404, 422]).toContain(res.status);
        expect(res.headers.get("Content-Type")).toBe("application/problem+json");
      });
    },
  },
});
