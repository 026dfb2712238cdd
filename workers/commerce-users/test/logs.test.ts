import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { type LogEntry, logEntry } from "@edgeworks/commerce-contracts";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import { ADDRESS, BASE, newUser } from "./helpers";

/** A LOGS producer that keeps what it is sent. */
function capturingQueue() {
  const sent: LogEntry[] = [];
  const queue = {
    send: async (body: LogEntry) => void sent.push(body),
    sendBatch: async (messages: Iterable<{ body: LogEntry }>) => {
      for (const m of messages) sent.push(m.body);
    },
  };
  return { sent, queue: queue as unknown as Queue };
}

describe("structured logs", () => {
  it("ships every state change to the LOGS sink with the service and the request id", async () => {
    const { id, token } = await newUser();
    const { sent, queue } = capturingQueue();
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request(`${BASE}/me/addresses`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", "X-Request-Id": "req-users-log-1" },
        body: JSON.stringify(ADDRESS),
      }),
      { ...env, LOGS: queue, LOG_LEVEL: "silent" },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(201);
    const { id: addressId } = (await res.json()) as { id: string };
    expect(sent.map((e) => logEntry.parse(e))).toEqual([
      expect.objectContaining({
        service: "users",
        level: "info",
        msg: "address added",
        requestId: "req-users-log-1",
        fields: { userId: id, addressId, isDefault: true },
      }),
    ]);
  });
});
