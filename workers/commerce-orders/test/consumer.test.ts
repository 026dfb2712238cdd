import {
  createExecutionContext,
  createMessageBatch,
  env,
  getQueueResult,
  runDurableObjectAlarm,
  waitOnExecutionContext,
} from "cloudflare:test";
import { type CommerceEvent, commerceEvent, deadLetterView } from "@edgeworks/commerce-contracts";
import { describe, expect, it } from "vitest";
import worker, { OrdersRpc } from "../src/index";
import { charges, event, fakeQueue, newUser, type Order, orderOne, outboxOf, stored, testEnv } from "./helpers";

const QUEUE = "edgeworks-commerce-orders-events";
let seq = 0;

/** Delivers bodies as one batch to the Worker's queue handler; what was acked and what retried. */
async function deliver(bodies: unknown[], options: { env?: Env; queue?: string; attempts?: number } = {}) {
  const ids = bodies.map(() => `m${++seq}`);
  const batch = createMessageBatch(
    options.queue ?? QUEUE,
    bodies.map((body, i) => ({ id: ids[i] ?? "", timestamp: new Date(), attempts: options.attempts ?? 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, options.env ?? testEnv, ctx);
  await waitOnExecutionContext(ctx);
  const result = await getQueueResult(batch, ctx);
  const index = (id: string) => ids.indexOf(id);
  return {
    acked: result.explicitAcks.map(index).sort(),
    retried: result.retryMessages.map((m: { msgId: string }) => index(m.msgId)).sort(),
    ackedAll: result.ackAll,
  };
}

const reserved = (o: Order) =>
  event("inventory.reserved", { orderId: o.id, lines: o.lines.map((l) => ({ productId: l.productId, quantity: l.quantity })) });
const succeeded = (o: Order) =>
  event("payment.succeeded", {
    orderId: o.id,
    paymentId: `pay_${o.id.slice(4)}`,
    paymentIntentId: `pi_${o.id.slice(4)}`,
    amount: o.amount,
    currency: o.currency,
  });
const chargesOf = (o: Order) => charges.filter((c) => c.orderId === o.id).length;

describe("the saga consumer", () => {
  it("inventory.reserved → awaiting_payment and one charge; the same event twice (in one batch, then again) → one effect", async () => {
    const user = await newUser();
    const { order } = await orderOne(user.token, 2);
    const e = reserved(order);
    expect(await deliver([e, e])).toMatchObject({ acked: [0, 1], retried: [] });
    expect(await stored(order.id)).toEqual({ status: "awaiting_payment", paymentStatus: "processing", cancelReason: null, version: 2 });
    expect(charges.filter((c) => c.orderId === order.id)).toEqual([
      { orderId: order.id, userId: user.id, amount: 2000, currency: "usd", paymentMethod: "pm_card_visa" },
    ]);
    expect(await deliver([e], { attempts: 2 })).toMatchObject({ acked: [0], retried: [] });
    expect(chargesOf(order)).toBe(1);
    expect((await stored(order.id))?.version).toBe(2);
    const log = await env.DB.prepare("SELECT kind, type FROM order_events WHERE order_id = ? ORDER BY rowid").bind(order.id).all();
    expect(log.results).toEqual([
      { kind: "event_out", type: "order.created" },
      { kind: "event_in", type: "inventory.reserved" },
      { kind: "step", type: "payment.requested" },
    ]);
  });

  it("out of order: payment.succeeded before inventory.reserved is retried, then applied once (order.confirmed once)", async () => {
    const user = await newUser();
    const { order } = await orderOne(user.token);
    const paid = succeeded(order);
    expect(await deliver([paid])).toMatchObject({ acked: [], retried: [0] });
    expect(await stored(order.id)).toMatchObject({ status: "pending", version: 1 });
    expect(await deliver([reserved(order)])).toMatchObject({ acked: [0] });
    // the retry, twice over (a redelivery after a lost ack)
    expect(await deliver([paid, paid], { attempts: 2 })).toMatchObject({ acked: [0, 1], retried: [] });
    expect(await stored(order.id)).toEqual({ status: "confirmed", paymentStatus: "succeeded", cancelReason: null, version: 3 });
    const confirmed = await outboxOf(order.id, "order.confirmed");
    expect(confirmed.map((r) => r.topic).sort()).toEqual(["catalog", "notifications"]);
    const body = commerceEvent.parse(confirmed[0]?.body);
    expect(body).toMatchObject({
      causationId: paid.id,
      correlationId: order.id,
      payload: { userId: user.id, amount: 1000, lines: [{ quantity: 1 }] },
    });
    // a late timeout is a no-op
    await runDurableObjectAlarm(env.ORDER_SAGA.get(env.ORDER_SAGA.idFromName(order.id)));
    expect(await stored(order.id)).toMatchObject({ status: "confirmed", version: 3 });
  });

  it("the timeline is oldest first by `at` (ties in recorded order) when events arrive out of the order they occurred in", async () => {
    const user = await newUser();
    const { order, productId } = await orderOne(user.token);
    const t0 = Date.parse(order.createdAt);
    const at = (ms: number) => new Date(t0 + ms).toISOString();
    await deliver([
      { ...event("inventory.rejected", { orderId: order.id, reason: "out_of_stock", productIds: [productId] }), occurredAt: at(1_000) },
    ]);
    // notification.sent occurred before inventory.released, but arrives after it
    const released = {
      ...event("inventory.released", { orderId: order.id, lines: [{ productId, quantity: 1 }], reason: "out_of_stock" }),
      occurredAt: at(3_000),
    };
    const sent = {
      ...event("notification.sent", {
        orderId: order.id,
        userId: user.id,
        notificationId: "ntf_t1",
        channel: "email",
        template: "cancellation",
      }),
      occurredAt: at(2_000),
    };
    expect(await deliver([released])).toMatchObject({ acked: [0] });
    expect(await deliver([sent])).toMatchObject({ acked: [0] });
    const res = await worker.fetch(
      new Request(`http://commerce-orders.test/commerce/v1/orders/${order.id}/timeline`, {
        headers: { Authorization: `Bearer ${user.token}` },
      }),
      testEnv,
      createExecutionContext(),
    );
    expect(res.status).toBe(200);
    const { steps } = (await res.json()) as { steps: { at: string; type: string }[] };
    const types = steps.map((s) => s.type);
    expect(types.indexOf("notification.sent")).toBeLessThan(types.indexOf("inventory.released"));
    const times = steps.map((s) => Date.parse(s.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(steps.find((s) => s.type === "notification.sent")?.at).toBe(at(2_000));
  });

  it("declined card: payment.failed → cancelled(payment_failed) with order.cancelled (no refund); a late payment.succeeded is stale", async () => {
    const user = await newUser();
    const { order } = await orderOne(user.token);
    await deliver([reserved(order)]);
    const failed = event("payment.failed", {
      orderId: order.id,
      paymentId: "pay_x",
      paymentIntentId: "pi_x",
      code: "card_declined",
      message: "Your card was declined.",
    });
    await deliver([failed]);
    expect(await stored(order.id)).toEqual({ status: "cancelled", paymentStatus: "failed", cancelReason: "payment_failed", version: 3 });
    const [cancelled] = await outboxOf(order.id, "order.cancelled");
    expect(cancelled?.body.payload).toMatchObject({ reason: "payment_failed", refund: false });
    expect(await deliver([succeeded(order)])).toMatchObject({ acked: [0], retried: [] });
    expect(await stored(order.id)).toMatchObject({ status: "cancelled", version: 3 });
    const late = await env.DB.prepare("SELECT outcome FROM order_events WHERE order_id = ? AND type = 'payment.succeeded'")
      .bind(order.id)
      .first();
    expect(late).toEqual({ outcome: "stale: order is cancelled" });
  });

  it("out of stock: inventory.rejected → cancelled, order.cancelled without refund, never a charge", async () => {
    const user = await newUser();
    const { order, productId } = await orderOne(user.token);
    await deliver([event("inventory.rejected", { orderId: order.id, reason: "out_of_stock", productIds: [productId] })]);
    expect(await stored(order.id)).toEqual({ status: "cancelled", paymentStatus: "none", cancelReason: "out_of_stock", version: 2 });
    expect(chargesOf(order)).toBe(0);
    expect((await outboxOf(order.id, "order.cancelled")).map((r) => r.body.payload)).toContainEqual(
      expect.objectContaining({ refund: false, reason: "out_of_stock" }),
    );
  });

  it("payment timeout: the OrderSaga alarm cancels an awaiting order (payment_timeout) and publishes order.cancelled", async () => {
    const user = await newUser();
    const { order } = await orderOne(user.token);
    await deliver([reserved(order)]);
    const stub = env.ORDER_SAGA.get(env.ORDER_SAGA.idFromName(order.id));
    expect(await stub.scheduledAt()).toBeGreaterThan(Date.parse(order.createdAt));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await stored(order.id)).toEqual({
      status: "cancelled",
      paymentStatus: "none",
      cancelReason: "payment_timeout",
      version: 3,
    });
    const rows = await outboxOf(order.id, "order.cancelled");
    expect(rows.map((r) => r.topic).sort()).toEqual(["catalog", "notifications", "payments"]);
    expect(rows[0]?.body.payload).toMatchObject({ reason: "payment_timeout", refund: false });
    // payments' refund after a cancel after payment is recorded as refunded
    await deliver([event("payment.refunded", { orderId: order.id, paymentId: "pay_y", refundId: "re_y", amount: 1000, currency: "usd" })]);
    expect(await stored(order.id)).toMatchObject({ status: "cancelled", paymentStatus: "refunded", version: 4 });
  });

  it("a handler throwing mid-batch: only that message is retried, nothing lost or doubled", async () => {
    const user = await newUser();
    const orders = [(await orderOne(user.token)).order, (await orderOne(user.token)).order, (await orderOne(user.token)).order];
    const events = orders.map(reserved);
    // D1 fails every batch that touches the second order (as if its write hit an outage)
    const poisoned = orders[1]?.id ?? "";
    let failing = true;
    const bound = new WeakMap<object, unknown[]>();
    const db = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === "prepare")
          return (query: string) => {
            const stmt = target.prepare(query);
            return new Proxy(stmt, {
              get(s, p) {
                if (p === "bind")
                  return (...args: unknown[]) => {
                    const b = s.bind(...args);
                    bound.set(b, args);
                    return b;
                  };
                const v = Reflect.get(s, p, s);
                return typeof v === "function" ? v.bind(s) : v;
              },
            });
          };
        if (prop === "batch")
          return async (statements: D1PreparedStatement[]) => {
            if (failing && statements.some((s) => bound.get(s)?.includes(poisoned))) throw new Error("D1_ERROR: simulated outage");
            return target.batch(statements);
          };
        const v = Reflect.get(target, prop, target);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    const flaky = { ...testEnv, DB: db } as Env;
    expect(await deliver(events, { env: flaky })).toMatchObject({ acked: [0, 2], retried: [1] });
    expect((await Promise.all(orders.map((o) => stored(o.id)))).map((r) => r?.status)).toEqual([
      "awaiting_payment",
      "pending",
      "awaiting_payment",
    ]);
    failing = false;
    // the retry, and a redelivery of the whole batch
    expect(await deliver([events[1]], { attempts: 2 })).toMatchObject({ acked: [0], retried: [] });
    expect(await deliver(events, { attempts: 2 })).toMatchObject({ acked: [0, 1, 2], retried: [] });
    for (const o of orders) {
      expect(await stored(o.id)).toMatchObject({ status: "awaiting_payment", version: 2 });
      expect(chargesOf(o)).toBe(1);
    }
  });

  it("a poison message goes to the DLQ, is recorded in dead_letters and listed; a stuck event is redriven once fixed", async () => {
    const dlq = fakeQueue();
    const withDlq = { ...testEnv, EVENTS_QUEUE_DLQ: dlq } as unknown as Env;
    expect(await deliver([{ type: "payment.succeeded", payload: "garbage" }], { env: withDlq })).toMatchObject({ acked: [0], retried: [] });
    expect(dlq.sent).toHaveLength(1);
    // an event that kept arriving early (its order was never reserved) failed every retry: the Queue parks it as sent
    const user = await newUser();
    const { order } = await orderOne(user.token);
    const stuck = succeeded(order);
    expect(await deliver([stuck], { attempts: 5 })).toMatchObject({ retried: [0] });
    expect(await deliver([dlq.sent[0], stuck], { queue: `${QUEUE}-dlq` })).toMatchObject({ ackedAll: true });

    const redriveQueue = fakeQueue();
    const rpc = new OrdersRpc(createExecutionContext(), { ...testEnv, EVENTS_QUEUE: redriveQueue } as unknown as Env);
    const ctx = { requestId: "req-dlq" };
    const listed = await rpc.deadLetters(ctx, {});
    const mine = listed.items.filter((d) => JSON.stringify(d.body).includes("garbage") || (d.body as CommerceEvent).id === stuck.id);
    expect(mine).toHaveLength(2);
    for (const d of mine) expect(deadLetterView.parse(d)).toEqual(d);
    const poison = mine.find((d) => d.reason !== null);
    expect(poison?.reason).toMatch(/^invalid: /);
    const parked = mine.find((d) => d.reason === null);
    expect(parked).toMatchObject({ queue: QUEUE, body: stuck, redrivenAt: null });

    // fixed: the reservation arrives; then the parked event is redriven and applied once
    await deliver([reserved(order)]);
    const redriven = await rpc.redrive(ctx, { ids: [parked?.id ?? ""] });
    expect(redriven).toEqual({ queue: QUEUE, redriven: 1, ids: [parked?.id] });
    expect(redriveQueue.sent).toEqual([stuck]);
    expect(await rpc.redrive(ctx, { ids: [parked?.id ?? ""] })).toMatchObject({ redriven: 0 });
    await deliver(redriveQueue.sent);
    expect(await stored(order.id)).toMatchObject({ status: "confirmed", version: 3 });
    expect((await rpc.deadLetters(ctx, {})).items.map((d) => d.id)).not.toContain(parked?.id);
    await expect(rpc.deadLetters(ctx, { limit: 0 })).rejects.toThrow(/invalid RPC input/);
  });

  it("an event for an order orders never had is dropped (acked), and the contract's answers parse", async () => {
    expect(
      await deliver([event("inventory.reserved", { orderId: "ord_unknown", lines: [{ productId: "prd_x", quantity: 1 }] })]),
    ).toMatchObject({
      acked: [0],
      retried: [],
    });
    const user = await newUser();
    const { order } = await orderOne(user.token);
    const rpc = new OrdersRpc(createExecutionContext(), testEnv);
    const ctx = { requestId: "req-rpc", correlationId: order.id };
    expect(await rpc.getOrder(ctx, { orderId: order.id, userId: user.id })).toEqual(order);
    expect(await rpc.getOrder(ctx, { orderId: order.id, userId: null })).toEqual(order);
    expect(await rpc.getOrder(ctx, { orderId: order.id, userId: "someone_else" })).toBeNull();
    const ledger = await rpc.ledger(ctx, { limit: 1000 });
    expect(ledger.entries).toContainEqual({ orderId: order.id, status: "pending", amount: 1000, currency: "usd" });
    const first = await rpc.ledger(ctx, { limit: 1 });
    expect(first.nextCursor).toEqual(expect.any(String));
    expect((await rpc.ledger(ctx, { limit: 1, cursor: first.nextCursor })).entries[0]?.orderId).not.toBe(first.entries[0]?.orderId);
    await expect(rpc.getOrder({}, { orderId: order.id, userId: null })).rejects.toThrow(/invalid RPC context/);
  });
});
