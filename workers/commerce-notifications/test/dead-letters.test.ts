import { createExecutionContext, env } from "cloudflare:test";
import { opsRpc } from "@edgeworks/commerce-contracts";
import { describe, expect, it, vi } from "vitest";
import { NotificationsRpc } from "../src/index";
import { confirmed, contactOf, DLQ, deliver, envWith, newOrderId, newUser, noticesOf, usersDown, usersWith } from "./helpers";

const rpcOf = (targetEnv: Env = env) => new NotificationsRpc(createExecutionContext(), targetEnv);
const ctx = { requestId: "req_ops", correlationId: null };

describe("dead letters: poison → DLQ → recorded → redrive", () => {
  it("an invalid body is parked on the DLQ at once with the reason, recorded, and listed over RPC", async () => {
    const parked: unknown[] = [];
    const dlq = { send: vi.fn(async (body: unknown) => void parked.push(body)) };
    const poison = { type: "order.confirmed", id: "not-an-event" };
    const first = await deliver([poison], envWith({ EVENTS_QUEUE_DLQ: dlq }));
    expect(first.retryMessages).toEqual([]);
    expect(parked).toEqual([expect.objectContaining({ consumer: "notifications", body: poison, issues: expect.any(Array) })]);

    const recorded = await deliver(parked, env, DLQ);
    expect(recorded.retryMessages).toEqual([]);
    const page = opsRpc.deadLetters.output.parse(await rpcOf().deadLetters(ctx, { limit: 100 }));
    const letter = page.items.find((d) => d.id === recorded.ids[0]);
    expect(page.queue).toBe("edgeworks-commerce-notifications-events");
    expect(letter).toMatchObject({ queue: "edgeworks-commerce-notifications-events", body: poison, attempts: 1, redrivenAt: null });
    expect(letter?.reason).toMatch(/^invalid: /);
  });

  it("an event that failed every retry (users down) is recorded, and redriven once users is back it is handled", async () => {
    const { id: userId } = await newUser();
    const orderId = newOrderId();
    const event = confirmed(orderId, userId);
    const down = await deliver([event], envWith({ USERS: usersDown }), undefined, 6);
    expect(down.retryMessages).toHaveLength(1);
    // after max_retries the Queue moves the body, as it was, to the DLQ
    const recorded = await deliver([event], env, DLQ, 6);
    const id = recorded.ids[0] as string;
    const before = opsRpc.deadLetters.output.parse(await rpcOf().deadLetters(ctx, {}));
    expect(before.items.find((d) => d.id === id)).toMatchObject({ body: event, reason: null, attempts: 6, redrivenAt: null });

    const sent: unknown[] = [];
    const queue = { sendBatch: vi.fn(async (batch: { body: unknown }[]) => void sent.push(...batch.map((m) => m.body))) };
    const result = opsRpc.redrive.output.parse(await rpcOf(envWith({ EVENTS_QUEUE: queue })).redrive(ctx, { ids: [id] }));
    expect(result).toEqual({ queue: "edgeworks-commerce-notifications-events", redriven: 1, ids: [id] });
    expect(sent).toEqual([event]);
    // a second redrive sends nothing: each dead letter goes back once
    expect(await rpcOf(envWith({ EVENTS_QUEUE: queue })).redrive(ctx, { ids: [id] })).toMatchObject({ redriven: 0, ids: [] });
    expect((await rpcOf().deadLetters(ctx, {})).items.map((d) => d.id)).not.toContain(id);

    const handled = await deliver(sent, envWith({ USERS: usersWith({ [userId]: contactOf(userId) }) }));
    expect(handled.retryMessages).toEqual([]);
    expect((await noticesOf(orderId)).map((n) => [n.channel, n.status])).toEqual([
      ["email", "sent"],
      ["sms", "sent"],
    ]);
  });

  it("the RPC refuses a bad context or input", async () => {
    await expect(rpcOf().deadLetters({ requestId: "" }, {})).rejects.toThrow("invalid RPC context");
    await expect(rpcOf().deadLetters(ctx, { limit: 0 })).rejects.toThrow("invalid RPC input");
    await expect(rpcOf().redrive(ctx, { ids: "all" as unknown as string[] })).rejects.toThrow("invalid RPC input");
  });

  it("NotificationsRpc.fetch serves the same app (health, the guarded routes)", async () => {
    const health = await rpcOf().fetch(new Request("http://commerce-notifications.internal/commerce/health"));
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    const guarded = await rpcOf().fetch(new Request("http://commerce-notifications.internal/commerce/v1/notifications"));
    expect(guarded.status).toBe(401);
  });
});
