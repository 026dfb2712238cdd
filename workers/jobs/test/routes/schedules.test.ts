import { describe, expect, it } from "vitest";
import { api, call, createQueue, newUser } from "../helpers";

type Schedule = {
  id: string;
  cron: string | null;
  timezone: string;
  every: number | null;
  paused: boolean;
  nextRuns: string[];
  job: Record<string, unknown>;
};
const list = async (token: string, queue: string) =>
  ((await api.ok(call("GET", `/queues/${queue}/schedules`, token))) as { schedules: Schedule[] }).schedules;

describe("schedules", () => {
  it("create, list, get, pause, resume and delete (happy path)", async () => {
    const { token } = await newUser();
    const queue = await createQueue(token);
    const res = await call("POST", `/queues/${queue.name}/schedules`, token, {
      cron: "0 9 * * *",
      timezone: "Europe/Berlin",
      job: { name: "report.daily", payload: { kind: "daily" } },
    });
    const schedule: Schedule = await api.ok(res, 201);
    expect(schedule).toMatchObject({
      cron: "0 9 * * *",
      timezone: "Europe/Berlin",
      every: null,
      paused: false,
      job: { name: "report.daily" },
    });
    expect(schedule.nextRuns.length).toBeGreaterThan(0);
    expect(new Date(schedule.nextRuns[0] ?? "").toISOString()).toMatch(/T0[78]:00:00\.000Z$/);
    expect(res.headers.get("Location")).toBe(`/jobs/v1/queues/${queue.name}/schedules/${schedule.id}`);
    expect(await list(token, queue.id)).toEqual([schedule]);
    expect(await api.ok(call("GET", `/queues/${queue.id}/schedules/${schedule.id}`, token))).toEqual(schedule);
    expect(await api.ok(call("POST", `/queues/${queue.id}/schedules/${schedule.id}/pause`, token))).toMatchObject({
      id: schedule.id,
      paused: true,
    });
    expect(await api.ok(call("POST", `/queues/${queue.id}/schedules/${schedule.id}/resume`, token))).toMatchObject({
      id: schedule.id,
      paused: false,
    });
    expect((await call("DELETE", `/queues/${queue.id}/schedules/${schedule.id}`, token)).status).toBe(204);
    await api.problem(call("GET", `/queues/${queue.id}/schedules/${schedule.id}`, token), 404, "not_found");
    await api.problem(call("DELETE", `/queues/${queue.id}/schedules/${schedule.id}`, token), 404, "not_found");
    expect(await list(token, queue.id)).toEqual([]);
  });

  it("every: an interval instead of cron", async () => {
    const { token } = await newUser();
    const queue = await createQueue(token);
    const s: Schedule = await api.ok(
      call("POST", `/queues/${queue.id}/schedules`, token, { every: 60_000, limit: 3, job: { name: "tick" } }),
      201,
    );
    expect(s).toMatchObject({ cron: null, every: 60_000 });
  });

  it.each([
    ["neither cron nor every", { job: { name: "x" } }, "cron"],
    ["both cron and every", { cron: "* * * * *", every: 60_000, job: { name: "x" } }, "cron"],
    ["every under a second", { every: 999, job: { name: "x" } }, "every"],
    ["a cron with a semicolon", { cron: "* * * * *; rm", job: { name: "x" } }, "cron"],
    ["a 129-character cron", { cron: "*".repeat(129), job: { name: "x" } }, "cron"],
    ["an unknown time zone", { cron: "* * * * *", timezone: "Mars/Olympus", job: { name: "x" } }, "timezone"],
    [
      "endAt before startAt",
      { every: 60_000, startAt: "2030-01-02T00:00:00Z", endAt: "2030-01-01T00:00:00Z", job: { name: "x" } },
      "endAt",
    ],
    ["limit 0", { every: 60_000, limit: 0, job: { name: "x" } }, "limit"],
    ["no job", { every: 60_000 }, "job"],
    ["a job with a bad name", { every: 60_000, job: { name: "a b" } }, "job.name"],
    ["a job with dependsOn", { every: 60_000, job: { name: "x", dependsOn: ["a"] } }, "job"],
    ["a built-in job with a bad payload", { every: 60_000, job: { name: "test.sleep", payload: { ms: -1 } } }, "job.payload.ms"],
  ])("refuses %s with 422 and creates nothing", async (_what, body, path) => {
    const { token } = await newUser();
    const queue = await createQueue(token);
    await api.problem(call("POST", `/queues/${queue.id}/schedules`, token, body), 422, "validation_failed", [path]);
    expect(await list(token, queue.id)).toEqual([]);
  });

  it("an invalid cron expression (the engine's check) is 422", async () => {
    const { token } = await newUser();
    const queue = await createQueue(token);
    await api.problem(
      call("POST", `/queues/${queue.id}/schedules`, token, { cron: "61 * * * *", job: { name: "x" } }),
      422,
      "validation_failed",
    );
    expect(await list(token, queue.id)).toEqual([]);
  });

  it("keeps owners apart: a stranger gets 404 on the owner's schedules", async () => {
    const owner = await newUser();
    const queue = await createQueue(owner.token);
    const s: Schedule = await api.ok(
      call("POST", `/queues/${queue.id}/schedules`, owner.token, { every: 60_000, job: { name: "x" } }),
      201,
    );
    const stranger = await newUser();
    const base = `/queues/${queue.id}/schedules`;
    await api.problem(call("POST", base, stranger.token, { every: 60_000, job: { name: "x" } }), 404, "not_found");
    await api.problem(call("GET", base, stranger.token), 404, "not_found");
    await api.problem(call("GET", `${base}/${s.id}`, stranger.token), 404, "not_found");
    await api.problem(call("POST", `${base}/${s.id}/pause`, stranger.token), 404, "not_found");
    await api.problem(call("POST", `${base}/${s.id}/resume`, stranger.token), 404, "not_found");
    await api.problem(call("DELETE", `${base}/${s.id}`, stranger.token), 404, "not_found");
    const mine = await createQueue(stranger.token);
    await api.problem(call("GET", `/queues/${mine.id}/schedules/${s.id}`, stranger.token), 404, "not_found");
    expect(await list(owner.token, queue.id)).toEqual([s]);
  });
});
