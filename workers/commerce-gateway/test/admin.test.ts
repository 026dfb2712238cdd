import { describe, expect, it } from "vitest";
import { api, bearer, expectUnavailable, fakeService, fetchWith, newAdmin, newUser } from "./helpers";

type Rpc = (ctx: unknown, input: Record<string, unknown>) => Promise<unknown>;
const service = (methods: Record<string, Rpc>) => fakeService(() => new Response("", { status: 500 }), methods).binding;
const letter = {
  id: "dl_1",
  queue: "edgeworks-commerce-orders-events-dlq",
  body: { x: 1 },
  reason: "boom",
  attempts: 6,
  receivedAt: "2026-12-05T07:00:00.000Z",
  redrivenAt: null,
};

describe("dead-letter queues", () => {
  it("lists and redrives through the owning service's ops RPC", async () => {
    const admin = await newAdmin();
    const calls: [string, unknown][] = [];
    const orders = service({
      deadLetters: async (_c, input) => {
        calls.push(["deadLetters", input]);
        return { queue: "orders-events", items: [letter], nextCursor: null };
      },
      redrive: async (_c, input) => {
        calls.push(["redrive", input]);
        return { queue: "orders-events", redriven: 1, ids: ["dl_1"] };
      },
    });
    const page = await api.ok(
      fetchWith({ ORDERS: orders }, "/commerce/v1/admin/dlq/orders-events?limit=10", { headers: bearer(admin.token) }),
    );
    expect(page).toEqual({ queue: "orders-events", items: [letter], nextCursor: null });
    const res = await fetchWith({ ORDERS: orders }, "/commerce/v1/admin/dlq/orders-events/redrive", {
      method: "POST",
      headers: { ...bearer(admin.token), "Content-Type": "application/json" },
      body: JSON.stringify({ ids: ["dl_1"] }),
    });
    expect(await api.ok(res)).toEqual({ queue: "orders-events", redriven: 1, ids: ["dl_1"] });
    expect(calls).toEqual([
      ["deadLetters", { limit: 10 }],
      ["redrive", { ids: ["dl_1"] }],
    ]);
  });

  it("answers with the path's key (orders-events) and takes the full queue name the services answer with too", async () => {
    const admin = await newAdmin();
    const orders = service({
      deadLetters: async () => ({ queue: "edgeworks-commerce-orders-events", items: [letter], nextCursor: null }),
      redrive: async () => ({ queue: "edgeworks-commerce-orders-events", redriven: 0, ids: [] }),
    });
    for (const name of ["orders-events", "edgeworks-commerce-orders-events", "edgeworks-commerce-orders-events-dlq"]) {
      const page = await api.ok(fetchWith({ ORDERS: orders }, `/commerce/v1/admin/dlq/${name}`, { headers: bearer(admin.token) }));
      expect(page).toEqual({ queue: "orders-events", items: [letter], nextCursor: null });
      const res = await fetchWith({ ORDERS: orders }, `/commerce/v1/admin/dlq/${name}/redrive`, {
        method: "POST",
        headers: { ...bearer(admin.token), "Content-Type": "application/json" },
        body: "{}",
      });
      expect(await api.ok(res)).toEqual({ queue: "orders-events", redriven: 0, ids: [] });
    }
    for (const name of ["edgeworks-commerce-nope-events", "edgeworks-commerce-", "edgeworks-commerce-orders-events-dlq-dlq"])
      await api.problem(
        fetchWith({ ORDERS: orders }, `/commerce/v1/admin/dlq/${name}`, { headers: bearer(admin.token) }),
        404,
        "not_found",
      );
  });

  it("an unknown queue is 404, bad input 422, the owner down 503; 403 without the role; nothing redriven", async () => {
    const admin = await newAdmin();
    const calls: string[] = [];
    const orders = service({
      redrive: async () => {
        calls.push("redrive");
        return { queue: "orders-events", redriven: 0, ids: [] };
      },
    });
    await api.problem(
      fetchWith({ ORDERS: orders }, "/commerce/v1/admin/dlq/nope-events", { headers: bearer(admin.token) }),
      404,
      "not_found",
    );
    const post = (token: string, body: string, env: Record<string, unknown> = { ORDERS: orders }) =>
      fetchWith(env, "/commerce/v1/admin/dlq/orders-events/redrive", {
        method: "POST",
        headers: { ...bearer(token), "Content-Type": "application/json" },
        body,
      });
    await api.problem(post(admin.token, '{"ids":[]}'), 422, "validation_failed", ["ids"]);
    await api.problem(post(admin.token, '{"ids":'), 400, "malformed_json");
    await api.problem(post(admin.token, '{"all":true}'), 422, "validation_failed");
    const user = await newUser();
    await api.problem(post(user.token, "{}"), 403, "forbidden");
    await api.problem(
      fetchWith({ ORDERS: orders }, "/commerce/v1/admin/dlq/orders-events", { headers: bearer(user.token) }),
      403,
      "forbidden",
    );
    expect(calls).toEqual([]);
    await expectUnavailable(post(admin.token, "{}", { ORDERS: service({}) }), "orders");
  });
});

describe("GET /commerce/v1/admin/reconcile", () => {
  const orderEntries = [
    { orderId: "ord_a", status: "confirmed", amount: 3000, currency: "usd" },
    { orderId: "ord_b", status: "cancelled", amount: 2000, currency: "usd" },
    { orderId: "ord_c", status: "confirmed", amount: 1000, currency: "usd" },
    { orderId: "ord_d", status: "cancelled", amount: 500, currency: "eur" },
  ];
  const pay = (orderId: string, status: string, net: number, currency = "usd") => ({
    orderId,
    paymentId: `pay_${orderId}`,
    status,
    net,
    currency,
  });
  /** A ledger RPC that pages `entries` two at a time. */
  const ledger =
    (entries: unknown[]): Rpc =>
    async (_c, input) => {
      const start = input.cursor ? Number(input.cursor) : 0;
      const next = start + 2 < entries.length ? String(start + 2) : null;
      return { entries: entries.slice(start, start + 2), nextCursor: next };
    };

  it("is zero when every confirmed order is paid and every other one is not (across pages)", async () => {
    const admin = await newAdmin();
    const env = {
      ORDERS: service({ ledger: ledger(orderEntries) }),
      PAYMENTS: service({
        ledger: ledger([pay("ord_a", "succeeded", 3000), pay("ord_b", "refunded", 0), pay("ord_c", "succeeded", 1000)]),
      }),
    };
    expect(await api.ok(fetchWith(env, "/commerce/v1/admin/reconcile", { headers: bearer(admin.token) }))).toEqual({
      orders: 4,
      payments: 3,
      truncated: false,
      differences: [],
      totalDifference: 0,
    });
  });

  it("reports each difference: a charge kept for a cancelled order, a confirmed order unpaid, a payment without an order", async () => {
    const admin = await newAdmin();
    const env = {
      ORDERS: service({ ledger: ledger(orderEntries) }),
      PAYMENTS: service({
        ledger: ledger([pay("ord_a", "succeeded", 3000), pay("ord_b", "succeeded", 2000), pay("ord_zz", "succeeded", 700)]),
      }),
    };
    const body = await api.ok<{ differences: unknown[]; totalDifference: number }>(
      fetchWith(env, "/commerce/v1/admin/reconcile", { headers: bearer(admin.token) }),
    );
    expect(body.differences).toEqual([
      { orderId: "ord_b", orderStatus: "cancelled", currency: "usd", expected: 0, actual: 2000, difference: 2000 },
      { orderId: "ord_c", orderStatus: "confirmed", currency: "usd", expected: 1000, actual: 0, difference: -1000 },
      { orderId: "ord_zz", orderStatus: null, currency: "usd", expected: 0, actual: 700, difference: 700 },
    ]);
    expect(body.totalDifference).toBe(3700);
  });

  it("503 when a ledger cannot be read; 403 without the role", async () => {
    const admin = await newAdmin();
    await expectUnavailable(
      fetchWith({ ORDERS: service({ ledger: ledger(orderEntries) }), PAYMENTS: service({}) }, "/commerce/v1/admin/reconcile", {
        headers: bearer(admin.token),
      }),
      "payments",
    );
    const user = await newUser();
    await api.problem(fetchWith({}, "/commerce/v1/admin/reconcile", { headers: bearer(user.token) }), 403, "forbidden");
  });
});
