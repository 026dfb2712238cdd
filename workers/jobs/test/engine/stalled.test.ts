import { describe, expect, it } from "vitest";
import { newQueue, ok, sleep, waitForState } from "./helpers";

describe("stalled jobs (an external worker stops heartbeating)", () => {
  it("a lapsed lease re-queues the job up to maxStalled times, then it fails as stalled", async () => {
    const { stub } = await newQueue();
    const [s] = ok(await stub.submit([{ name: "ext.stall", maxStalled: 1, attempts: 1 }]));
    const id = s!.job.id;
    const [first] = ok(await stub.lease({ max: 1, leaseSeconds: 1, worker: "silent" }));
    expect(first).toMatchObject({ id, attempt: 1 });
    // the worker goes silent: the alarm at the lease's end puts the job back
    const requeued = await waitForState(stub, id, "waiting");
    expect(requeued.stalledCount).toBe(1);
    expect(requeued.timeline.at(-1)).toMatchObject({ from: "active", to: "waiting", cause: "stalled: lease expired" });
    // the silent worker's token is stale now
    expect(await stub.complete(id, first!.token, "late")).toMatchObject({ ok: false, code: "conflict" });

    const [second] = ok(await stub.lease({ max: 1, leaseSeconds: 1, worker: "silent" }));
    expect(second!.token).not.toBe(first!.token);
    const dead = await waitForState(stub, id, "dead");
    expect(dead.error).toEqual({ message: "stalled", stack: null });
    expect(dead.attemptsLog.map((a) => [a.worker, a.error?.message])).toEqual([
      ["silent", "stalled: lease expired"],
      ["silent", "stalled"],
    ]);
  });

  it("heartbeats keep the lease; a stale token is a conflict", async () => {
    const { stub } = await newQueue();
    const [s] = ok(await stub.submit([{ name: "ext.beat" }]));
    const [job] = ok(await stub.lease({ max: 1, leaseSeconds: 1, worker: "w" }));
    for (let i = 0; i < 5; i++) {
      await sleep(400);
      const beat = ok(await stub.heartbeat(job!.id, job!.token, 1));
      expect(beat.cancelRequested).toBe(false);
    }
    expect(ok(await stub.get(s!.job.id)).state).toBe("active");
    expect(await stub.heartbeat(job!.id, "not-the-token")).toMatchObject({ ok: false, code: "conflict" });
    ok(await stub.progress(job!.id, job!.token, { percent: 50, message: "half" }));
    ok(await stub.log(job!.id, job!.token, ["one", "two"]));
    const done = ok(await stub.complete(job!.id, job!.token, { fine: true }));
    expect(done).toMatchObject({ state: "completed", result: { fine: true }, progress: { percent: 50, message: "half" } });
    expect(done.logs.map((l) => l.line)).toEqual(["one", "two"]);
  });
});
