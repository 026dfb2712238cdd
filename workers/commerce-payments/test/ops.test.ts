import { createScheduledController, env } from "cloudflare:test";
import { opsRpc, paymentsRpc } from "@edgeworks/commerce-contracts";
import { describe, expect, it, vi } from "vitest";
import worker from "../src/index";
import {
  cancelled,
  chargeInput,
  deliver,
  intentsCreated,
  newOrderId,
  newUser,
  paymentRow,
  rpc,
  stripe,
  stripeFake,
  typesOf,
} from "./helpers";

/** Every ledger entry, paging with a small limit (each page parsed with the contract). */
async function fullLedger() {
  const entries: { orderId: string; net: number; status: string }[] = [];
  let cursor: string | null = null;
  do {
    const page = paymentsRpc.ledger.output.parse(await rpc("ledger", { cursor, limit: 3 }));
    entries.push(...page.entries);
    cursor = page.nextCursor;
  } while (cursor);
  return entries;
}

describe("RPC contract answers", () => {
  it("getPayment: the view, null for an unknown order and for another user's", async () => {
    const user = await newUser();
    const orderId = newOrderId();
    await rpc("charge", chargeInput(orderId, user.id));
    const view = paymentsRpc.getPayment.output.parse(await rpc("getPayment", { orderId, userId: user.id }));
    expect(view).toMatchObject({ orderId, userId: user.id, status: "succeeded", amount: 2500, amountRefunded: 0, currency: "usd" });
    expect(await rpc("getPayment", { orderId, userId: "someone_else" })).toBeNull();
    expect(await rpc("getPayment", { orderId: newOrderId(), userId: null })).toBeNull();
    await expect(rpc("getPayment", { orderId: "x/y", userId: null })).rejects.toThrow(/invalid RPC input/);
  });

  it("ledger: oldest first, every payment once, net = captured − refunded (succeeded 2500, refunded/failed/canceled 0)", async () => {
    const user = await newUser();
    const [paid, refunded, failed, canceledFirst] = [newOrderId(), newOrderId(), newOrderId(), newOrderId()];
    await rpc("charge", chargeInput(paid, user.id));
    await rpc("charge", chargeInput(refunded, user.id));
    await deliver([cancelled(refunded, user.id, true)]);
    await rpc("charge", chargeInput(failed, user.id, "pm_card_chargeDeclined"));
    await deliver([cancelled(canceledFirst, user.id, false)]);
    await rpc("charge", chargeInput(canceledFirst, user.id));
    const entries = await fullLedger();
    expect(new Set(entries.map((e) => e.orderId)).size).toBe(entries.length);
    const mine = Object.fromEntries(
      entries.filter((e) => [paid, refunded, failed, canceledFirst].includes(e.orderId)).map((e) => [e.orderId, [e.status, e.net]]),
    );
    expect(mine).toEqual({
      [paid]: ["succeeded", 2500],
      [refunded]: ["refunded", 0],
      [failed]: ["failed", 0],
      [canceledFirst]: ["canceled", 0],
    });
    await expect(rpc("ledger", { cursor: "forged" })).rejects.toThrow();
  });
});

describe("dead letters", () => {
  it("an invalid body is parked on the DLQ, recorded from it once, listed, and redriven once", async () => {
    const parked: unknown[] = [];
    const dlq = { send: vi.fn(async (body: unknown) => void parked.push(body)) };
    const result = await deliver([{ type: "order.cancelled", nonsense: true }], undefined, {
      ...env,
      EVENTS_QUEUE_DLQ: dlq as unknown as Queue,
    });
    expect(result.retryMessages).toEqual([]);
    expect(parked).toHaveLength(1);

    // the DLQ's own consumer records it (twice delivered → one row), plus a message that failed every retry
    const failedEvent = cancelled(newOrderId(), "user_dlq", false);
    const dlqBatch = await deliver([parked[0], failedEvent], "edgeworks-commerce-payments-events-dlq");
    expect(dlqBatch.ackAll).toBe(true);
    const page = opsRpc.deadLetters.output.parse(await rpc("deadLetters", { limit: 100 }));
    expect(page.queue).toBe("edgeworks-commerce-payments-events");
    const invalid = page.items.find((d) => JSON.stringify(d.body).includes("nonsense"));
    const failed = page.items.find((d) => JSON.stringify(d.body).includes(failedEvent.id));
    expect(invalid).toMatchObject({ reason: expect.stringMatching(/^invalid: /), redrivenAt: null });
    expect(failed).toMatchObject({ reason: null, body: failedEvent, attempts: 1 });

    const sent: unknown[] = [];
    const queue = { sendBatch: vi.fn(async (msgs: { body: unknown }[]) => void sent.push(...msgs.map((m) => m.body))) };
    const redriveEnv = { ...env, EVENTS_QUEUE: queue as unknown as Queue };
    const redriven = opsRpc.redrive.output.parse(await rpc("redrive", { ids: [String(failed?.id)] }, undefined, redriveEnv));
    expect(redriven).toEqual({ queue: "edgeworks-commerce-payments-events", redriven: 1, ids: [failed?.id] });
    expect(sent).toEqual([failedEvent]);
    expect(await rpc("redrive", { ids: [String(failed?.id)] }, undefined, redriveEnv)).toMatchObject({ redriven: 0 });
    // the redriven event is consumed as any other: the cancellation is recorded
    await deliver(sent);
    expect(await paymentRow(failedEvent.payload.orderId)).toMatchObject({ status: "canceled", order_cancelled: 1 });
    await expect(rpc("redrive", { ids: ["x".repeat(201)] })).rejects.toThrow(/invalid RPC input/);
  });
});

describe("cron: relay and reconciliation", () => {
  const run = () => worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "* * * * *" }), env);
  const age = (orderId: string) =>
    env.DB.prepare("UPDATE payments SET updated_at = updated_at - 600000 WHERE order_id = ?").bind(orderId).run();

  it("a processing payment whose webhook was lost is settled from Stripe: succeeded, one event", async () => {
    const user = await newUser();
    const orderId = newOrderId();
    await rpc("charge", chargeInput(orderId, user.id, "pm_card_threeDSecure2Required"));
    const piId = String((await paymentRow(orderId))?.payment_intent_id);
    await stripeFake.authenticate(piId, "succeed");
    await stripeFake.deliveries({ related: piId }); // taken: the webhook is "lost"
    await run(); // not old enough yet
    expect((await paymentRow(orderId))?.status).toBe("processing");
    await age(orderId);
    await run();
    await run();
    expect((await paymentRow(orderId))?.status).toBe("succeeded");
    expect(await typesOf(orderId)).toEqual(["payment.succeeded"]);
    const sent = await env.DB.prepare("SELECT COUNT(*) AS n FROM queue_outbox WHERE body LIKE ? AND sent_at IS NULL")
      .bind(`%${orderId}%`)
      .first("n");
    expect(sent).toBe(0);
  });

  it("a charge whose caller died before Stripe answered is finished with the same idempotency key (one PaymentIntent)", async () => {
    const user = await newUser();
    const orderId = newOrderId();
    const t = Date.now() - 600_000;
    await env.DB.prepare(
      `INSERT INTO payments (id, order_id, user_id, status, amount, amount_refunded, currency, payment_method, order_cancelled, created_at, updated_at)
       VALUES (?, ?, ?, 'processing', 1800, 0, 'usd', 'pm_card_visa', 0, ?, ?)`,
    )
      .bind(`pay_${orderId.slice(4)}`, orderId, user.id, t, t)
      .run();
    await run();
    expect(await paymentRow(orderId)).toMatchObject({ status: "succeeded", amount: 1800 });
    const piId = String((await paymentRow(orderId))?.payment_intent_id);
    expect((await stripe.paymentIntents.retrieve(piId)).metadata).toMatchObject({ orderId });
    expect(await typesOf(orderId)).toEqual(["payment.succeeded"]);
  });

  it("a processing payment of a cancelled order with no PaymentIntent is closed as canceled, nothing charged", async () => {
    const user = await newUser();
    const orderId = newOrderId();
    const t = Date.now() - 600_000;
    await env.DB.prepare(
      `INSERT INTO payments (id, order_id, user_id, status, amount, amount_refunded, currency, payment_method, order_cancelled, created_at, updated_at)
       VALUES (?, ?, ?, 'processing', 1800, 0, 'usd', 'pm_card_visa', 1, ?, ?)`,
    )
      .bind(`pay_${orderId.slice(4)}`, orderId, user.id, t, t)
      .run();
    await run();
    const row = await paymentRow(orderId);
    expect(row).toMatchObject({ status: "canceled", payment_intent_id: expect.stringMatching(/^pi_/) });
    // Stripe was asked (with the charge's key): the only intent for the order is unconfirmed and canceled
    const pi = await stripe.paymentIntents.retrieve(String(row?.payment_intent_id));
    expect(pi).toMatchObject({ status: "canceled", amount_received: 0 });
    expect(await intentsCreated(orderId)).toBe(1);
    expect(await typesOf(orderId)).toEqual([]);
  });

  it("a charge that reached Stripe (succeeded) but whose caller died, for an order cancelled meanwhile, is refunded by the cron", async () => {
    const user = await newUser();
    const orderId = newOrderId();
    const paymentId = `pay_${orderId.slice(4)}`;
    const t = Date.now() - 600_000;
    await env.DB.prepare(
      `INSERT INTO payments (id, order_id, user_id, status, amount, amount_refunded, currency, payment_method, order_cancelled, created_at, updated_at)
       VALUES (?, ?, ?, 'processing', 1800, 0, 'usd', 'pm_card_visa', 1, ?, ?)`,
    )
      .bind(paymentId, orderId, user.id, t, t)
      .run();
    // what the dead charge sent to Stripe (same params, same idempotency key)
    const pi = await stripe.paymentIntents.create(
      {
        amount: 1800,
        currency: "usd",
        payment_method: "pm_card_visa",
        confirm: true,
        automatic_payment_methods: { enabled: true, allow_redirects: "never" },
        description: `Order ${orderId}`,
        metadata: { orderId, paymentId },
      },
      { idempotencyKey: `commerce-charge:${orderId}` },
    );
    expect(pi.status).toBe("succeeded");
    await run();
    expect(await paymentRow(orderId)).toMatchObject({ status: "refunded", amount_refunded: 1800, payment_intent_id: pi.id });
    expect((await stripe.refunds.list({ payment_intent: pi.id })).data.map((r) => r.amount)).toEqual([1800]);
    expect(await typesOf(orderId)).toEqual(["payment.refunded"]);
  });
});
