import { describe, expect, it } from "vitest";
import { QueueBatcher } from "../src";

function fakes() {
  const batches: unknown[][] = [];
  const queue = {
    sendBatch: async (messages: { body: unknown }[]) => {
      batches.push(messages.map((m) => m.body));
    },
  } as unknown as Queue;
  const pending: Promise<unknown>[] = [];
  const state = { waitUntil: (p: Promise<unknown>) => pending.push(p) } as unknown as DurableObjectState;
  return { batches, queue, state, settled: () => Promise.all(pending) };
}

describe("QueueBatcher", () => {
  it("sends a burst as one batch after a short delay", async () => {
    const f = fakes();
    const b = new QueueBatcher(f.queue, f.state, "silent", 5);
    for (let i = 0; i < 3; i++) b.add({ i });
    expect(f.batches).toEqual([]);
    await new Promise((r) => setTimeout(r, 30));
    await f.settled();
    expect(f.batches).toEqual([[{ i: 0 }, { i: 1 }, { i: 2 }]]);
  });

  it("never exceeds 100 messages or about 200 KB per batch, and loses nothing", async () => {
    const f = fakes();
    const b = new QueueBatcher(f.queue, f.state, "silent", 5);
    for (let i = 0; i < 250; i++) b.add({ i });
    for (let i = 0; i < 30; i++) b.add({ big: "x".repeat(16_000), i });
    await new Promise((r) => setTimeout(r, 30));
    await f.settled();
    expect(f.batches.every((batch) => batch.length <= 100)).toBe(true);
    expect(f.batches.every((batch) => JSON.stringify(batch).length <= 210 * 1024)).toBe(true);
    expect(f.batches.flat()).toHaveLength(280);
  });
});
