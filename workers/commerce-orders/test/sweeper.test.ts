import { createExecutionContext, createMessageBatch, env } from "cloudflare:test";
import { newEvent } from "@edgeworks/commerce-contracts";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import { sweep } from "../src/saga/timeout";
import { charges, newUser, orderOne, outboxOf, stored, testEnv } from "./helpers";

describe("the cron sweeper", () => {
  it("retries a charge whose RPC failed, then times out orders whose alarm was lost", async () => {
    const user = await newUser();
    const { order } = await orderOne(user.token);
    // payments is down when the reservation arrives: the transition commits, the charge is left to the cron
    const down = { ...testEnv, PAYMENTS: { charge: async () => Promise.reject(new Error("payments down")) } } as unknown as Env;
    const reserved = newEvent("inventory.reserved", {
      orderId: order.id,
      lines: [{ productId: order.lines[0]?.productId ?? "", quantity: 1 }],
    });
    const batch = createMessageBatch("edgeworks-commerce-orders-events", [
      { id: "s1", timestamp: new Date(), attempts: 1, body: reserved },
    ]);
    await worker.queue(batch, down, createExecutionContext());
    expect(await stored(order.id)).toMatchObject({ status: "awaiting_payment", version: 2 });
    const uncharged = await env.DB.prepare("SELECT charged_at FROM orders WHERE id = ?").bind(order.id).first();
    expect(uncharged).toEqual({ charged_at: null });
    expect(charges.filter((c) => c.orderId === order.id)).toHaveLength(0);

    const later = () => Date.now() + 60_000;
    expect(await sweep(testEnv, 3_600_000, later)).toMatchObject({ timedOut: 0, charged: 1 });
    expect(charges.filter((c) => c.orderId === order.id)).toHaveLength(1);
    expect(await sweep(testEnv, 3_600_000, later)).toMatchObject({ charged: 0 });

    // the alarm was lost: past the timeout, the sweeper cancels the order (payment_timeout) once
    expect((await sweep(testEnv, 30_000, later)).timedOut).toBeGreaterThanOrEqual(1);
    expect(await stored(order.id)).toMatchObject({ status: "cancelled", cancelReason: "payment_timeout", version: 3 });
    expect(await outboxOf(order.id, "order.cancelled")).toHaveLength(3);
    expect((await sweep(testEnv, 30_000, later)).timedOut).toBe(0);
  });
});
