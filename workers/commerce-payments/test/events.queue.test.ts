import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { sendEvents } from "../src/events.queue";
import worker from "../src/index";

async function deliver(bodies: unknown[], targetEnv: Env = env) {
  const batch = createMessageBatch(
    "edgeworks-commerce-payments-events",
    bodies.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue!(batch, targetEnv, ctx);
  return getQueueResult(batch, ctx);
}

describe("the events queue", () => {
  it("the consumer acks valid bodies and dead-letters invalid ones, retrying nothing", async () => {
    const dlq = { send: vi.fn(async (_parked: { messageId: string }) => {}) };
    const result = await deliver([{ itemId: "abc" }, { itemId: 42 }, null], { ...env, EVENTS_QUEUE_DLQ: dlq as unknown as Queue });
    expect(result.explicitAcks.sort()).toEqual(["m0", "m1", "m2"]);
    expect(result.retryMessages).toEqual([]);
    expect(dlq.send.mock.calls.map(([parked]) => parked.messageId)).toEqual(["m1", "m2"]);
  });

  it("the producer sends a valid body and refuses an invalid one", async () => {
    await expect(sendEvents(env.EVENTS_QUEUE, { itemId: "abc" })).resolves.toBeUndefined();
    await expect(sendEvents(env.EVENTS_QUEUE, { itemId: "../x" })).rejects.toThrow();
  });
});
