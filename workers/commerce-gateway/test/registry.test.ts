import { describe, expect, it } from "vitest";
import { DEFAULT_REGISTRY, isPublicPath, loadRegistry, REGISTRY_KEY, type Registry, routeFor } from "../src/registry";
import { api, bearer, call, fakeService, fetchWith, newAdmin, newUser } from "./helpers";

const registry: Registry = [
  { service: "catalog", binding: "CATALOG", version: "1", routes: ["/commerce/v1/products"], public: [] },
  { service: "orders", binding: "ORDERS", version: "1", routes: ["/commerce/v1/orders", "/commerce/v1/admin/orders"], public: [] },
  {
    service: "payments",
    binding: "PAYMENTS",
    version: "1",
    routes: ["/commerce/v1/payments"],
    public: ["/commerce/v1/payments/webhooks/stripe"],
  },
  // a more specific route of another service wins over the shorter one
  { service: "notifications", binding: "NOTIFICATIONS", version: "1", routes: ["/commerce/v1/orders/special"], public: [] },
];

/** A KV namespace of one test (the real one is shared by every test file running at the same time). */
function memoryKv(initial?: unknown) {
  const store = new Map<string, string>(initial === undefined ? [] : [[REGISTRY_KEY, JSON.stringify(initial)]]);
  return {
    store,
    kv: {
      get: async (key: string) => (store.has(key) ? JSON.parse(store.get(key) as string) : null),
      put: async (key: string, value: string) => void store.set(key, value),
    } as unknown as KVNamespace,
  };
}

describe("routing table", () => {
  it("the longest prefix wins, matched by whole segments", () => {
    expect(routeFor(registry, "/commerce/v1/products")?.entry.service).toBe("catalog");
    expect(routeFor(registry, "/commerce/v1/products/prd_1/inventory")?.entry.service).toBe("catalog");
    expect(routeFor(registry, "/commerce/v1/orders/ord_1")?.route).toBe("/commerce/v1/orders");
    expect(routeFor(registry, "/commerce/v1/orders/special")?.entry.service).toBe("notifications");
    expect(routeFor(registry, "/commerce/v1/orders/special/x")?.entry.service).toBe("notifications");
    expect(routeFor(registry, "/commerce/v1/orders/specialist")?.entry.service).toBe("orders");
    expect(routeFor(registry, "/commerce/v1/admin/orders/ord_1/replay")?.entry.service).toBe("orders");
    expect(routeFor(registry, "/commerce/v1/productsx")).toBeNull();
    expect(routeFor(registry, "/commerce/v1/admin")).toBeNull();
    expect(routeFor(registry, "/commerce/v1")).toBeNull();
  });

  it("public paths are exact", () => {
    expect(isPublicPath(registry, "/commerce/v1/payments/webhooks/stripe")).toBe(true);
    expect(isPublicPath(registry, "/commerce/v1/payments/webhooks/stripe/x")).toBe(false);
    expect(isPublicPath(registry, "/commerce/v1/payments")).toBe(false);
    expect(isPublicPath(registry, "/commerce/v1/products")).toBe(false);
  });

  it("the default routes every service of the design", () => {
    const owner = (path: string) => routeFor(DEFAULT_REGISTRY, path)?.entry.service;
    expect(owner("/commerce/v1/me/addresses/adr_1")).toBe("users");
    expect(owner("/commerce/v1/categories")).toBe("catalog");
    expect(owner("/commerce/v1/cart/items/prd_1")).toBe("cart");
    expect(owner("/commerce/v1/admin/orders/ord_1/replay")).toBe("orders");
    expect(owner("/commerce/v1/payments/pay_1")).toBe("payments");
    expect(owner("/commerce/v1/dev/sms")).toBe("notifications");
    expect(owner("/commerce/v1/notifications")).toBe("notifications");
  });
});

describe("the registry in KV", () => {
  it("is seeded with the default when absent", async () => {
    const { kv, store } = memoryKv();
    expect(await loadRegistry({ REGISTRY: kv, REGISTRY_CACHE_SECONDS: "0" })).toEqual({ entries: DEFAULT_REGISTRY, source: "default" });
    expect(JSON.parse(store.get(REGISTRY_KEY) ?? "null")).toEqual(DEFAULT_REGISTRY);
    expect((await loadRegistry({ REGISTRY: kv, REGISTRY_CACHE_SECONDS: "0" })).source).toBe("kv");
  });

  it("an invalid registry falls back to the default (and is left for an operator to fix)", async () => {
    const bad = [{ service: "catalog", binding: "lower", routes: ["/x"] }];
    const { kv, store } = memoryKv(bad);
    expect(await loadRegistry({ REGISTRY: kv, REGISTRY_CACHE_SECONDS: "0", LOG_LEVEL: "silent" })).toEqual({
      entries: DEFAULT_REGISTRY,
      source: "default",
    });
    expect(JSON.parse(store.get(REGISTRY_KEY) ?? "null")).toEqual(bad);
  });

  it("routes by what KV says: a route removed from the registry is a 404 problem, before any service", async () => {
    const user = await newUser();
    const cart = fakeService(() => Response.json({ lines: [], itemCount: 0, amount: 0, currency: null, warnings: [] }));
    const { kv } = memoryKv(DEFAULT_REGISTRY.filter((e) => e.service !== "cart"));
    await api.problem(
      fetchWith({ REGISTRY: kv, CART: cart.binding }, "/commerce/v1/cart", { headers: bearer(user.token) }),
      404,
      "not_found",
    );
    expect(cart.seen).toHaveLength(0);
    // the same request with the default registry reaches the cart service
    const { kv: full } = memoryKv(DEFAULT_REGISTRY);
    const res = await fetchWith({ REGISTRY: full, CART: cart.binding }, "/commerce/v1/cart", { headers: bearer(user.token) });
    expect(res.status).toBe(200);
    expect(cart.seen).toHaveLength(1);
  });

  it("GET /admin/registry lists it for commerce:admin only", async () => {
    const admin = await newAdmin();
    const body = await api.ok<{ source: string; services: Registry }>(call("GET", "/admin/registry", admin.token));
    expect(body.services).toEqual(DEFAULT_REGISTRY);
    expect(["kv", "default"]).toContain(body.source);
    const user = await newUser();
    await api.problem(call("GET", "/admin/registry", user.token), 403, "forbidden");
    await api.problem(call("GET", "/admin/registry"), 401, "unauthorized");
  });
});
