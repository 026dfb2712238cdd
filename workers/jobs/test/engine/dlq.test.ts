import { describe, expect, it } from "vitest";
import { newQueue, ok, waitForCount, waitForState } from "./helpers";

describe("the DLQ", () => {
  it("round trip: dead → edit payload → redrive → completed", async () => {
    const { stub } = await newQueue();
    const [s] = ok(await stub.submit([{ name: "test.fail", payload: { message: "bad input" } }]));
    const id = s!.job.id;
    await waitForState(stub, id, "dead");
    const dlq = ok(await stub.listDead({}));
    expect(dlq.items.map((j) => j.id)).toEqual([id]);
    expect(dlq.items[0]?.error?.message).toBe("bad input");

    const edited = ok(await stub.editPayload(id, { failTimes: 0 }));
    expect(edited).toMatchObject({ state: "dead", payload: { failTimes: 0 } });
    expect(ok(await stub.redrive({ ids: [id] }))).toEqual({ redriven: 1 });
    const done = await waitForState(stub, id, "completed");
    expect(done.result).toEqual({ attempt: 1 });
    expect(done.timeline.map((t) => t.cause)).toContain("redriven");
    expect(ok(await stub.listDead({})).items).toEqual([]);
  });

  it("only a dead job's payload can be edited; redrive and purge by name or all", async () => {
    const { stub } = await newQueue();
    ok(await stub.submit([{ name: "test.fail" }, { name: "test.fail" }, { name: "ext.dead" }]));
    await waitForCount(stub, "dead", 2);
    const waiting = ok(await stub.list({ state: "waiting" })).items[0]!;
    expect(await stub.editPayload(waiting.id, {})).toMatchObject({ ok: false, code: "conflict" });
    expect(ok(await stub.get(waiting.id)).payload).toBeNull();

    expect(ok(await stub.purge({ all: true, name: "nope" }))).toEqual({ purged: 0 });
    expect(ok(await stub.purge({ all: true, name: "test.fail" }))).toEqual({ purged: 2 });
    expect(ok(await stub.counts())).toMatchObject({ dead: 0, waiting: 1 });
    expect(await stub.get("j_missing")).toMatchObject({ ok: false, code: "not_found" });
  });

  it("retry runs a dead job again with fresh attempts; a completed one cannot be retried", async () => {
    const { stub } = await newQueue();
    const [s] = ok(await stub.submit([{ name: "ext.retry", attempts: 2 }]));
    const id = s!.job.id;
    const [first] = ok(await stub.lease({ max: 1, leaseSeconds: 30, worker: "w" }));
    expect(ok(await stub.fail(id, first!.token, { message: "no", retry: false })).state).toBe("dead");
    expect(ok(await stub.retry(id))).toMatchObject({ state: "waiting", attempts: { made: 0, max: 2 }, error: null });
    const [second] = ok(await stub.lease({ max: 1, leaseSeconds: 30, worker: "w" }));
    expect(second).toMatchObject({ id, attempt: 1 });
    ok(await stub.complete(id, second!.token, 1));
    expect(await stub.retry(id)).toMatchObject({ ok: false, code: "conflict" });
    expect(await stub.cancel(id)).toMatchObject({ ok: false, code: "conflict" });
  });
});
