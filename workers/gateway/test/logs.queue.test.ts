import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import worker from "../src/index";
import { sendLogs } from "../src/logs.queue";

async function deliver(bodies: unknown[], targetEnv: Env = env) {
  const batch = createMessageBatch(
    "edgeworks-gateway-logs",
    bodies.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue!(batch, targetEnv, ctx);
  return getQueueResult(batch, ctx);
}

describe("the logs queue", () => {
  it("the consumer acks valid bodies and dead-letters invalid ones, retrying nothing", async () => {
    const dlq = { send: vi.fn(async (_parked: { messageId: string }) => {}) };
    const result = await deliver([{ itemId: "abc" }, { itemId: 42 }, null], { ...env, LOGS_QUEUE_DLQ: dlq as unknown as Queue });
    expect(result.explicitAcks.sort()).toEqual(["m0", "m1", "m2"]);
    expect(result.retryMessages).toEqual([]);
    expect(dlq.send.mock.calls.map(([parked]) => parked.messageId)).toEqual(["m1", "m2"]);
  });

  it("the producer sends a valid body and refuses an invalid one", async () => {
    await expect(sendLogs(env.LOGS_QUEUE, { itemId: "abc" })).resolves.toBeUndefined();
    await expect(sendLogs(env.LOGS_QUEUE, { itemId: "../x" })).rejects.toThrow();
  });
});
