import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { logRequest } from "../../src/analytics/log";
import { record } from "./records";

// logRequest is on the proxy's path: it gathers records per isolate and hands them to the queue with one
// sendBatch in the waitUntil of the request that opened the window, and never throws.
const envWith = (queue: unknown) => ({ ...env, LOG_LEVEL: "silent", LOGS_QUEUE: queue }) as unknown as Env;

describe("logRequest", () => {
  it("sends the records of several requests in one sendBatch inside the first one's waitUntil", async () => {
    const sendBatch = vi.fn(async (_messages: unknown) => {});
    const queued = envWith({ sendBatch });
    const first = createExecutionContext();
    const [a, b, c] = [record(), record({ status: 500 }), record({ status: 404 })];
    expect(logRequest(queued, first, a)).toBeUndefined();
    const later = createExecutionContext();
    logRequest(queued, later, b);
    logRequest(queued, later, c);
    await waitOnExecutionContext(first);
    expect(sendBatch.mock.calls).toEqual([[[{ body: a }, { body: b }, { body: c }]]]);
    await waitOnExecutionContext(later);
    expect(sendBatch).toHaveBeenCalledTimes(1);
  });

  it("a full batch (100) is sent at once; records never go to another env's queue", async () => {
    const sendBatch = vi.fn(async (_messages: unknown) => {});
    const other = vi.fn(async (_messages: unknown) => {});
    const ctx = createExecutionContext();
    const queued = envWith({ sendBatch });
    for (let i = 0; i < 100; i++) logRequest(queued, ctx, record({ requestId: `r${i}` }));
    logRequest(envWith({ sendBatch: other }), ctx, record({ requestId: "elsewhere" }));
    await waitOnExecutionContext(ctx);
    expect(sendBatch).toHaveBeenCalledTimes(1);
    expect(sendBatch.mock.calls[0]?.[0]).toHaveLength(100);
    expect(other.mock.calls).toEqual([[[{ body: expect.objectContaining({ requestId: "elsewhere" }) }]]]);
  });

  it("a rejected send and a throwing binding are swallowed (the request never sees them)", async () => {
    const ctx = createExecutionContext();
    const rejecting = vi.fn(() => Promise.reject(new Error("queue down")));
    expect(() => logRequest(envWith({ sendBatch: rejecting }), ctx, record())).not.toThrow();
    const throwing = vi.fn(() => {
      throw new Error("no binding");
    });
    expect(() => logRequest(envWith({ sendBatch: throwing }), ctx, record())).not.toThrow();
    await expect(waitOnExecutionContext(ctx)).resolves.toBeUndefined();
    expect(rejecting).toHaveBeenCalledTimes(1);
    expect(throwing).toHaveBeenCalledTimes(1);
  });
});
