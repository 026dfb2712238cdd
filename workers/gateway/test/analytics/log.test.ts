import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { logRequest } from "../../src/analytics/log";
import { record } from "./records";

// logRequest is on the proxy's path: it hands the record to the queue in waitUntil and never throws.
const envWith = (queue: unknown) => ({ ...env, LOG_LEVEL: "silent", LOGS_QUEUE: queue }) as unknown as Env;

describe("logRequest", () => {
  it("sends the record to LOGS_QUEUE inside waitUntil", async () => {
    const send = vi.fn(async (_body: unknown) => {});
    const ctx = createExecutionContext();
    const r = record();
    expect(logRequest(envWith({ send }), ctx, r)).toBeUndefined();
    await waitOnExecutionContext(ctx);
    expect(send.mock.calls).toEqual([[r]]);
  });

  it("a rejected send and a throwing binding are swallowed (the request never sees them)", async () => {
    const ctx = createExecutionContext();
    const rejecting = vi.fn(() => Promise.reject(new Error("queue down")));
    expect(() => logRequest(envWith({ send: rejecting }), ctx, record())).not.toThrow();
    const throwing = vi.fn(() => {
      throw new Error("no binding");
    });
    expect(() => logRequest(envWith({ send: throwing }), ctx, record())).not.toThrow();
    await expect(waitOnExecutionContext(ctx)).resolves.toBeUndefined();
    expect(rejecting).toHaveBeenCalledTimes(1);
    expect(throwing).toHaveBeenCalledTimes(1);
  });
});
