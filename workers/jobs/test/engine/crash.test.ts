import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { RunMessage, SubmitJob } from "../../src/engine/types";
import { BUILTIN_HANDLERS } from "../../src/handlers/registry";
import worker from "../../src/index";
import { newQueue, ok, waitForCount } from "./helpers";

afterEach(() => vi.restoreAllMocks());

describe("a consumer crash mid-batch", () => {
  it("retries the crashed job, loses none and never runs a completed one again (real queue, then a redelivery)", async () => {
    const { stub, queueKey, reconfigure } = await newQueue({ concurrency: 50, paused: true });
    const runs = new Map<string, number>();
    const messages: RunMessage[] = [];
    const original = BUILTIN_HANDLERS["test.sleep"]!.handler;
    vi.spyOn(BUILTIN_HANDLERS["test.sleep"]!, "handler").mockImplementation((payload, ctx) => {
      runs.set(ctx.job.id, (runs.get(ctx.job.id) ?? 0) + 1);
      messages.push({ queueKey, jobId: ctx.job.id, token: ctx.job.token });
      return original(payload, ctx);
    });
    // one batch: 19 sleepers around a job whose first attempt kills the consumer (HandlerCrash: no outcome, no ack)
    const jobs: SubmitJob[] = Array.from({ length: 20 }, (_, i) =>
      i === 7 ? { name: "test.fail", payload: { crashTimes: 1 } } : { name: "test.sleep", payload: { ms: 20 } },
    );
    const ids = ok(await stub.submit(jobs)).map((s) => s.job.id);
    await reconfigure({ paused: false });
    await waitForCount(stub, "completed", 20);

    const crashed = ok(await stub.get(ids[7]!));
    expect(crashed).toMatchObject({ state: "completed", result: { attempt: 2 }, attempts: { made: 2, max: 1 }, stalledCount: 1 });
    expect(crashed.attemptsLog.map((a) => a.error?.message ?? null)).toEqual([
      "interrupted: the runner stopped before recording an outcome",
      null,
    ]);
    expect(crashed.timeline.map((t) => t.cause)).toContain("restarted after a runner crash (attempt 2)");
    for (const id of ids.filter((_, i) => i !== 7)) {
      const job = ok(await stub.get(id));
      expect(job.attemptsLog).toHaveLength(1);
      expect(job.timeline.filter((t) => t.to === "completed")).toHaveLength(1);
    }
    expect([...runs.values()]).toEqual(Array(19).fill(1));

    // the same messages delivered again (a crash before the acks): start() refuses them, nothing runs
    const batch = createMessageBatch(
      "edgeworks-jobs-jobs-run",
      messages.map((body, i) => ({ id: `again-${i}`, timestamp: new Date(), attempts: 2, body })),
    );
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(messages.map((_, i) => `again-${i}`).sort());
    expect(result.retryMessages).toEqual([]);
    expect([...runs.values()]).toEqual(Array(19).fill(1));
    expect(ok(await stub.counts())).toMatchObject({ completed: 20, active: 0, waiting: 0 });
  }, 120_000);
});
