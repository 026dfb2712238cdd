// Every path that writes outbox rows relays them at once (no cron needed): the order.cancelled consumer,
// the charge RPC, the Stripe webhook and the cron's reconciliation.
import { createScheduledController, env } from "cloudflare:test";
import type { CommerceEvent } from "@edgeworks/commerce-contracts";
import { describe, expect, it, vi } from "vitest";
import worker from "../src/index";
import { cancelled, chargeInput, deliver, newOrderId, newUser, paymentRow, rpc, stripe, stripeFake, webhooks } from "./helpers";

/** An env whose event queues record what is sent to them (by topic). */
function capturingEnv() {
  const sent: { orders: CommerceEvent[]; notifications: CommerceEvent[] } = { orders: [], notifications: [] };
  const queue = (into: CommerceEvent[]) =>
    ({
      send: vi.fn(async (body: CommerceEvent) => void into.push(body)),
      sendBatch: vi.fn(async (msgs: { body: CommerceEvent }[]) => void into.push(...msgs.map((m) => m.body))),
    }) as unknown as Queue;
  const target: Env = { ...env, ORDERS_EVENTS: queue(sent.orders), NOTIFICATIONS_EVENTS: queue(sent.notifications) };
  return { env: target, sent };
}

/** The outbox rows of an order's events: `type:topic` → sent (sent_at set). */
async function outbox(orderId: string): Promise<Record<string, boolean>> {
  const rows = await env.DB.prepare("SELECT topic, body, sent_at FROM queue_outbox WHERE body LIKE ? ORDER BY id")
    .bind(`%"orderId":"${orderId}"%`)
    .all<{ topic: string; body: string; sent_at: number | null }>();
  return Object.fromEntries(rows.results.map((r) => [`${(JSON.parse(r.body) as CommerceEvent).type}:${r.topic}`, r.sent_at !== null]));
}

const about = (events: CommerceEvent[], orderId: string) =>
  events.filter((e) => (e.payload as { orderId?: string }).orderId === orderId).map((e) => e.type);

describe("outbox relayed right after every state change (no cron)", () => {
  it("order.cancelled for a paid order: payment.refunded reaches orders and notifications, its rows are sent", async () => {
    const user = await newUser();
    const orderId = newOrderId();
    await rpc("charge", chargeInput(orderId, user.id));
    const { env: target, sent } = capturingEnv();
    const result = await deliver([cancelled(orderId, user.id, true)], undefined, target);
    expect(result.retryMessages).toEqual([]);
    expect(await paymentRow(orderId)).toMatchObject({ status: "refunded", amount_refunded: 2500 });
    expect(about(sent.orders, orderId)).toEqual(["payment.refunded"]);
    expect(about(sent.notifications, orderId)).toEqual(["payment.refunded"]);
    expect(await outbox(orderId)).toEqual({
      "payment.succeeded:orders": true,
      "payment.refunded:orders": true,
      "payment.refunded:notifications": true,
    });
  });

  it("order.cancelled while 3-D Secure is pending: the intent is canceled, getPayment says canceled, no event", async () => {
    const user = await newUser();
    const orderId = newOrderId();
    await rpc("charge", chargeInput(orderId, user.id, "pm_card_threeDSecure2Required"));
    const { env: target, sent } = capturingEnv();
    await deliver([cancelled(orderId, user.id, false)], undefined, target);
    expect(about(sent.orders, orderId)).toEqual([]);
    expect(await outbox(orderId)).toEqual({});
    expect(await rpc("getPayment", { orderId, userId: user.id })).toMatchObject({ status: "canceled", amountRefunded: 0 });
  });

  it("charge RPC: payment.succeeded reaches orders before the call's work is over", async () => {
    const user = await newUser();
    const orderId = newOrderId();
    const { env: target, sent } = capturingEnv();
    await rpc("charge", chargeInput(orderId, user.id), undefined, target);
    expect(about(sent.orders, orderId)).toEqual(["payment.succeeded"]);
    expect(await outbox(orderId)).toEqual({ "payment.succeeded:orders": true });
    const declined = newOrderId();
    await rpc("charge", chargeInput(declined, user.id, "pm_card_chargeDeclined"), undefined, target);
    expect(about(sent.orders, declined)).toEqual(["payment.failed"]);
    expect(await outbox(declined)).toEqual({ "payment.failed:orders": true });
  });

  it("webhook: payment_intent.succeeded → payment.succeeded sent; a dashboard refund → payment.refunded sent", async () => {
    const user = await newUser();
    const orderId = newOrderId();
    await rpc("charge", chargeInput(orderId, user.id, "pm_card_threeDSecure2Required"));
    const piId = String((await paymentRow(orderId))?.payment_intent_id);
    await stripeFake.authenticate(piId, "succeed");
    const { responses } = await webhooks(piId);
    expect(responses.map((r) => r.status)).not.toContain(500);
    expect((await paymentRow(orderId))?.status).toBe("succeeded");
    // the relay runs in the request's waitUntil
    await vi.waitFor(async () => expect(await outbox(orderId)).toEqual({ "payment.succeeded:orders": true }));

    await stripe.refunds.create({ payment_intent: piId });
    await webhooks(piId);
    expect((await paymentRow(orderId))?.status).toBe("refunded");
    await vi.waitFor(async () =>
      expect(await outbox(orderId)).toEqual({
        "payment.succeeded:orders": true,
        "payment.refunded:orders": true,
        "payment.refunded:notifications": true,
      }),
    );
  });

  it("cron reconciliation: a lost webhook settled from Stripe, payment.succeeded sent in the same run", async () => {
    const user = await newUser();
    const orderId = newOrderId();
    await rpc("charge", chargeInput(orderId, user.id, "pm_card_threeDSecure2Required"));
    const piId = String((await paymentRow(orderId))?.payment_intent_id);
    await stripeFake.authenticate(piId, "succeed");
    await stripeFake.deliveries({ related: piId }); // the webhook is "lost"
    await env.DB.prepare("UPDATE payments SET updated_at = updated_at - 600000 WHERE order_id = ?").bind(orderId).run();
    const { env: target, sent } = capturingEnv();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "* * * * *" }), target);
    expect((await paymentRow(orderId))?.status).toBe("succeeded");
    expect(about(sent.orders, orderId)).toEqual(["payment.succeeded"]);
    expect(await outbox(orderId)).toEqual({ "payment.succeeded:orders": true });
  });

  it("cron with the event queue down: reconciliation still settles, the run fails visibly, the next run sends", async () => {
    const user = await newUser();
    const orderId = newOrderId();
    await rpc("charge", chargeInput(orderId, user.id, "pm_card_threeDSecure2Required"));
    const piId = String((await paymentRow(orderId))?.payment_intent_id);
    await stripeFake.authenticate(piId, "succeed");
    await stripeFake.deliveries({ related: piId }); // the webhook is "lost"
    await env.DB.prepare("UPDATE payments SET updated_at = updated_at - 600000 WHERE order_id = ?").bind(orderId).run();
    const down = async () => {
      throw new Error("queue unavailable");
    };
    const broken: Env = { ...env, ORDERS_EVENTS: { send: down, sendBatch: down } as unknown as Queue };
    // a charge during the outage: its payment.succeeded is left in the outbox (the relay failed, logged)
    const stranded = newOrderId();
    await rpc("charge", chargeInput(stranded, user.id), undefined, broken);
    expect(await outbox(stranded)).toEqual({ "payment.succeeded:orders": false });
    const controller = () => createScheduledController({ scheduledTime: Date.now(), cron: "* * * * *" });
    await expect(worker.scheduled(controller(), broken)).rejects.toThrow(/queue unavailable/);
    expect((await paymentRow(orderId))?.status).toBe("succeeded");
    expect(await outbox(orderId)).toEqual({ "payment.succeeded:orders": false });
    const { env: target, sent } = capturingEnv();
    await worker.scheduled(controller(), target);
    expect(about(sent.orders, orderId)).toEqual(["payment.succeeded"]);
    expect(about(sent.orders, stranded)).toEqual(["payment.succeeded"]);
    expect(await outbox(orderId)).toEqual({ "payment.succeeded:orders": true });
    expect(await outbox(stranded)).toEqual({ "payment.succeeded:orders": true });
  });
});
