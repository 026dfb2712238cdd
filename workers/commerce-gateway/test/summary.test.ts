import { describe, expect, it } from "vitest";
import { api, bearer, expectUnavailable, fakeService, fetchWith, newAdmin, newUser } from "./helpers";

const now = "2026-12-05T07:00:00.000Z";
const line = { productId: "prd_1", sku: "SKU-1", name: "Mug", quantity: 2, unitAmount: 1500 };
const orderOf = (userId: string, id = "ord_sum_1") => ({
  id,
  userId,
  status: "confirmed",
  cancelReason: null,
  lines: [line],
  amount: 3000,
  currency: "usd",
  paymentStatus: "succeeded",
  addressId: null,
  createdAt: now,
  updatedAt: now,
});
const paymentOf = (userId: string, orderId = "ord_sum_1") => ({
  id: "pay_1",
  orderId,
  userId,
  status: "succeeded",
  amount: 3000,
  amountRefunded: 0,
  currency: "usd",
  paymentIntentId: "pi_1",
  failureCode: null,
  createdAt: now,
  updatedAt: now,
});
const itemsOf = (orderId = "ord_sum_1") => ({ orderId, status: "committed", lines: [line] });

type Rpc = (ctx: unknown, input: Record<string, unknown>) => Promise<unknown>;
const service = (methods: Record<string, Rpc>) => fakeService(() => new Response("not used", { status: 500 }), methods).binding;
const fails: Rpc = async () => {
  throw new Error("Network connection lost.");
};

/** The three services as one test wants them; records every RPC input. */
function services(userId: string, over: { getOrder?: Rpc; getPayment?: Rpc; getOrderItems?: Rpc } = {}) {
  const calls: { method: string; ctx: unknown; input: Record<string, unknown> }[] = [];
  const rec =
    (method: string, fn: Rpc): Rpc =>
    async (ctx, input) => {
      calls.push({ method, ctx, input });
      return fn(ctx, input);
    };
  const mine = (input: Record<string, unknown>) => input.userId === null || input.userId === userId;
  return {
    calls,
    env: {
      ORDERS: service({ getOrder: rec("getOrder", over.getOrder ?? (async (_c, i) => (mine(i) ? orderOf(userId) : null))) }),
      PAYMENTS: service({ getPayment: rec("getPayment", over.getPayment ?? (async (_c, i) => (mine(i) ? paymentOf(userId) : null))) }),
      CATALOG: service({ getOrderItems: rec("getOrderItems", over.getOrderItems ?? (async () => itemsOf())) }),
    },
  };
}

const summary = (env: Record<string, unknown>, token: string, orderId = "ord_sum_1", headers: Record<string, string> = {}) =>
  fetchWith(env, `/commerce/v1/orders/${orderId}/summary`, { headers: { ...bearer(token), ...headers } });

describe("GET /commerce/v1/orders/{orderId}/summary", () => {
  it("aggregates order, payment and items from three RPCs with the request and correlation ids", async () => {
    const user = await newUser();
    const s = services(user.id);
    const res = await summary(s.env, user.token, "ord_sum_1", { "X-Request-Id": "req-sum-1" });
    expect(await api.ok(res)).toEqual({
      orderId: "ord_sum_1",
      order: orderOf(user.id),
      payment: paymentOf(user.id),
      items: itemsOf(),
      warnings: [],
    });
    expect(s.calls.map((c) => c.method).sort()).toEqual(["getOrder", "getOrderItems", "getPayment"]);
    for (const c of s.calls) expect(c.ctx).toEqual({ requestId: "req-sum-1", correlationId: "ord_sum_1" });
    expect(s.calls.find((c) => c.method === "getOrder")?.input).toEqual({ orderId: "ord_sum_1", userId: user.id });
  });

  it("one service down → a partial answer with a warning naming it", async () => {
    const user = await newUser();
    const body = await api.ok<{ payment: unknown; items: unknown; order: unknown; warnings: unknown[] }>(
      summary(services(user.id, { getPayment: fails }).env, user.token),
    );
    expect(body.order).toEqual(orderOf(user.id));
    expect(body.items).toEqual(itemsOf());
    expect(body.payment).toBeNull();
    expect(body.warnings).toEqual([{ service: "payments", detail: "Network connection lost." }]);

    const noCatalog = await api.ok<{ items: unknown; warnings: unknown[] }>(
      summary(services(user.id, { getOrderItems: fails }).env, user.token),
    );
    expect(noCatalog.items).toBeNull();
    expect(noCatalog.warnings).toEqual([{ service: "catalog", detail: "Network connection lost." }]);
  });

  it("an answer off the contract counts as a failure (never passed on unparsed)", async () => {
    const user = await newUser();
    const body = await api.ok<{ items: unknown; warnings: unknown[] }>(
      summary(services(user.id, { getOrderItems: async () => ({ orderId: "ord_sum_1", status: "weird", lines: "no" }) }).env, user.token),
    );
    expect(body.items).toBeNull();
    expect(body.warnings).toEqual([{ service: "catalog", detail: "the answer did not match the contract" }]);
  });

  it("a service not in the run (the mesh's 503 stub has no RPC methods) → partial answer", async () => {
    const user = await newUser();
    const s = services(user.id);
    const stub = fakeService(() => new Response("edgeworks-commerce-catalog is not in the mesh", { status: 503 })).binding;
    const body = await api.ok<{ items: unknown; warnings: { service: string }[] }>(summary({ ...s.env, CATALOG: stub }, user.token));
    expect(body.items).toBeNull();
    expect(body.warnings.map((w) => w.service)).toEqual(["catalog"]);
  });

  it("another user's order (or none) is 404, even when the other services answered", async () => {
    const owner = await newUser();
    const stranger = await newUser();
    const s = services(owner.id, { getOrderItems: async () => itemsOf() });
    await api.problem(summary(s.env, stranger.token), 404, "not_found");
    expect(s.calls.find((c) => c.method === "getOrder")?.input).toEqual({ orderId: "ord_sum_1", userId: stranger.id });
  });

  it("orders down: the caller's own payment still proves the order is theirs (partial); without it, 503", async () => {
    const owner = await newUser();
    const partial = await api.ok<{ order: unknown; payment: unknown; warnings: { service: string }[] }>(
      summary(services(owner.id, { getOrder: fails }).env, owner.token),
    );
    expect(partial.order).toBeNull();
    expect(partial.payment).toEqual(paymentOf(owner.id));
    expect(partial.warnings.map((w) => w.service)).toEqual(["orders"]);
    // a stranger: payments says null (not theirs), so nothing proves anything
    const stranger = await newUser();
    await expectUnavailable(summary(services(owner.id, { getOrder: fails }).env, stranger.token), "orders");
    await expectUnavailable(summary(services(owner.id, { getOrder: fails, getPayment: fails }).env, owner.token), "orders");
  });

  it("an operator sees any order (userId null)", async () => {
    const owner = await newUser();
    const admin = await newAdmin();
    const s = services(owner.id);
    const body = await api.ok<{ order: unknown }>(summary(s.env, admin.token));
    expect(body.order).toEqual(orderOf(owner.id));
    expect(s.calls.find((c) => c.method === "getOrder")?.input).toEqual({ orderId: "ord_sum_1", userId: null });
  });

  it("401 without a token, 403 without commerce:read, 422 for a malformed id — no service asked", async () => {
    const user = await newUser();
    const s = services(user.id);
    await api.problem(fetchWith(s.env, "/commerce/v1/orders/ord_sum_1/summary"), 401, "unauthorized");
    const writer = await newUser("commerce:write");
    await api.problem(summary(s.env, writer.token), 403, "forbidden");
    await api.problem(summary(s.env, user.token, "ord.bad!"), 422, "validation_failed", ["orderId"]);
    expect(s.calls).toEqual([]);
  });
});
