// Through the gateway to the real services (the mesh: each bundled from its wrangler.toml, with the Stripe
// stand-in): what a client of /commerce/v1 sees, end to end.
import { SELF } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { api, call, newAdmin, newUser } from "./helpers";

type Product = { id: string; sku: string; name: string; unitAmount: number; currency: string };
type Order = { id: string; status: string; amount: number; currency: string; paymentStatus: string };
type LogPage = {
  items: { service: string; msg: string; correlationId: string | null; requestId: string | null }[];
  nextCursor: string | null;
};

async function createProduct(stock: number): Promise<Product> {
  const admin = await newAdmin();
  const sku = `GW-${crypto.randomUUID().slice(0, 12)}`;
  return api.ok<Product>(
    call("POST", "/products", admin.token, { sku, name: "Gateway mug", unitAmount: 1500, currency: "usd", stock }),
    201,
  );
}

describe("through the gateway (real services)", () => {
  it("health: every service of the run is up", async () => {
    const res = await call("GET", "/health");
    const body = (await res.json()) as { status: string; services: { service: string; up: boolean }[] };
    expect(body.services.filter((s) => !s.up)).toEqual([]);
    expect(res.status).toBe(200);
    expect(body.status).toBe("ok");
  });

  it("proxies the product listing (an operator creates, a customer lists and reads it)", async () => {
    const product = await createProduct(5);
    const user = await newUser();
    const res = await call("GET", `/products?limit=100&q=${encodeURIComponent("Gateway mug")}`, user.token);
    expect(res.status).toBe(200);
    expect(res.headers.get("RateLimit-Limit")).toBe("600");
    expect(res.headers.get("X-Request-Id")).toEqual(expect.any(String));
    const one = await api.ok<Product>(call("GET", `/products/${product.id}`, user.token));
    expect(one).toMatchObject({ id: product.id, sku: product.sku, unitAmount: 1500, currency: "usd" });
    // the service checks the scope again (defence in depth): a customer cannot create products
    await api.problem(call("POST", "/products", user.token, { sku: "X-1", name: "x", unitAmount: 100, currency: "usd" }), 403, "forbidden");
  });

  it("an order placed through the gateway reaches confirmed; its summary and its logs from every service", async () => {
    const product = await createProduct(3);
    const user = await newUser();
    const requestId = `req-gw-${crypto.randomUUID().slice(0, 8)}`;
    const placed = await api.ok<Order>(
      call(
        "POST",
        "/orders",
        user.token,
        { items: [{ productId: product.id, quantity: 2 }], paymentMethod: "pm_card_visa" },
        {
          "Idempotency-Key": crypto.randomUUID(),
          "X-Request-Id": requestId,
        },
      ),
      202,
    );
    expect(placed.status).toBe("pending");
    const confirmed = await vi.waitFor(
      async () => {
        const o = await api.ok<Order>(call("GET", `/orders/${placed.id}`, user.token));
        expect(o.status).toBe("confirmed");
        return o;
      },
      { timeout: 25_000, interval: 250 },
    );
    expect(confirmed).toMatchObject({ amount: 3000, currency: "usd", paymentStatus: "succeeded" });

    const summary = await vi.waitFor(
      async () => {
        const s = await api.ok<{
          order: Order;
          payment: { status: string; amount: number };
          items: { status: string };
          warnings: unknown[];
        }>(call("GET", `/orders/${placed.id}/summary`, user.token));
        expect(s.items.status).toBe("committed");
        return s;
      },
      { timeout: 15_000, interval: 250 },
    );
    expect(summary.warnings).toEqual([]);
    expect(summary.order).toMatchObject({ id: placed.id, status: "confirmed" });
    expect(summary.payment).toMatchObject({ status: "succeeded", amount: 3000 });
    // another user: 404 for the summary as for the order
    const stranger = await newUser();
    await api.problem(call("GET", `/orders/${placed.id}/summary`, stranger.token), 404, "not_found");

    const admin = await newAdmin();
    const services = await vi.waitFor(
      async () => {
        const page = await api.ok<LogPage>(call("GET", `/admin/logs?correlationId=${placed.id}&limit=500`, admin.token));
        const seen = new Set(page.items.map((i) => i.service));
        for (const s of ["gateway", "orders", "catalog", "payments"]) expect(seen).toContain(s);
        return seen;
      },
      { timeout: 20_000, interval: 500 },
    );
    expect(services.size).toBeGreaterThanOrEqual(4);
    // the saga's request id travelled with it (events carry it)
    const byRequest = await api.ok<LogPage>(call("GET", `/admin/logs?requestId=${requestId}&limit=500`, admin.token));
    expect(new Set(byRequest.items.map((i) => i.service)).size).toBeGreaterThanOrEqual(2);

    // the books agree for this order
    const rec = await api.ok<{ differences: { orderId: string }[] }>(call("GET", "/admin/reconcile", admin.token));
    expect(rec.differences.filter((d) => d.orderId === placed.id)).toEqual([]);
  }, 90_000);

  it("the Stripe webhook path is public through the gateway (payments checks the signature itself)", async () => {
    const res = await call("POST", "/payments/webhooks/stripe", undefined, { id: "evt_1" }, { "Stripe-Signature": "t=1,v1=forged" });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.status).not.toBe(401);
  });

  it("the merged document has the services' operations", async () => {
    const doc = (await (await SELF.fetch("http://commerce.test/commerce/openapi.json")).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/commerce/v1/products", "/commerce/v1/orders", "/commerce/v1/orders/{orderId}/summary"]),
    );
  });
});
