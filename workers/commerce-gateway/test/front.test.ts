import { describe, expect, it } from "vitest";
import { api, bearer, fakeService, fetchWith, newUser } from "./helpers";

/** A service that answers what the real one documents: an empty cart, an empty page of payments, a webhook ack. */
const ok = () =>
  fakeService((req) => {
    const path = new URL(req.url).pathname;
    if (path === "/commerce/v1/payments/webhooks/stripe") return Response.json({ received: true, duplicate: false, ignored: true });
    if (path === "/commerce/v1/payments") return Response.json({ items: [], nextCursor: null });
    return Response.json({ lines: [], itemCount: 0, amount: 0, currency: null, warnings: [] });
  });

describe("authentication at the gateway", () => {
  it("401 before any service is called: no credential, a malformed one, a bad token, an unknown API key", async () => {
    const cart = ok();
    for (const headers of [
      {} as Record<string, string>,
      { Authorization: "Basic dXNlcjpwYXNz" },
      { Authorization: "Bearer not.a.token" },
      { Authorization: "Bearer ewk_unknown_key_000000000000000000" },
    ]) {
      const res = await fetchWith({ CART: cart.binding }, "/commerce/v1/cart", { headers });
      await api.problem(res, 401, "unauthorized");
      expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer realm="edgeworks"/);
    }
    // an unknown path is 401 too without credentials (nothing about the routes leaks)
    await api.problem(fetchWith({}, "/commerce/v1/nothing-here"), 401, "unauthorized");
    expect(cart.seen).toHaveLength(0);
  });

  it("a registry public path reaches its service without credentials (the Stripe webhook)", async () => {
    const payments = ok();
    const res = await fetchWith({ PAYMENTS: payments.binding }, "/commerce/v1/payments/webhooks/stripe", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Stripe-Signature": "t=1,v1=abc" },
      body: "{}",
    });
    expect(res.status).toBe(200);
    expect(payments.seen).toHaveLength(1);
    expect(payments.seen[0]?.headers.get("Stripe-Signature")).toBe("t=1,v1=abc");
    // but not the rest of payments
    await api.problem(fetchWith({ PAYMENTS: payments.binding }, "/commerce/v1/payments"), 401, "unauthorized");
    expect(payments.seen).toHaveLength(1);
  });

  it("an API key is accepted and forwarded as sent", async () => {
    const cart = ok();
    const res = await fetchWith({ CART: cart.binding }, "/commerce/v1/cart", {
      headers: bearer("ewk_gateway_test_key_reader_000000000000"),
    });
    expect(res.status).toBe(200);
    expect(cart.seen[0]?.headers.get("Authorization")).toBe("Bearer ewk_gateway_test_key_reader_000000000000");
  });
});

describe("the per-consumer rate limit", () => {
  const LIMIT = "3";

  it("429 with Retry-After and RateLimit-* past the limit; the service is not called; another user is not affected", async () => {
    const user = await newUser();
    const cart = ok();
    const send = (token: string) =>
      fetchWith({ CART: cart.binding, COMMERCE_RATE_LIMIT_PER_MINUTE: LIMIT }, "/commerce/v1/cart", { headers: bearer(token) });
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await send(user.token);
      expect(res.status).toBe(200);
      expect(res.headers.get("RateLimit-Limit")).toBe("3");
      remaining.push(res.headers.get("RateLimit-Remaining"));
    }
    expect(remaining).toEqual(["2", "1", "0"]);
    const refused = await send(user.token);
    await api.problem(refused, 429, "rate_limited");
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get("Retry-After"))).toBeLessThanOrEqual(20);
    expect(refused.headers.get("RateLimit-Limit")).toBe("3");
    expect(refused.headers.get("RateLimit-Remaining")).toBe("0");
    expect(Number(refused.headers.get("RateLimit-Reset"))).toBeGreaterThan(0);
    expect(cart.seen).toHaveLength(3);
    const other = await newUser();
    expect((await send(other.token)).status).toBe(200);
  });

  it("anonymous callers are limited by network, and never lock out an owner on the same network", async () => {
    const owner = await newUser();
    const payments = ok();
    const net = { "CF-Connecting-IP": "2001:db8:77:1::1" };
    const webhook = (ip: Record<string, string>) =>
      fetchWith({ PAYMENTS: payments.binding, COMMERCE_RATE_LIMIT_PER_MINUTE: LIMIT }, "/commerce/v1/payments/webhooks/stripe", {
        method: "POST",
        headers: { ...ip, "Content-Type": "application/json" },
        body: "{}",
      });
    for (let i = 0; i < 3; i++) expect((await webhook(net)).status).toBe(200);
    // another address of the same /64 shares the bucket
    await api.problem(webhook({ "CF-Connecting-IP": "2001:db8:77:1::2" }), 429, "rate_limited");
    expect(payments.seen).toHaveLength(3);
    // another network is not limited
    expect((await webhook({ "CF-Connecting-IP": "2001:db8:78:1::1" })).status).toBe(200);
    // the owner on the limited network still gets through, with their own budget
    const res = await fetchWith({ PAYMENTS: payments.binding, COMMERCE_RATE_LIMIT_PER_MINUTE: LIMIT }, "/commerce/v1/payments", {
      headers: { ...net, ...bearer(owner.token) },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("RateLimit-Remaining")).toBe("2");
    // and failed logins from the network do not spend the owner's budget either
    for (let i = 0; i < 5; i++)
      await api.problem(
        fetchWith({ COMMERCE_RATE_LIMIT_PER_MINUTE: LIMIT }, "/commerce/v1/cart", { headers: { ...net, Authorization: "Bearer nope" } }),
        401,
        "unauthorized",
      );
    const again = await fetchWith({ PAYMENTS: payments.binding, COMMERCE_RATE_LIMIT_PER_MINUTE: LIMIT }, "/commerce/v1/payments", {
      headers: { ...net, ...bearer(owner.token) },
    });
    expect(again.headers.get("RateLimit-Remaining")).toBe("1");
  });

  it("each API key has its own budget", async () => {
    const cart = ok();
    const send = () =>
      fetchWith({ CART: cart.binding, COMMERCE_RATE_LIMIT_PER_MINUTE: "1" }, "/commerce/v1/cart", {
        headers: bearer("ewk_gateway_test_key_admin_0000000000000"),
      });
    expect((await send()).status).toBe(200);
    await api.problem(send(), 429, "rate_limited");
    expect(cart.seen).toHaveLength(1);
  });
});
