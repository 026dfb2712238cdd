// The saga across the real services: catalog, payments (against the Stripe stand-in), cart, users and
// notifications run beside orders (vitest.config.ts `mesh`); events travel over the real local queues.
import { createExecutionContext, env, runDurableObjectAlarm } from "cloudflare:test";
import { call, catalogRpc } from "@edgeworks/commerce-contracts";
import { createTestClient, newTestUser } from "@edgeworks/testing";
import { describe, expect, it, vi } from "vitest";
import worker from "../src/index";
import { ADMIN, BASE, newKey, type Order, RW } from "./helpers";

/** The sibling services' databases (packages/testing binds them to the Worker under test). */
const mesh = env as unknown as { MESH_DB_COMMERCE_PAYMENTS: D1Database; MESH_DB_COMMERCE_NOTIFICATIONS: D1Database };

/** The orders API with the real bindings (a short payment timeout for the orders placed here). */
const sagaEnv = (timeoutSeconds = "900") => ({ ...env, PAYMENT_TIMEOUT_SECONDS: timeoutSeconds }) as Env;
const client = (timeoutSeconds?: string) =>
  createTestClient(BASE, {
    fetch: (url, init) => Promise.resolve(worker.fetch(new Request(url, init), sagaEnv(timeoutSeconds), createExecutionContext())),
  });
const api = client();

/** A product in the real catalog (through its HTTP API, as an operator). */
async function catalogProduct(stock: number, unitAmount = 1500): Promise<string> {
  const admin = await newTestUser(RW, "admin_", [ADMIN]);
  const res = await env.CATALOG.fetch("http://catalog.test/commerce/v1/products", {
    method: "POST",
    headers: { Authorization: `Bearer ${admin.token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ sku: `SKU-${crypto.randomUUID().slice(0, 12)}`, name: "Saga mug", unitAmount, currency: "usd", stock }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

const available = async (productId: string) =>
  (await call(env.CATALOG, catalogRpc, "getProducts", { requestId: "test" }, { productIds: [productId] })).products[0]?.available;

async function place(productId: string, quantity: number, paymentMethod: string, timeoutSeconds?: string) {
  const user = await newTestUser(RW);
  const order = await (timeoutSeconds ? client(timeoutSeconds) : api).ok<Order>(
    api.call("POST", "/orders", user.token, { items: [{ productId, quantity }], paymentMethod }, { "Idempotency-Key": newKey() }),
    202,
  );
  return { user, order };
}

async function settled(orderId: string, token: string, status: string, timeout = 20_000): Promise<Order> {
  return vi.waitFor(
    async () => {
      const o = await api.ok<Order>(api.call("GET", `/orders/${orderId}`, token));
      expect(o.status).toBe(status);
      return o;
    },
    { timeout, interval: 200 },
  );
}

const notificationsOf = async (orderId: string) =>
  (
    await mesh.MESH_DB_COMMERCE_NOTIFICATIONS.prepare("SELECT template, channel, status FROM notifications WHERE order_id = ?")
      .bind(orderId)
      .all<{ template: string }>()
  ).results;
const paymentOf = (orderId: string) =>
  mesh.MESH_DB_COMMERCE_PAYMENTS.prepare(
    "SELECT status, amount, amount_refunded AS refunded, payment_intent_id AS pi FROM payments WHERE order_id = ?",
  )
    .bind(orderId)
    .first<{ status: string; amount: number; refunded: number; pi: string | null }>();
const timelineTypes = async (orderId: string, token: string) =>
  (
    await api.ok<{ steps: { kind: string; type: string; service: string }[] }>(api.call("GET", `/orders/${orderId}/timeline`, token))
  ).steps.map((s) => `${s.kind}:${s.type}:${s.service}`);

describe("the order saga across services", { timeout: 60_000 }, () => {
  it("happy path: reserved, charged, confirmed, stock committed, a receipt sent; replay is consistent", async () => {
    const productId = await catalogProduct(5);
    const { user, order } = await place(productId, 2, "pm_card_visa");
    const done = await settled(order.id, user.token, "confirmed");
    expect(done).toMatchObject({ paymentStatus: "succeeded", amount: 3000, cancelReason: null });
    expect(await available(productId)).toBe(3);
    expect(await paymentOf(order.id)).toMatchObject({ status: "succeeded", amount: 3000, refunded: 0 });
    await vi.waitFor(async () => expect((await notificationsOf(order.id)).map((n) => n.template)).toContain("receipt"), {
      timeout: 15_000,
    });
    await vi.waitFor(async () => expect(await timelineTypes(order.id, user.token)).toContain("event_in:notification.sent:notifications"), {
      timeout: 15_000,
    });
    const types = await timelineTypes(order.id, user.token);
    expect(types.slice(0, 5)).toEqual([
      "event_out:order.created:orders",
      "event_in:inventory.reserved:catalog",
      "step:payment.requested:orders",
      "event_in:payment.succeeded:payments",
      "event_out:order.confirmed:orders",
    ]);
    const admin = await newTestUser(RW, "admin_", [ADMIN]);
    expect(await api.ok(api.call("POST", `/admin/orders/${order.id}/replay`, admin.token))).toMatchObject({
      consistent: true,
      differences: [],
    });
  });

  it("a cancel after payment: refunded and the stock put back; the order shows the refund", async () => {
    const productId = await catalogProduct(5);
    const { user, order } = await place(productId, 1, "pm_card_visa");
    await settled(order.id, user.token, "confirmed");
    expect(await available(productId)).toBe(4);
    expect(await api.ok<Order>(api.call("POST", `/orders/${order.id}/cancel`, user.token), 202)).toMatchObject({
      status: "cancelled",
      cancelReason: "customer_request",
    });
    await vi.waitFor(async () => expect(await paymentOf(order.id)).toMatchObject({ status: "refunded", refunded: 1500 }), {
      timeout: 20_000,
    });
    // payments relays payment.refunded at the end of its order.cancelled batch (no cron needed): the order shows it
    await vi.waitFor(
      async () =>
        expect(await api.ok<Order>(api.call("GET", `/orders/${order.id}`, user.token))).toMatchObject({ paymentStatus: "refunded" }),
      { timeout: 20_000, interval: 200 },
    );
    expect(await timelineTypes(order.id, user.token)).toContain("event_in:payment.refunded:payments");
    await vi.waitFor(async () => expect(await available(productId)).toBe(5), { timeout: 20_000 });
  });

  it("declined card: stock back, cancelled(payment_failed), no receipt", async () => {
    const productId = await catalogProduct(4);
    const { user, order } = await place(productId, 3, "pm_card_chargeDeclined");
    expect(await settled(order.id, user.token, "cancelled")).toMatchObject({ cancelReason: "payment_failed", paymentStatus: "failed" });
    await vi.waitFor(async () => expect(await available(productId)).toBe(4), { timeout: 15_000 });
    expect(await paymentOf(order.id)).toMatchObject({ status: "failed" });
    await vi.waitFor(async () => expect(await timelineTypes(order.id, user.token)).toContain("event_in:inventory.released:catalog"), {
      timeout: 15_000,
    });
    expect((await notificationsOf(order.id)).map((n) => n.template)).not.toContain("receipt");
  });

  it("out of stock: cancelled(out_of_stock), no PaymentIntent", async () => {
    const productId = await catalogProduct(1);
    const { user, order } = await place(productId, 2, "pm_card_visa");
    expect(await settled(order.id, user.token, "cancelled")).toMatchObject({ cancelReason: "out_of_stock", paymentStatus: "none" });
    expect(await available(productId)).toBe(1);
    const payment = await paymentOf(order.id);
    expect(payment?.pi ?? null).toBeNull();
    expect((await notificationsOf(order.id)).map((n) => n.template)).not.toContain("receipt");
  });

  it("payment timeout: a 3-D Secure charge never completed → released and cancelled(payment_timeout), the PaymentIntent cancelled", async () => {
    const productId = await catalogProduct(3);
    const { user, order } = await place(productId, 1, "pm_card_threeDSecure2Required", "2");
    await settled(order.id, user.token, "awaiting_payment");
    await vi.waitFor(async () => expect((await paymentOf(order.id))?.pi).toEqual(expect.any(String)), { timeout: 15_000 });
    expect(await available(productId)).toBe(2);
    // the OrderSaga alarm is due 2 s after creation; run it now if the runtime has not yet
    const stub = env.ORDER_SAGA.get(env.ORDER_SAGA.idFromName(order.id));
    await vi.waitFor(async () => expect(Date.now()).toBeGreaterThan(Date.parse(order.createdAt) + 2_000), { timeout: 5_000 });
    await runDurableObjectAlarm(stub);
    expect(await settled(order.id, user.token, "cancelled")).toMatchObject({ cancelReason: "payment_timeout" });
    await vi.waitFor(async () => expect(await available(productId)).toBe(3), { timeout: 15_000 });
    await vi.waitFor(async () => expect((await paymentOf(order.id))?.status).toBe("canceled"), { timeout: 15_000 });
    expect((await notificationsOf(order.id)).map((n) => n.template)).not.toContain("receipt");
    expect(await timelineTypes(order.id, user.token)).toContain("step:payment.timeout:orders");
  });

  it("no oversell: 100 concurrent orders for 10 units → exactly 10 confirmed, 90 cancelled, no net charge for a cancelled order", async () => {
    const productId = await catalogProduct(10, 1000);
    const placed = await Promise.all(Array.from({ length: 100 }, () => place(productId, 1, "pm_card_visa")));
    const ids = placed.map(({ order }) => order.id);
    // polled in the database (100 API reads a second would slow the very services under test)
    await vi.waitFor(
      async () => {
        const open = await env.DB.prepare(
          `SELECT COUNT(*) AS n FROM orders WHERE status IN ('pending', 'awaiting_payment') AND id IN (${ids.map(() => "?").join(", ")})`,
        )
          .bind(...ids)
          .first<{ n: number }>();
        expect(open?.n).toBe(0);
      },
      { timeout: 90_000, interval: 1_000 },
    );
    const final = await Promise.all(placed.map(({ user, order }) => api.ok<Order>(api.call("GET", `/orders/${order.id}`, user.token))));
    const confirmed = final.filter((o) => o.status === "confirmed");
    const cancelled = final.filter((o) => o.status === "cancelled");
    expect(confirmed).toHaveLength(10);
    expect(cancelled).toHaveLength(90);
    expect(new Set(cancelled.map((o) => o.cancelReason))).toEqual(new Set(["out_of_stock"]));
    expect(await available(productId)).toBe(0);
    const { results } = await mesh.MESH_DB_COMMERCE_PAYMENTS.prepare("SELECT order_id, status, amount, amount_refunded FROM payments").all<{
      order_id: string;
      status: string;
      amount: number;
      amount_refunded: number;
    }>();
    const net = (orderId: string) =>
      results
        .filter((p) => p.order_id === orderId && (p.status === "succeeded" || p.status === "refunded"))
        .reduce((sum, p) => sum + p.amount - p.amount_refunded, 0);
    for (const o of cancelled) expect(net(o.id), o.id).toBe(0);
    for (const o of confirmed) expect(net(o.id), o.id).toBe(1000);
  }, 120_000);
});
