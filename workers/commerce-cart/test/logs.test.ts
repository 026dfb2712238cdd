import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { type LogEntry, logEntry } from "@edgeworks/commerce-contracts";
import { describe, expect, it } from "vitest";
import worker, { CartRpc } from "../src/index";
import { BASE, newUser, seedProduct } from "./helpers";

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
  it("ships each cart change (HTTP with the request id, RPC with the order id) to the LOGS sink", async () => {
    const { id, token } = await newUser();
    const p = await seedProduct();
    const { sent, queue } = capturingQueue();
    const logged = { ...env, LOGS: queue, LOG_LEVEL: "silent" };
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request(`${BASE}/cart/items/${p.id}`, {
        method: "PUT",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", "X-Request-Id": "req-cart-log-1" },
        body: JSON.stringify({ quantity: 2 }),
      }),
      logged,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(200);
    await new CartRpc(createExecutionContext(), logged).clearCart(
      { requestId: "req-orders-1", correlationId: "ord_log" },
      { userId: id, orderId: "ord_log" },
    );
    expect(sent.map((e) => logEntry.parse(e))).toEqual([
      expect.objectContaining({
        service: "cart",
        msg: "cart line set",
        requestId: "req-cart-log-1",
        correlationId: null,
        fields: { userId: id, productId: p.id, quantity: 2, lines: 1 },
      }),
      expect.objectContaining({
        service: "cart",
        msg: "cart cleared for order",
        requestId: "req-orders-1",
        correlationId: "ord_log",
        fields: { userId: id, orderId: "ord_log" },
      }),
    ]);
  });
});
