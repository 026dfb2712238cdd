import { env } from "cloudflare:test";
import type { TestUser } from "@edgeworks/testing";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { nanoid } from "nanoid";
import { beforeAll, describe, expect, it } from "vitest";
import { type OrderState, orderEvents, orderLines, orders } from "../src/orders/schema";
import { stripeOf } from "../src/stripe/client";
import { call, newAdmin, newUser } from "./helpers";
import { getOrder } from "./orders-helpers";

// The whole transition table: every state × every action, as a shop admin. Allowed moves answer 2xx and
// write one timeline entry; every other one is 409 and changes nothing.

const db = drizzle(env.DB);
const ACTIONS = ["fulfill", "deliver", "cancel", "refund"] as const;
type Action = (typeof ACTIONS)[number];
const STATES: OrderState[] = ["pending_payment", "paid", "fulfilled", "delivered", "cancelled", "refunded", "partially_refunded"];

/** The table under test: the state each allowed action leads to. */
const ALLOWED: Record<OrderState, Partial<Record<Action, OrderState>>> = {
  pending_payment: { cancel: "cancelled" },
  paid: { fulfill: "fulfilled", cancel: "cancelled", refund: "partially_refunded" },
  fulfilled: { deliver: "delivered", refund: "partially_refunded" },
  delivered: { refund: "partially_refunded" },
  cancelled: {},
  refunded: {},
  // a partially refunded order still ships what was kept: fulfill sets fulfilled_at, the state stays
  partially_refunded: { refund: "refunded", fulfill: "partially_refunded" },
};

let admin: TestUser;
let customer: TestUser;

/** An order in `state`, paid (when the state implies it) through a real PaymentIntent of the stand-in. */
async function seedOrder(state: OrderState, owner: string): Promise<string> {
  const id = nanoid();
  const now = Date.now();
  const paid = state !== "pending_payment" && state !== "cancelled";
  let pi: string | null = null;
  if (paid) {
    const intent = await stripeOf(env).paymentIntents.create({ amount: 3000, currency: "usd", metadata: { order_id: id } });
    await stripeOf(env).paymentIntents.confirm(intent.id, { payment_method: "pm_card_visa" });
    pi = intent.id;
  }
  const refunded = state === "refunded" ? 3000 : state === "partially_refunded" ? 1000 : 0;
  await db.batch([
    db.insert(orders).values({
      id,
      number: 100_000 + Math.floor(Math.random() * 1e9),
      userId: owner,
      state,
      currency: "USD",
      subtotal: 2500,
      shipping: 500,
      total: 3000,
      amountPaid: paid ? 3000 : 0,
      amountRefunded: refunded,
      country: "US",
      shippingMethod: "standard",
      paymentIntentId: pi,
      stockCommitted: 0,
      holdExpiresAt: state === "pending_payment" ? now + 60_000 : null,
      createdAt: now,
      updatedAt: now,
      paidAt: paid ? now : null,
    }),
    db.insert(orderLines).values({
      id: nanoid(),
      orderId: id,
      productId: nanoid(),
      variantId: nanoid(),
      sku: "T-1",
      title: "Thing",
      unitPrice: 2500,
      quantity: 1,
      total: 2500,
    }),
  ]);
  if (refunded > 0) {
    await stripeOf(env).refunds.create({ payment_intent: pi ?? "", amount: refunded });
    await env.DB.prepare(
      "INSERT INTO refunds (id, order_id, amount, currency, reason, state, source, restock, created_by, created_at, updated_at) VALUES (?, ?, ?, 'USD', 'seed', 'succeeded', 'api', 0, 'seed', ?, ?)",
    )
      .bind(nanoid(), id, refunded, now, now)
      .run();
  }
  return id;
}

function send(action: Action, id: string) {
  if (action === "refund") return call("POST", `/orders/${id}/refunds`, admin.token, { amount: 2000, reason: "table test" });
  return call("POST", `/orders/${id}/${action}`, admin.token, { reason: "table test" });
}

describe("the order state machine (every state × every action)", () => {
  beforeAll(async () => {
    admin = await newAdmin();
    customer = await newUser();
  });

  for (const state of STATES) {
    for (const action of ACTIONS) {
      const to = ALLOWED[state][action];
      it(`${state} × ${action} → ${to ?? "409"}`, async () => {
        const id = await seedOrder(state, customer.id);
        const before = await db.select().from(orderEvents).where(eq(orderEvents.orderId, id));
        const res = await send(action, id);
        const [after] = await db.select().from(orders).where(eq(orders.id, id));
        const events = await db.select().from(orderEvents).where(eq(orderEvents.orderId, id));
        if (to === undefined) {
          expect(res.status, await res.clone().text()).toBe(409);
          const problem = (await res.json()) as { code: string; state: string };
          expect(problem).toMatchObject({ code: "conflict", state });
          expect(after?.state).toBe(state);
          expect(events).toHaveLength(before.length);
        } else {
          expect(res.status, await res.clone().text()).toBe(action === "refund" ? 201 : 200);
          expect(after?.state).toBe(to);
          expect(events.filter((e) => e.toState === to)).toHaveLength(1);
        }
      });
    }
  }

  it("a partially refunded order ships the rest: fulfill, then deliver, each once; it stays partially_refunded", async () => {
    const id = await seedOrder("paid", customer.id);
    expect((await send("refund", id)).status).toBe(201);
    expect((await call("POST", `/orders/${id}/deliver`, admin.token, {})).status).toBe(409); // not shipped yet
    expect((await call("POST", `/orders/${id}/fulfill`, admin.token, { reason: "rest shipped" })).status).toBe(200);
    expect((await call("POST", `/orders/${id}/fulfill`, admin.token, {})).status).toBe(409);
    expect((await call("POST", `/orders/${id}/deliver`, admin.token, {})).status).toBe(200);
    expect((await call("POST", `/orders/${id}/deliver`, admin.token, {})).status).toBe(409);
    const [row] = await db.select().from(orders).where(eq(orders.id, id));
    expect(row).toMatchObject({ state: "partially_refunded", amountRefunded: 2000 });
    expect(row?.fulfilledAt).not.toBeNull();
    expect(row?.deliveredAt).not.toBeNull();
    const events = await db.select().from(orderEvents).where(eq(orderEvents.orderId, id));
    expect(events.map((e) => e.type).filter((t) => t === "fulfilled" || t === "delivered")).toEqual(["fulfilled", "delivered"]);
    // the rest can still be refunded afterwards
    expect((await call("POST", `/orders/${id}/refunds`, admin.token, { reason: "returned" })).status).toBe(201);
    expect((await db.select().from(orders).where(eq(orders.id, id)))[0]?.state).toBe("refunded");
  });

  it("a cancelled paid order is refunded in full through Stripe", async () => {
    const id = await seedOrder("paid", customer.id);
    expect((await call("POST", `/orders/${id}/cancel`, admin.token, {})).status).toBe(200);
    const { body } = await getOrder(admin.token, id);
    expect(body).toMatchObject({ state: "cancelled", amountPaid: 3000, amountRefunded: 3000 });
    expect(body.refunds).toMatchObject([{ amount: 3000, state: "succeeded", source: "system" }]);
    // every unit counts as refunded, so reports (top products) do not count them as sold (found by H)
    expect(body.lines.map((l) => [l.quantity, l.refundedQuantity])).toEqual([[1, 1]]);
  });

  it("a cancelled pending order's lines count nothing as refunded (nothing was sold)", async () => {
    const id = await seedOrder("pending_payment", customer.id);
    expect((await call("POST", `/orders/${id}/cancel`, admin.token, {})).status).toBe(200);
    const { body } = await getOrder(admin.token, id);
    expect(body).toMatchObject({ state: "cancelled", amountRefunded: 0 });
    expect(body.lines.map((l) => l.refundedQuantity)).toEqual([0]);
  });

  it("two concurrent fulfills of one order: exactly one 200, the other 409", async () => {
    const id = await seedOrder("paid", customer.id);
    const results = await Promise.all([send("fulfill", id), send("fulfill", id), send("fulfill", id)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    const events = await db.select().from(orderEvents).where(eq(orderEvents.orderId, id));
    expect(events.filter((e) => e.toState === "fulfilled")).toHaveLength(1);
  });

  it("the timeline records time, actor and reason of each change", async () => {
    const id = await seedOrder("paid", customer.id);
    await call("POST", `/orders/${id}/fulfill`, admin.token, { reason: "shipped with DHL" });
    await call("POST", `/orders/${id}/deliver`, admin.token);
    const { body } = await getOrder(admin.token, id);
    expect(body.timeline).toMatchObject([
      { type: "state_changed", from: "paid", to: "fulfilled", actor: `admin:${admin.id}`, reason: "shipped with DHL" },
      { type: "state_changed", from: "fulfilled", to: "delivered", actor: `admin:${admin.id}`, reason: null },
    ]);
    const [row] = await db.select().from(orders).where(eq(orders.id, id));
    expect(row?.fulfilledAt).not.toBeNull();
    expect(row?.deliveredAt).not.toBeNull();
  });
});

describe("who may move an order", () => {
  it("a customer: 403 on fulfill/deliver/refunds, may cancel their own pending order, 409 on their paid one, 404 on another's", async () => {
    const owner = await newUser();
    const stranger = await newUser();
    const pending = await seedOrder("pending_payment", owner.id);
    const paid = await seedOrder("paid", owner.id);
    for (const action of ["fulfill", "deliver"])
      expect((await call("POST", `/orders/${paid}/${action}`, owner.token, {})).status).toBe(403);
    expect((await call("POST", `/orders/${paid}/refunds`, owner.token, { reason: "x" })).status).toBe(403);
    expect((await call("POST", `/orders/${paid}/cancel`, owner.token, {})).status).toBe(409);
    expect((await call("POST", `/orders/${pending}/cancel`, stranger.token, {})).status).toBe(404);
    expect((await call("GET", `/orders/${pending}`, stranger.token)).status).toBe(404);
    expect((await call("GET", `/orders/${pending}/refunds`, stranger.token)).status).toBe(404);
    const cancelled = await call("POST", `/orders/${pending}/cancel`, owner.token, { reason: "oops" });
    expect(cancelled.status).toBe(200);
    expect(((await cancelled.json()) as { state: string; timeline: { actor: string }[] }).timeline.at(-1)?.actor).toBe(`user:${owner.id}`);
  });

  it("401 without a token; 404 for an order that does not exist", async () => {
    expect((await call("POST", "/orders/nope/fulfill", undefined, {})).status).toBe(401);
    expect((await call("POST", "/orders/nope/fulfill", admin.token, {})).status).toBe(404);
    expect((await call("GET", "/orders/nope", admin.token)).status).toBe(404);
  });
});
