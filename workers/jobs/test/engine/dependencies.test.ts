import { describe, expect, it } from "vitest";
import type { OnParentFailure } from "../../src/engine/types";
import { newQueue, ok } from "./helpers";

/** Leases the job `id` (the only waiting job of its name) and completes or fails it for good. */
async function finish(stub: Awaited<ReturnType<typeof newQueue>>["stub"], id: string, outcome: "complete" | "fail") {
  const { name } = ok(await stub.get(id));
  const [job] = ok(await stub.lease({ max: 1, leaseSeconds: 60, worker: "w", names: [name] }));
  if (job?.id !== id) throw new Error(`job ${id} was not leased`);
  if (outcome === "complete") ok(await stub.complete(id, job.token, null));
  else ok(await stub.fail(id, job.token, { message: "parent broke", retry: false }));
}

describe("dependencies", () => {
  it("a child waits for its parent (by jobId) and is released when it completes", async () => {
    const { stub } = await newQueue();
    const [a, b] = ok(
      await stub.submit([
        { name: "ext.a", jobId: "a" },
        { name: "ext.b", dependsOn: ["a"] },
      ]),
    );
    expect(b!.job).toMatchObject({ state: "waiting-children", dependsOn: [a!.job.id] });
    await finish(stub, a!.job.id, "complete");
    const child = ok(await stub.get(b!.job.id));
    expect(child.state).toBe("waiting");
    expect(child.timeline.at(-1)).toMatchObject({ from: "waiting-children", to: "waiting", cause: "parents done" });
  });

  it("fan-in: a child of several parents waits for all of them", async () => {
    const { stub } = await newQueue();
    const parents = ok(await stub.submit([{ name: "ext.p0" }, { name: "ext.p1" }, { name: "ext.p2" }])).map((s) => s.job.id);
    const [child] = ok(await stub.submit([{ name: "ext.c", dependsOn: parents }]));
    for (const [i, parent] of parents.entries()) {
      expect(ok(await stub.get(child!.job.id)).state).toBe("waiting-children");
      await finish(stub, parent, "complete");
      if (i < parents.length - 1) expect(ok(await stub.get(child!.job.id)).state).toBe("waiting-children");
    }
    expect(ok(await stub.get(child!.job.id)).state).toBe("waiting");
  });

  it.each<[OnParentFailure, string, string, string | null]>([
    ["fail", "dead", "parent failed", "parent failed"],
    ["skip", "cancelled", "parent failed (skip)", null],
    ["ignore", "waiting", "ignored", null],
  ])("a dead parent with onParentFailure %s leaves the child %s", async (policy, state, cause, error) => {
    const { stub } = await newQueue();
    const [parent] = ok(await stub.submit([{ name: "ext.parent" }]));
    const [child] = ok(await stub.submit([{ name: "ext.child", dependsOn: [parent!.job.id], onParentFailure: policy }]));
    await finish(stub, parent!.job.id, "fail");
    const after = ok(await stub.get(child!.job.id));
    expect(after.state).toBe(state);
    expect(after.timeline.at(-1)?.cause).toContain(cause);
    expect(after.error?.message ?? null).toBe(error);
  });

  it("a failure cascades down a chain (fail policy), and a later submit on a dead parent is placed at once", async () => {
    const { stub } = await newQueue();
    const [a, b, c] = ok(
      await stub.submit([
        { name: "ext.a", jobId: "a" },
        { name: "ext.b", jobId: "b", dependsOn: ["a"] },
        { name: "ext.c", dependsOn: ["b"] },
      ]),
    );
    await finish(stub, a!.job.id, "fail");
    expect(ok(await stub.get(b!.job.id)).state).toBe("dead");
    expect(ok(await stub.get(c!.job.id)).state).toBe("dead");
    const [late] = ok(await stub.submit([{ name: "ext.d", dependsOn: [a!.job.id], onParentFailure: "skip" }]));
    expect(late!.job.state).toBe("cancelled");
  });

  it("cycles and unknown parents are refused and nothing of the bulk is written", async () => {
    const { stub } = await newQueue();
    const cycle = await stub.submit([
      { name: "ext.x", jobId: "x", dependsOn: ["y"] },
      { name: "ext.y", jobId: "y", dependsOn: ["z"] },
      { name: "ext.z", jobId: "z", dependsOn: ["x"] },
    ]);
    expect(cycle).toMatchObject({ ok: false, code: "validation_failed", detail: "The dependencies form a cycle" });
    const self = await stub.submit([{ name: "ext.s", jobId: "s", dependsOn: ["s"] }]);
    expect(self).toMatchObject({ ok: false, code: "validation_failed" });
    const unknown = await stub.submit([{ name: "ext.ok" }, { name: "ext.orphan", dependsOn: ["nobody"] }]);
    expect(unknown).toMatchObject({
      ok: false,
      code: "validation_failed",
      errors: [{ path: "jobs.1.dependsOn", location: "body", message: "Unknown parent: nobody" }],
    });
    expect(ok(await stub.list({})).items).toEqual([]);
  });

  it("a forward reference inside one bulk works (the child is listed before its parent)", async () => {
    const { stub } = await newQueue();
    const [child, parent] = ok(
      await stub.submit([
        { name: "ext.c", dependsOn: ["later"] },
        { name: "ext.p", jobId: "later" },
      ]),
    );
    expect(child!.job.state).toBe("waiting-children");
    expect(parent!.job.state).toBe("waiting");
  });
});
