import { describe, expect, it } from "vitest";
import { newQueue, ok, waitForState } from "./helpers";

describe("jobId dedupe among unfinished jobs", () => {
  it("50 concurrent submits of one jobId make one job; the others get it back with created: false", async () => {
    const { stub } = await newQueue({ paused: true });
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => stub.submit([{ name: "test.sleep", payload: { ms: i }, jobId: "once" }])),
    );
    const results = answers.map((a) => ok(a)[0]!);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.job.id)).size).toBe(1);
    expect(ok(await stub.counts()).waiting).toBe(1);
    expect(ok(await stub.list({})).items).toHaveLength(1);
  });

  it("a duplicate inside one bulk is folded too, and the jobId is free again once the job finished", async () => {
    const { stub } = await newQueue();
    const [a, b] = ok(
      await stub.submit([
        { name: "test.sleep", payload: { ms: 0 }, jobId: "k" },
        { name: "test.sleep", payload: { ms: 5 }, jobId: "k" },
      ]),
    );
    expect(a!.created).toBe(true);
    expect(b).toMatchObject({ created: false, job: { id: a!.job.id } });
    await waitForState(stub, a!.job.id, "completed");
    const [again] = ok(await stub.submit([{ name: "test.sleep", payload: { ms: 0 }, jobId: "k" }]));
    expect(again!.created).toBe(true);
    expect(again!.job.id).not.toBe(a!.job.id);
  });
});
