import { env } from "cloudflare:test";
import { commerceEvent, orderView } from "@edgeworks/commerce-contracts";
import { describe, expect, it } from "vitest";
import {
  ADMIN,
  addProduct,
  addresses,
  api,
  call,
  carts,
  cleared,
  newKey,
  newUser,
  type Order,
  orderOne,
  outboxOf,
  placeOrder,
  RW,
  stored,
} from "./helpers";

type Timeline = {
  orderId: string;
  status: string;
  steps: { id: string; kind: string; type: string; service: string; summary: string; causationId: string | null }[];
};

const countOrders = async (userId: string) =>
  (await env.DB.prepare("SELECT COUNT(*) AS n FROM orders WHERE user_id = ?").bind(userId).first<{ n: number }>())?.n;

describe("POST /orders", () => {
  it("places an order from items: 202 pending, priced by catalog, order.created in the outbox, on the timeline", async () => {
    const user = await newUser();
    addProduct({ productId: "prd_happy_a", unitAmount: 1250, name: "Mug", sku: "MUG-1" });
    addProduct({ productId: "prd_happy_b", unitAmount: 300 });
    const res = await call(
      "POST",
      "/orders",
      user.token,
      {
        items: [
          { productId: "prd_happy_a", quantity: 2 },
          { productId: "prd_happy_b", quantity: 1 },
        ],
      },
      {
        "Idempotency-Key": newKey(),
      },
    );
    const order: Order = await api.ok(res, 202);
    expect(order).toEqual({
      id: expect.stringMatching(/^ord_[A-Za-z0-9_-]{21}$/),
      userId: user.id,
      status: "pending",
      cancelReason: null,
      lines: [
        { productId: "prd_happy_a", sku: "MUG-1", name: "Mug", quantity: 2, unitAmount: 1250 },
        { productId: "prd_happy_b", sku: "SKU-prd_happy_b", name: "Product prd_happy_b", quantity: 1, unitAmount: 300 },
      ],
      amount: 2800,
      currency: "usd",
      paymentStatus: "none",
      addressId: null,
      createdAt: expect.any(String),
      updatedAt: order.createdAt,
    });
    expect(orderView.parse(order)).toEqual(order);
    expect(res.headers.get("Location")).toBe(`/commerce/v1/orders/${order.id}`);
    const out = await outboxOf(order.id, "order.created");
    expect(out.map((r) => r.topic)).toEqual(["catalog"]);
    const created = commerceEvent.parse(out[0]?.body);
    expect(created).toMatchObject({
      type: "order.created",
      producer: "orders",
      correlationId: order.id,
      payload: { amount: 2800, paymentMethod: "pm_card_visa" },
    });
    expect(await api.ok(call("GET", `/orders/${order.id}`, user.token))).toEqual(order);
    const tl: Timeline = await api.ok(call("GET", `/orders/${order.id}/timeline`, user.token));
    expect(tl).toMatchObject({
      orderId: order.id,
      status: "pending",
      steps: [{ kind: "event_out", type: "order.created", service: "orders", id: created.id }],
    });
    expect(await stored(order.id)).toEqual({ status: "pending", paymentStatus: "none", cancelReason: null, version: 1 });
  });

  it("requires an Idempotency-Key (422, nothing placed) and replays a retry with the same key", async () => {
    const user = await newUser();
    addProduct({ productId: "prd_idem" });
    const body = { items: [{ productId: "prd_idem", quantity: 1 }] };
    await api.problem(call("POST", "/orders", user.token, body), 422, "validation_failed", ["idempotency-key"]);
    expect(await countOrders(user.id)).toBe(0);
    const key = newKey();
    const first = await placeOrder(user.token, body, key);
    const retry = await call("POST", "/orders", user.token, body, { "Idempotency-Key": key });
    expect(retry.status).toBe(202);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await retry.json()).toEqual(first);
    await api.problem(
      call("POST", "/orders", user.token, { items: [{ productId: "prd_idem", quantity: 2 }] }, { "Idempotency-Key": key }),
      422,
      "validation_failed",
      ["idempotency-key"],
    );
    await api.problem(call("POST", "/orders", user.token, body, { "Idempotency-Key": "x".repeat(256) }), 422, "validation_failed", [
      "idempotency-key",
    ]);
    expect(await countOrders(user.id)).toBe(1);
  });

  it("documents Idempotency-Key as a required header of POST /orders (the server answers 422 without it)", async () => {
    const res = await api.call("GET", "http://commerce-orders.test/commerce/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      paths: Record<string, Record<string, { parameters?: { name: string; in: string; required?: boolean }[] }>>;
    };
    const header = doc.paths["/commerce/v1/orders"]?.post?.parameters?.find(
      (p) => p.in === "header" && p.name.toLowerCase() === "idempotency-key",
    );
    expect(header).toMatchObject({ in: "header", required: true });
  });

  it("orders the caller's cart when items are absent, and clears it once for that order", async () => {
    const user = await newUser();
    addProduct({ productId: "prd_cart", unitAmount: 700 });
    carts.set(user.id, [{ productId: "prd_cart", quantity: 3 }]);
    const order = await placeOrder(user.token, {});
    expect(order).toMatchObject({ amount: 2100, lines: [{ productId: "prd_cart", quantity: 3 }] });
    expect(cleared).toContainEqual({ userId: user.id, orderId: order.id });
    const tl: Timeline = await api.ok(call("GET", `/orders/${order.id}/timeline`, user.token));
    expect(tl.steps.map((s) => s.type)).toEqual(["order.created", "cart.cleared"]);
    // the cart is empty now: 422, nothing placed
    await api.problem(call("POST", "/orders", user.token, {}, { "Idempotency-Key": newKey() }), 422, "validation_failed", ["items"]);
    expect(await countOrders(user.id)).toBe(1);
  });

  it("refuses what cannot be ordered with 422 naming the field, and places nothing", async () => {
    const user = await newUser();
    addProduct({ productId: "prd_ok", unitAmount: 1000 });
    addProduct({ productId: "prd_off", active: false });
    addProduct({ productId: "prd_eur", currency: "eur" });
    addProduct({ productId: "prd_cheap", unitAmount: 10 });
    const post = (body: unknown) => call("POST", "/orders", user.token, body, { "Idempotency-Key": newKey() });
    const unknown = await api.problem(
      post({
        items: [
          { productId: "prd_ok", quantity: 1 },
          { productId: "prd_nope", quantity: 1 },
          { productId: "prd_off", quantity: 1 },
        ],
      }),
      422,
      "validation_failed",
      ["items.1.productId", "items.2.productId"],
    );
    expect(unknown.detail).toBe("Unknown or inactive products: prd_nope, prd_off");
    await api.problem(
      post({
        items: [
          { productId: "prd_ok", quantity: 1 },
          { productId: "prd_eur", quantity: 1 },
        ],
      }),
      422,
      "validation_failed",
      ["items"],
    );
    await api.problem(post({ items: [{ productId: "prd_cheap", quantity: 4 }] }), 422, "validation_failed", ["items"]);
    await api.problem(
      post({
        items: [
          { productId: "prd_ok", quantity: 1 },
          { productId: "prd_ok", quantity: 2 },
        ],
      }),
      422,
      "validation_failed",
      ["items.1.productId"],
    );
    await api.problem(post({ items: [] }), 422, "validation_failed", ["items"]);
    await api.problem(post({ items: [{ productId: "prd_ok", quantity: 0 }] }), 422, "validation_failed", ["items.0.quantity"]);
    await api.problem(post({ items: [{ productId: "../x", quantity: 1 }] }), 422, "validation_failed", ["items.0.productId"]);
    await api.problem(post({ items: [{ productId: "prd_ok", quantity: 1 }], paymentMethod: "tok_visa" }), 422, "validation_failed", [
      "paymentMethod",
    ]);
    await api.problem(post({ items: [{ productId: "prd_ok", quantity: 1 }], extra: true }), 422, "validation_failed");
    await api.problem(post({ items: [{ productId: "prd_ok", quantity: 1 }], addressId: "adr_not_mine" }), 422, "validation_failed", [
      "addressId",
    ]);
    expect(await countOrders(user.id)).toBe(0);
  });

  it("takes an address of the caller's own (checked with users)", async () => {
    const user = await newUser();
    const addressId = `adr_${crypto.randomUUID().slice(0, 8)}`;
    addresses.set(addressId, {
      id: addressId,
      userId: user.id,
      name: "Ada",
      line1: "1 Main St",
      line2: null,
      city: "Town",
      region: null,
      postalCode: "12345",
      country: "US",
      isDefault: true,
    });
    const { order } = await orderOne(user.token, 1, { addressId });
    expect(order.addressId).toBe(addressId);
    const stranger = await newUser();
    addProduct({ productId: "prd_addr" });
    await api.problem(
      call(
        "POST",
        "/orders",
        stranger.token,
        { items: [{ productId: "prd_addr", quantity: 1 }], addressId },
        { "Idempotency-Key": newKey() },
      ),
      422,
      "validation_failed",
      ["addressId"],
    );
  });

  it("is 401 without a token, 403 with only the read scope, 400 on malformed JSON and 413 on a huge body", async () => {
    addProduct({ productId: "prd_auth" });
    const body = { items: [{ productId: "prd_auth", quantity: 1 }] };
    await api.problem(call("POST", "/orders", undefined, body, { "Idempotency-Key": newKey() }), 401, "unauthorized");
    const reader = await newUser("commerce:read");
    await api.problem(call("POST", "/orders", reader.token, body, { "Idempotency-Key": newKey() }), 403, "forbidden");
    const user = await newUser();
    await api.problem(call("POST", "/orders", user.token, '{"items": [', { "Idempotency-Key": newKey() }), 400, "malformed_json");
    await api.problem(
      call("POST", "/orders", user.token, JSON.stringify({ items: [], pad: "x".repeat(2 * 1024 * 1024) }), { "Idempotency-Key": newKey() }),
      413,
      "payload_too_large",
    );
    expect(await countOrders(user.id)).toBe(0);
    expect(await countOrders(reader.id)).toBe(0);
  });
});

describe("reading orders", () => {
  it("lists the caller's orders newest first, by status, one page at a time; another user's order is 404", async () => {
    const user = await newUser();
    const a = (await orderOne(user.token)).order;
    const b = (await orderOne(user.token)).order;
    const c = (await orderOne(user.token)).order;
    await api.ok(call("POST", `/orders/${b.id}/cancel`, user.token), 202);
    const page1 = await api.ok<{ items: Order[]; nextCursor: string | null }>(call("GET", "/orders?limit=2", user.token));
    expect(page1.items.map((o) => o.id)).toEqual([c.id, b.id]);
    const page2 = await api.ok<{ items: Order[]; nextCursor: string | null }>(
      call("GET", `/orders?limit=2&cursor=${page1.nextCursor}`, user.token),
    );
    expect(page2).toEqual({ items: [a], nextCursor: null });
    const cancelled = await api.ok<{ items: Order[] }>(call("GET", "/orders?status=cancelled", user.token));
    expect(cancelled.items.map((o) => o.id)).toEqual([b.id]);
    await api.problem(call("GET", "/orders?status=lost", user.token), 422, "validation_failed", ["status"]);
    await api.problem(call("GET", "/orders?cursor=bogus", user.token), 422, "validation_failed", ["cursor"]);

    const stranger = await newUser();
    await api.problem(call("GET", `/orders/${a.id}`, stranger.token), 404, "not_found");
    await api.problem(call("GET", `/orders/${a.id}/timeline`, stranger.token), 404, "not_found");
    await api.problem(call("POST", `/orders/${a.id}/cancel`, stranger.token), 404, "not_found");
    expect((await api.ok<{ items: Order[] }>(call("GET", "/orders", stranger.token))).items).toEqual([]);
    expect(await stored(a.id)).toMatchObject({ status: "pending", version: 1 });
    await api.problem(call("GET", "/orders/ord_nope", user.token), 404, "not_found");
    await api.problem(call("GET", "/orders"), 401, "unauthorized");
    // an operator reads any order
    const admin = await newUser(RW, [ADMIN]);
    expect(await api.ok(call("GET", `/orders/${a.id}`, admin.token))).toEqual(a);
  });
});

describe("POST /orders/{orderId}/cancel", () => {
  it("cancels a pending order (customer_request, no refund) with order.cancelled to catalog, payments and notifications; twice is 409", async () => {
    const user = await newUser();
    const { order } = await orderOne(user.token);
    const cancelled: Order = await api.ok(call("POST", `/orders/${order.id}/cancel`, user.token), 202);
    expect(cancelled).toMatchObject({ id: order.id, status: "cancelled", cancelReason: "customer_request", paymentStatus: "none" });
    const out = await outboxOf(order.id, "order.cancelled");
    expect(out.map((r) => r.topic).sort()).toEqual(["catalog", "notifications", "payments"]);
    expect(commerceEvent.parse(out[0]?.body).payload).toEqual({
      orderId: order.id,
      userId: user.id,
      reason: "customer_request",
      refund: false,
      amount: 1000,
      currency: "usd",
    });
    const logRows = async () =>
      (await env.DB.prepare("SELECT COUNT(*) AS n FROM order_events WHERE order_id = ?").bind(order.id).first<{ n: number }>())?.n;
    const before = await logRows();
    for (let i = 0; i < 3; i++) await api.problem(call("POST", `/orders/${order.id}/cancel`, user.token), 409, "conflict");
    // a refused cancel writes nothing: the saga log (and the timeline) does not grow
    expect(await logRows()).toBe(before);
    expect(await outboxOf(order.id, "order.cancelled")).toHaveLength(3);
    expect(await stored(order.id)).toEqual({ status: "cancelled", paymentStatus: "none", cancelReason: "customer_request", version: 2 });
    const reader = await newUser("commerce:read");
    await api.problem(call("POST", `/orders/${order.id}/cancel`, reader.token), 403, "forbidden");
  });

  it("cancels a confirmed order with refund: true", async () => {
    const user = await newUser();
    const { order } = await orderOne(user.token);
    await env.DB.prepare("UPDATE orders SET status = 'confirmed', payment_status = 'succeeded' WHERE id = ?").bind(order.id).run();
    await api.ok(call("POST", `/orders/${order.id}/cancel`, user.token), 202);
    const [row] = await outboxOf(order.id, "order.cancelled");
    expect(row?.body.payload).toMatchObject({ reason: "customer_request", refund: true });
  });
});

describe("POST /admin/orders/{orderId}/replay", () => {
  it("rebuilds the state from the stored events (consistent), reports a tampered row, and is for commerce:admin only", async () => {
    const user = await newUser();
    const { order } = await orderOne(user.token);
    await api.ok(call("POST", `/orders/${order.id}/cancel`, user.token), 202);
    const admin = await newUser(RW, [ADMIN]);
    const report = await api.ok(call("POST", `/admin/orders/${order.id}/replay`, admin.token));
    expect(report).toEqual({
      orderId: order.id,
      stored: { status: "cancelled", paymentStatus: "none", cancelReason: "customer_request" },
      replayed: { status: "cancelled", paymentStatus: "none", cancelReason: "customer_request" },
      steps: [{ eventId: expect.stringMatching(/^stp_/), type: "cancel.requested", outcome: "applied", from: "pending", to: "cancelled" }],
      differences: [],
      consistent: true,
    });
    await env.DB.prepare("UPDATE orders SET status = 'confirmed' WHERE id = ?").bind(order.id).run();
    const tampered = await api.ok<{ consistent: boolean; differences: unknown[] }>(
      call("POST", `/admin/orders/${order.id}/replay`, admin.token),
    );
    expect(tampered.consistent).toBe(false);
    expect(tampered.differences).toEqual([{ field: "status", stored: "confirmed", replayed: "cancelled" }]);
    const tl: Timeline = await api.ok(call("GET", `/orders/${order.id}/timeline`, user.token));
    // replay is a read: it writes nothing to the log it folds
    expect(tl.steps.filter((s) => s.type === "replay")).toHaveLength(0);
    expect(tl.steps.map((s) => `${s.kind}:${s.type}`)).toEqual([
      "event_out:order.created",
      "step:cancel.requested",
      "event_out:order.cancelled",
    ]);

    await api.problem(call("POST", `/admin/orders/${order.id}/replay`, user.token), 403, "forbidden");
    await api.problem(call("POST", `/admin/orders/${order.id}/replay`), 401, "unauthorized");
    await api.problem(call("POST", "/admin/orders/ord_nope/replay", admin.token), 404, "not_found");
  });
});
