import { describe, expect, it } from "vitest";
import { api, call, chargeInput, newOrderId, newUser, type Payment, rpc } from "./helpers";

type Page = { items: Payment[]; nextCursor: string | null };

describe("GET /commerce/v1/payments", () => {
  it("lists only the caller's payments, newest first, paged, and filters by order", async () => {
    const alice = await newUser();
    const bob = await newUser();
    const orders = [newOrderId(), newOrderId(), newOrderId()];
    for (const orderId of orders) await rpc("charge", chargeInput(orderId, alice.id));
    await rpc("charge", chargeInput(newOrderId(), bob.id));

    const first: Page = await api.ok(call("GET", "/payments?limit=2", alice.token));
    expect(first.items.map((p) => p.orderId)).toEqual([orders[2], orders[1]]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second: Page = await api.ok(call("GET", `/payments?limit=2&cursor=${first.nextCursor}`, alice.token));
    expect(second).toEqual({ items: [expect.objectContaining({ orderId: orders[0] })], nextCursor: null });
    const one: Page = await api.ok(call("GET", `/payments?orderId=${orders[1]}`, alice.token));
    expect(one.items).toEqual([
      {
        id: expect.stringMatching(/^pay_/),
        orderId: orders[1],
        userId: alice.id,
        status: "succeeded",
        amount: 2500,
        amountRefunded: 0,
        currency: "usd",
        paymentIntentId: expect.stringMatching(/^pi_/),
        failureCode: null,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      },
    ]);
    expect(await api.ok(call("GET", `/payments/${one.items[0]?.id}`, alice.token))).toEqual(one.items[0]);
    // bob sees only his own, and alice's order filter finds nothing for him
    const bobs: Page = await api.ok(call("GET", "/payments", bob.token));
    expect(bobs.items.every((p) => p.userId === bob.id)).toBe(true);
    expect(bobs.items).toHaveLength(1);
    expect(await api.ok(call("GET", `/payments?orderId=${orders[1]}`, bob.token))).toEqual({ items: [], nextCursor: null });
    await api.problem(call("GET", `/payments/${one.items[0]?.id}`, bob.token), 404, "not_found");
  });

  it("401 without a token, 403 without the read scope, 404 unknown, 422 bad parameters", async () => {
    await api.problem(call("GET", "/payments"), 401, "unauthorized");
    await api.problem(call("GET", "/payments/pay_x"), 401, "unauthorized");
    const other = await newUser("profile");
    await api.problem(call("GET", "/payments", other.token), 403, "forbidden");
    const user = await newUser();
    await api.problem(call("GET", "/payments/pay_unknown", user.token), 404, "not_found");
    await api.problem(call("GET", "/payments/bad%20id!", user.token), 422, "validation_failed", ["paymentId"]);
    await api.problem(call("GET", "/payments?limit=0", user.token), 422, "validation_failed", ["limit"]);
    await api.problem(call("GET", "/payments?cursor=nope", user.token), 422, "validation_failed", ["cursor"]);
    await api.problem(call("GET", "/payments?orderId=../x", user.token), 422, "validation_failed", ["orderId"]);
  });

  it("liveness and the OpenAPI document at /commerce", async () => {
    const health = await api.ok(call("GET", "/../health"));
    expect(health).toMatchObject({ status: "ok" });
    const doc = (await api.ok(call("GET", "/../openapi.json"))) as {
      info: { title: string; version: string };
      paths: Record<string, unknown>;
    };
    expect(doc.info).toMatchObject({ title: "Commerce payments service", version: "1.0.0" });
    expect(Object.keys(doc.paths).sort()).toEqual(
      ["/commerce/health", "/commerce/v1/payments", "/commerce/v1/payments/webhooks/stripe", "/commerce/v1/payments/{paymentId}"].sort(),
    );
  });
});
