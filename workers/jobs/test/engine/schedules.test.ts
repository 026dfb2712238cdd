import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { nextRunAfter, upcomingRuns } from "../../src/engine/schedules";
import { newQueue, ok, waitFor } from "./helpers";

type Raw = Awaited<ReturnType<typeof newQueue>>["raw"];

/** Downtime: the schedule's run fell due `missedMs` ago and no alarm fired since (the alarm is moved far away). */
async function simulateDowntime(raw: Raw, scheduleId: string, missedMs: number) {
  await runInDurableObject(raw, async (_instance, state) => {
    state.storage.sql.exec("UPDATE schedules SET next_at = ? WHERE id = ?", Date.now() - missedMs, scheduleId);
    await state.storage.setAlarm(Date.now() + 3_600_000);
  });
}

async function jobsOf(stub: Awaited<ReturnType<typeof newQueue>>["stub"], scheduleId: string) {
  const all = ok(await stub.list({ limit: 100 })).items;
  return all.filter((j) => j.timeline[0]?.cause === `submitted by schedule ${scheduleId}`);
}

describe("schedules", () => {
  it("cron catch-up: after downtime a missed run fires ONCE, then the next future time", async () => {
    const { stub, raw } = await newQueue({ paused: true });
    const schedule = ok(await stub.createSchedule({ cron: "0 * * * *", timezone: "UTC", job: { name: "ext.cron" } }));
    expect(schedule.nextRuns).toHaveLength(5);
    // ten hourly runs missed
    await simulateDowntime(raw, schedule.id, 10 * 3_600_000);
    expect(await runDurableObjectAlarm(raw)).toBe(true);
    const fired = await jobsOf(stub, schedule.id);
    expect(fired).toHaveLength(1);
    const after = ok(await stub.getSchedule(schedule.id));
    expect(after.runs).toBe(1);
    const next = Date.parse(after.nextRuns[0]!);
    expect(next).toBeGreaterThan(Date.now());
    expect(new Date(next).getUTCMinutes()).toBe(0);
    // and nothing more fires before that time
    await runDurableObjectAlarm(raw);
    expect(await jobsOf(stub, schedule.id)).toHaveLength(1);
  });

  it("every: fires on its own alarm; limit stops it; pause/resume; delete", async () => {
    const { stub } = await newQueue({ paused: true });
    const schedule = ok(await stub.createSchedule({ every: 1000, limit: 2, job: { name: "ext.every", payload: { n: 1 } } }));
    expect(schedule).toMatchObject({ every: 1000, limit: 2, runs: 0, paused: false });
    expect(schedule.nextRuns).toHaveLength(2);
    const done = await waitForRuns(stub, schedule.id, 2);
    expect(done).toMatchObject({ runs: 2, limit: 0, nextRuns: [] });
    expect(await jobsOf(stub, schedule.id)).toHaveLength(2);

    const other = ok(await stub.createSchedule({ every: 60_000, job: { name: "ext.every" } }));
    expect(ok(await stub.setSchedulePaused(other.id, true))).toMatchObject({ paused: true, nextRuns: [] });
    const resumed = ok(await stub.setSchedulePaused(other.id, false));
    expect(resumed.paused).toBe(false);
    expect(Date.parse(resumed.nextRuns[0]!)).toBeGreaterThan(Date.now());
    expect(ok(await stub.listSchedules()).map((s) => s.id)).toEqual([schedule.id, other.id]);
    ok(await stub.deleteSchedule(other.id));
    expect(await stub.getSchedule(other.id)).toMatchObject({ ok: false, code: "not_found" });
  });

  it("refuses a bad cron, an unknown timezone, both or neither of cron and every", async () => {
    const { stub } = await newQueue();
    const job = { name: "ext.x" };
    expect(await stub.createSchedule({ cron: "nope", job })).toMatchObject({ ok: false, code: "validation_failed" });
    expect(await stub.createSchedule({ cron: "0 9 * * *", timezone: "Mars/Olympus", job })).toMatchObject({
      ok: false,
      code: "validation_failed",
    });
    expect(await stub.createSchedule({ cron: "0 9 * * *", every: 1000, job })).toMatchObject({ ok: false, code: "validation_failed" });
    expect(await stub.createSchedule({ job })).toMatchObject({ ok: false, code: "validation_failed" });
    expect(ok(await stub.listSchedules())).toEqual([]);
  });

  it("next runs follow the timezone across a DST change, within startAt/endAt", () => {
    const t = { cron: "0 9 * * 1-5", timezone: "Europe/Warsaw", every: null, startAt: null, endAt: null, createdAt: 0 };
    // Friday 2026-03-27 10:00Z: the next weekday 09:00 in Warsaw is Monday 30 March, after the switch to CEST (UTC+2)
    expect(new Date(nextRunAfter(t, Date.parse("2026-03-27T10:00:00Z"))!).toISOString()).toBe("2026-03-30T07:00:00.000Z");
    expect(new Date(nextRunAfter(t, Date.parse("2026-03-26T10:00:00Z"))!).toISOString()).toBe("2026-03-27T08:00:00.000Z");
    const bounded = { ...t, startAt: Date.parse("2026-04-01T00:00:00Z"), endAt: Date.parse("2026-04-02T23:00:00Z") };
    expect(upcomingRuns(bounded, Date.parse("2026-03-01T00:00:00Z"), null).map((ms) => new Date(ms).toISOString())).toEqual([
      "2026-04-01T07:00:00.000Z",
      "2026-04-02T07:00:00.000Z",
    ]);
    const every = { cron: null, timezone: "UTC", every: 1000, startAt: 5000, endAt: null, createdAt: 0 };
    expect(upcomingRuns(every, 0, 3)).toEqual([5000, 6000, 7000]);
    expect(nextRunAfter(every, 12_345)).toBe(13_000);
  });
});

async function waitForRuns(stub: Awaited<ReturnType<typeof newQueue>>["stub"], id: string, runs: number) {
  return waitFor(async () => {
    const s = ok(await stub.getSchedule(id));
    return s.runs >= runs ? s : undefined;
  }, `schedule ${id} to run ${runs} times`);
}
