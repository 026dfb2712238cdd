import { describe, expect, it } from "vitest";
import { newQueue, ok, waitForState } from "./helpers";

describe("cancel", () => {
  it("a waiting or delayed job is cancelled at once; a finished one is a conflict", async () => {
    const { stub } = await newQueue({ paused: true });
    const [w, d] = ok(
      await stub.submit([
        { name: "test.sleep", payload: { ms: 0 } },
        { name: "test.sleep", payload: { ms: 0 }, delay: 60_000 },
      ]),
    );
    expect(d!.job.state).toBe("delayed");
    for (const s of [w!, d!]) {
      const job = ok(await stub.cancel(s.job.id));
      expect(job).toMatchObject({ state: "cancelled", cancelRequested: false });
      expect(job.timeline.at(-1)).toMatchObject({ to: "cancelled", cause: "cancelled by user" });
    }
    expect(await stub.cancel(w!.job.id)).toMatchObject({ ok: false, code: "conflict", detail: "The job is already cancelled" });
  });

  it("a running built-in job gets the cancel signal and ends cancelled", async () => {
    const { stub } = await newQueue();
    const [s] = ok(await stub.submit([{ name: "test.sleep", payload: { ms: 60_000 } }]));
    await waitForState(stub, s!.job.id, "active");
    const requested = ok(await stub.cancel(s!.job.id));
    expect(requested).toMatchObject({ state: "active", cancelRequested: true });
    const job = await waitForState(stub, s!.job.id, "cancelled");
    expect(job.timeline.at(-1)?.cause).toMatch(/^cancelled by user/);
    expect(job.attemptsLog[0]?.error?.message).toBe("cancelled");
  });

  it("an external worker sees cancelRequested on its heartbeat and its fail ends the job cancelled", async () => {
    const { stub } = await newQueue();
    const [s] = ok(await stub.submit([{ name: "ext.cancel", attempts: 3 }]));
    const [job] = ok(await stub.lease({ max: 1, leaseSeconds: 30, worker: "w" }));
    ok(await stub.cancel(s!.job.id));
    expect(ok(await stub.heartbeat(job!.id, job!.token)).cancelRequested).toBe(true);
    expect(ok(await stub.progress(job!.id, job!.token, { percent: 10 })).cancelRequested).toBe(true);
    expect(ok(await stub.fail(job!.id, job!.token, { message: "stopped" })).state).toBe("cancelled");
  });

  it("a running job past its timeout fails with timeout", async () => {
    const { stub } = await newQueue();
    const [s] = ok(await stub.submit([{ name: "test.sleep", payload: { ms: 60_000 }, timeout: 300 }]));
    const job = await waitForState(stub, s!.job.id, "dead");
    expect(job.error?.message).toBe("timeout after 300 ms");
  });
});
