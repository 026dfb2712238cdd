import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import worker from "../src/index";

async function deliver(bodies: unknown[], targetEnv: Env = env, attempts = 1) {
  const batch = createMessageBatch(
    "edgeworks-blog-notifications",
    bodies.map((body, i) => ({ id: `n${i}`, timestamp: new Date(), attempts, body })),
  );
  const retries = batch.messages.map((m) => vi.spyOn(m, "retry"));
  const ctx = createExecutionContext();
  await worker.queue(batch, targetEnv, ctx);
  return { result: await getQueueResult(batch, ctx), retries };
}

describe("the follower-notification consumer", () => {
  it("acks bodies that are not {articleId} (never retried), and a message for a missing article", async () => {
    const { result } = await deliver([{ articleId: "1" }, { articleId: 1.5 }, { articleId: 2 ** 53 }, null, { articleId: 987_654_321 }]);
    expect(result.explicitAcks.sort()).toEqual(["n0", "n1", "n2", "n3", "n4"]);
    expect(result.retryMessages).toEqual([]);
  });

  it("retries a message whose work fails, with a growing, bounded delay instead of a flat 10 s", async () => {
    const broken = {
      prepare() {
        throw new Error("D1 is down");
      },
      batch() {
        throw new Error("D1 is down");
      },
    } as unknown as D1Database;
    const { result, retries } = await deliver([{ articleId: 1 }, { bad: true }], { ...env, DB: broken }, 4);
    expect(result.explicitAcks).toEqual(["n1"]);
    expect(result.retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual(["n0"]);
    const delay = retries[0]?.mock.calls[0]?.[0]?.delaySeconds ?? -1;
    // attempt 4 with base 5 s: anywhere in 0…80 s (full jitter)
    expect(delay).toBeGreaterThanOrEqual(0);
    expect(delay).toBeLessThanOrEqual(80);
  });
});
