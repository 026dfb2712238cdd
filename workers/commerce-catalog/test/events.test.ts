import { env } from "cloudflare:test";
import { commerceEvent, EVENT_PAYLOADS } from "@edgeworks/commerce-contracts";
import { describe, expect, it, vi } from "vitest";
import {
  createProduct,
  deliver,
  lineOf,
  newOrderId,
  orderCancelled,
  orderConfirmed,
  orderCreated,
  orderRow,
  type Product,
  publishedFor,
  stockOf,
} from "./helpers";

/** Two products sorted by id (catalog reserves in that order), with the stock given. */
async function twoProducts(first: number, second: number): Promise<[Product, Product]> {
  const [a, b] = await Promise.all([createProduct({ stock: 0 }), createProduct({ stock: 0 })]);
  const [x, y] = [a, b].sort((p, q) => (p.id < q.id ? -1 : 1)) as [Product, Product];
  await env.INVENTORY.get(env.INVENTORY.idFromName(x.id)).setOnHand(first);
  await env.INVENTORY.get(env.INVENTORY.idFromName(y.id)).setOnHand(second);
  return [x, y];
}

const readModel = (id: string) =>
  env.DB.prepare("SELECT on_hand, reserved FROM products WHERE id = ?").bind(id).first<{ on_hand: number; reserved: number }>();
const reservations = async (orderId: string) =>
  (
    await env.DB.prepare("SELECT product_id, quantity, status FROM order_reservations WHERE order_id = ? ORDER BY product_id")
      .bind(orderId)
      .all()
  ).results;

describe("order.created → inventory.reserved | inventory.rejected", () => {
  it("reserves every line and publishes inventory.reserved (parsed with the contract, caused by order.created)", async () => {
    const [a, b] = await twoProducts(5, 5);
    const orderId = newOrderId();
    const created = orderCreated(orderId, [lineOf(b, 2), lineOf(a, 1), lineOf(b, 1)]);
    const result = await deliver([created]);
    expect(result.retryMessages).toEqual([]);
    const events = await publishedFor(orderId);
    expect(events).toHaveLength(1);
    expect(events[0]).toEqual({
      id: expect.stringMatching(/^evt_/),
      version: 1,
      occurredAt: expect.any(String),
      correlationId: orderId,
      causationId: created.id,
      requestId: created.requestId,
      producer: "catalog",
      type: "inventory.reserved",
      payload: {
        orderId,
        lines: [
          { productId: a.id, quantity: 1 },
          { productId: b.id, quantity: 3 },
        ],
      },
    });
    expect(await stockOf(a.id)).toMatchObject({ onHand: 5, reserved: 1 });
    expect(await stockOf(b.id)).toMatchObject({ onHand: 5, reserved: 3 });
    expect(await readModel(b.id)).toEqual({ on_hand: 5, reserved: 3 });
    expect(await orderRow(orderId)).toEqual({ status: "reserved", reason: null });
    expect(await reservations(orderId)).toEqual([
      { product_id: a.id, quantity: 1, status: "reserved" },
      { product_id: b.id, quantity: 3, status: "reserved" },
    ]);
  });

  it("is all or nothing: a short second line releases the first, publishes inventory.rejected, stock unchanged", async () => {
    const [a, b] = await twoProducts(5, 1);
    const orderId = newOrderId();
    await deliver([orderCreated(orderId, [lineOf(a, 2), lineOf(b, 2)])]);
    const [event, ...more] = await publishedFor(orderId);
    expect(more).toEqual([]);
    expect(event).toMatchObject({ type: "inventory.rejected", payload: { orderId, reason: "out_of_stock", productIds: [b.id] } });
    expect(await stockOf(a.id)).toEqual({ productId: a.id, onHand: 5, reserved: 0, available: 5 });
    expect(await stockOf(b.id)).toEqual({ productId: b.id, onHand: 1, reserved: 0, available: 1 });
    expect(await readModel(a.id)).toEqual({ on_hand: 5, reserved: 0 });
    expect(await orderRow(orderId)).toEqual({ status: "rejected", reason: "out_of_stock" });
    expect((await reservations(orderId)).map((r) => r.status)).toEqual(["rejected", "rejected"]);
    const hold = await env.INVENTORY.get(env.INVENTORY.idFromName(a.id)).hold(orderId);
    expect(hold).toEqual({ ok: true, value: { status: "released", quantity: 2 } });
  });

  it("rejects an unknown, deleted or inactive product as unknown_product, holding nothing", async () => {
    const [a] = await twoProducts(5, 5);
    const inactive = await createProduct({ stock: 5, active: false });
    const orderId = newOrderId();
    const ghost = { productId: "prd_missing", sku: "GHOST", name: "Ghost", quantity: 1, unitAmount: 100 };
    await deliver([orderCreated(orderId, [lineOf(a, 1), lineOf(inactive, 1), ghost])]);
    const [event] = await publishedFor(orderId);
    expect(event?.type).toBe("inventory.rejected");
    expect(event?.payload).toEqual({ orderId, reason: "unknown_product", productIds: [inactive.id, "prd_missing"].sort() });
    expect(await stockOf(a.id)).toMatchObject({ onHand: 5, reserved: 0 });
    const hold = await env.INVENTORY.get(env.INVENTORY.idFromName(a.id)).hold(orderId);
    expect(hold).toEqual({ ok: true, value: { status: "none", quantity: 0 } });
  });

  it("the same order.created delivered twice (two batches, and twice in one batch) → one reservation, one event", async () => {
    const [a] = await twoProducts(10, 0);
    const orderId = newOrderId();
    const created = orderCreated(orderId, [lineOf(a, 4)]);
    await deliver([created]);
    await deliver([created]);
    const twin = newOrderId();
    const twinCreated = orderCreated(twin, [lineOf(a, 1)]);
    await Promise.all([deliver([twinCreated, twinCreated]), deliver([twinCreated])]);
    expect((await publishedFor(orderId)).map((e) => e.type)).toEqual(["inventory.reserved"]);
    expect((await publishedFor(twin)).map((e) => e.type)).toEqual(["inventory.reserved"]);
    expect(await stockOf(a.id)).toMatchObject({ onHand: 10, reserved: 5 });
    const processed = await env.DB.prepare(
      "SELECT COUNT(*) AS n FROM processed_messages WHERE consumer = 'catalog' AND message_key IN (?, ?)",
    )
      .bind(created.id, twinCreated.id)
      .first<{ n: number }>();
    expect(processed?.n).toBe(2);
  });

  it("a crash after the object calls and before the D1 batch is safe: the redelivery holds once", async () => {
    const [a] = await twoProducts(3, 0);
    const orderId = newOrderId();
    // the first attempt reserved in the object and died before its batch
    await env.INVENTORY.get(env.INVENTORY.idFromName(a.id)).reserve(orderId, 2);
    await deliver([orderCreated(orderId, [lineOf(a, 2)])]);
    expect((await publishedFor(orderId)).map((e) => e.type)).toEqual(["inventory.reserved"]);
    expect(await stockOf(a.id)).toMatchObject({ onHand: 3, reserved: 2 });
  });
});

describe("order.confirmed and order.cancelled", () => {
  it("cancelled before confirm: the reservation is released (inventory.released), a late confirm is a no-op", async () => {
    const [a, b] = await twoProducts(4, 4);
    const orderId = newOrderId();
    const created = orderCreated(orderId, [lineOf(a, 1), lineOf(b, 3)]);
    await deliver([created]);
    const cancelled = orderCancelled(created, false, "payment_failed");
    await deliver([cancelled]);
    await deliver([cancelled]);
    const events = await publishedFor(orderId);
    expect(events.map((e) => e.type)).toEqual(["inventory.reserved", "inventory.released"]);
    expect(events[1]).toMatchObject({
      causationId: cancelled.id,
      payload: {
        orderId,
        reason: "payment_failed",
        lines: [
          { productId: a.id, quantity: 1 },
          { productId: b.id, quantity: 3 },
        ],
      },
    });
    expect(await stockOf(b.id)).toEqual({ productId: b.id, onHand: 4, reserved: 0, available: 4 });
    await deliver([orderConfirmed(created)]);
    expect(await stockOf(b.id)).toEqual({ productId: b.id, onHand: 4, reserved: 0, available: 4 });
    expect(await orderRow(orderId)).toEqual({ status: "released", reason: "payment_failed" });
    expect((await publishedFor(orderId)).length).toBe(2);
  });

  it("confirmed commits (on hand drops once); cancelled after confirm puts the stock back", async () => {
    const [a] = await twoProducts(6, 0);
    const orderId = newOrderId();
    const created = orderCreated(orderId, [lineOf(a, 2)]);
    await deliver([created]);
    const confirmed = orderConfirmed(created);
    await deliver([confirmed]);
    await deliver([confirmed]);
    expect(await stockOf(a.id)).toEqual({ productId: a.id, onHand: 4, reserved: 0, available: 4 });
    expect(await readModel(a.id)).toEqual({ on_hand: 4, reserved: 0 });
    expect(await orderRow(orderId)).toEqual({ status: "committed", reason: null });
    await deliver([orderCancelled(created, true)]);
    expect(await stockOf(a.id)).toEqual({ productId: a.id, onHand: 6, reserved: 0, available: 6 });
    expect(await readModel(a.id)).toEqual({ on_hand: 6, reserved: 0 });
    const events = await publishedFor(orderId);
    expect(events.map((e) => e.type)).toEqual(["inventory.reserved", "inventory.released"]);
    expect(events[1]?.payload).toEqual({ orderId, lines: [{ productId: a.id, quantity: 2 }], reason: "customer_request" });
  });

  it("cancelled before order.created was handled: marked, and the late order.created reserves nothing", async () => {
    const [a] = await twoProducts(2, 0);
    const orderId = newOrderId();
    const created = orderCreated(orderId, [lineOf(a, 1)]);
    await deliver([orderCancelled(created)]);
    await deliver([created]);
    expect(await publishedFor(orderId)).toEqual([]);
    expect(await stockOf(a.id)).toMatchObject({ onHand: 2, reserved: 0 });
    expect(await orderRow(orderId)).toEqual({ status: "cancelled", reason: "customer_request" });
  });

  it("order.created and order.cancelled racing: whichever wins, no stock stays held and the events agree", async () => {
    const [a] = await twoProducts(100, 0);
    const orders = Array.from({ length: 20 }, () => newOrderId());
    await Promise.all(
      orders.map((orderId) => {
        const created = orderCreated(orderId, [lineOf(a, 1)]);
        return Promise.all([deliver([created]), deliver([orderCancelled(created)])]);
      }),
    );
    // cancel first: a `cancelled` mark, and the create that was reserving meanwhile fails on it and gives the
    // stock back; create first: the cancel releases it and publishes inventory.released
    expect(await stockOf(a.id)).toEqual({ productId: a.id, onHand: 100, reserved: 0, available: 100 });
    for (const orderId of orders) {
      const status = (await orderRow(orderId))?.status;
      const types = (await publishedFor(orderId)).map((e) => e.type);
      if (status === "released") expect(types).toEqual(["inventory.reserved", "inventory.released"]);
      else expect([status, types]).toEqual(["cancelled", []]);
    }
  }, 30_000);

  it("order.cancelled of a rejected order publishes nothing", async () => {
    const [a] = await twoProducts(0, 0);
    const orderId = newOrderId();
    const created = orderCreated(orderId, [lineOf(a, 1)]);
    await deliver([created]);
    await deliver([orderCancelled(created)]);
    expect((await publishedFor(orderId)).map((e) => e.type)).toEqual(["inventory.rejected"]);
  });

  it("order.confirmed before order.created was handled is retried (early), changing nothing", async () => {
    const [a] = await twoProducts(2, 0);
    const orderId = newOrderId();
    const created = orderCreated(orderId, [lineOf(a, 1)]);
    const result = await deliver([orderConfirmed(created)]);
    expect(result.retryMessages).toHaveLength(1);
    expect(await orderRow(orderId)).toBeNull();
    expect(await stockOf(a.id)).toMatchObject({ onHand: 2, reserved: 0 });
  });
});

describe("the consumer", () => {
  it("parks an invalid body on the DLQ (never retried) and ignores event types it does not subscribe to", async () => {
    const dlq = { send: vi.fn(async (_parked: unknown) => {}) };
    const other = commerceEvent.parse({
      id: "evt_aaaaaaaaaaaaaaaaaaaaa",
      version: 1,
      occurredAt: new Date().toISOString(),
      correlationId: "ord_x",
      causationId: null,
      requestId: null,
      producer: "payments",
      type: "payment.failed",
      payload: EVENT_PAYLOADS["payment.failed"].parse({
        orderId: "ord_x",
        paymentId: "pay_x",
        paymentIntentId: null,
        code: "c",
        message: "m",
      }),
    });
    const result = await deliver([{ type: "order.created", payload: {} }, other], undefined, {
      ...env,
      EVENTS_QUEUE_DLQ: dlq as unknown as Queue,
    });
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks).toHaveLength(2);
    expect(dlq.send).toHaveBeenCalledTimes(1);
  });

  it("100 concurrent order.created (different orders) for 10 units → exactly 10 reserved, 90 rejected", async () => {
    const [a] = await twoProducts(10, 0);
    const orders = Array.from({ length: 100 }, () => newOrderId());
    const results = await Promise.all(orders.map((orderId) => deliver([orderCreated(orderId, [lineOf(a, 1)])])));
    expect(results.flatMap((r: { retryMessages: unknown[] }) => r.retryMessages)).toEqual([]);
    const types = (await Promise.all(orders.map(publishedFor))).map((events) => events.map((e) => e.type).join(","));
    expect(types.filter((t) => t === "inventory.reserved")).toHaveLength(10);
    expect(types.filter((t) => t === "inventory.rejected")).toHaveLength(90);
    expect(await stockOf(a.id)).toEqual({ productId: a.id, onHand: 10, reserved: 10, available: 0 });
    expect(await readModel(a.id)).toEqual({ on_hand: 10, reserved: 10 });
    const statuses = await env.DB.prepare(
      `SELECT status, COUNT(*) AS n FROM stock_orders WHERE order_id IN (${orders.map(() => "?").join(",")}) GROUP BY status ORDER BY status`,
    )
      .bind(...orders)
      .all();
    expect(statuses.results).toEqual([
      { status: "rejected", n: 90 },
      { status: "reserved", n: 10 },
    ]);
  }, 60_000);
});

describe("the outbox sweeper (cron)", () => {
  it("scheduled sends outbox rows a dead relay left behind to orders' queue", async () => {
    const { createScheduledController } = await import("cloudflare:test");
    const { eventOutboxStatements, newEvent } = await import("@edgeworks/commerce-contracts");
    const worker = (await import("../src/index")).default;
    const orderId = newOrderId();
    const left = newEvent("inventory.released", { orderId, lines: [], reason: "payment_timeout" }, { requestId: "req_cron" });
    await env.DB.batch(eventOutboxStatements(env.DB, left));
    const pending = () =>
      env.DB.prepare("SELECT sent_at FROM queue_outbox WHERE id = ?").bind(`${left.id}:orders`).first<{ sent_at: number | null }>();
    expect(await pending()).toEqual({ sent_at: null });
    await worker.scheduled(createScheduledController({ cron: "* * * * *" }), env);
    expect((await pending())?.sent_at).toEqual(expect.any(Number));
  });
});

describe("logs", () => {
  it("every event consumed and produced is logged with the order id and the saga's request id", async () => {
    const sent: unknown[] = [];
    const logs = { sendBatch: vi.fn(async (batch: { body: unknown }[]) => void sent.push(...batch.map((m) => m.body))) };
    const [a] = await twoProducts(1, 0);
    const orderId = newOrderId();
    const created = orderCreated(orderId, [lineOf(a, 1)]);
    await deliver([created], undefined, { ...env, LOGS: logs as unknown as Queue });
    const { logEntry } = await import("@edgeworks/commerce-contracts");
    const entries = sent.map((e) => logEntry.parse(e));
    expect(entries.map((e) => e.msg)).toEqual(["event consumed", "stock reserved"]);
    for (const e of entries) expect(e).toMatchObject({ service: "catalog", correlationId: orderId, requestId: created.requestId });
  });
});
