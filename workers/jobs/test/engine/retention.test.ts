import { describe, expect, it } from "vitest";
import { newQueue, ok, waitFor, waitForCount } from "./helpers";

describe("retention of finished jobs", () => {
  it("keeps the newest `count` completed jobs", async () => {
    const { stub } = await newQueue({
      concurrency: 1,
      retention: { completed: { count: 2, ageSeconds: 86_400 }, failed: { count: 100, ageSeconds: 86_400 } },
    });
    const ids = ok(await stub.submit(Array.from({ length: 5 }, () => ({ name: "test.sleep", payload: { ms: 0 } })))).map((s) => s.job.id);
    await waitFor(async () => {
      const last = await stub.get(ids[4]!);
      return last.ok && last.value.state === "completed" ? true : undefined;
    }, "the last job to complete");
    // retention runs before each call: the next one sees the pruned set
    const counts = ok(await stub.counts());
    expect(counts.completed).toBe(2);
    for (const id of ids.slice(0, 3)) expect(await stub.get(id)).toMatchObject({ ok: false, code: "not_found" });
    for (const id of ids.slice(3)) expect(ok(await stub.get(id)).state).toBe("completed");
  });

  it("drops dead jobs older than ageSeconds (the alarm does it, no call needed)", async () => {
    const { stub } = await newQueue({
      retention: { completed: { count: 100, ageSeconds: 86_400 }, failed: { count: 100, ageSeconds: 1 } },
    });
    const [s] = ok(await stub.submit([{ name: "test.fail" }]));
    await waitForCount(stub, "dead", 1);
    await waitFor(async () => {
      const got = await stub.get(s!.job.id);
      return !got.ok && got.code === "not_found" ? true : undefined;
    }, "the dead job to be dropped");
    expect(ok(await stub.counts()).dead).toBe(0);
  });
});
