import { describe, expect, it } from "vitest";
import { api, bearer, expectUnavailable, fakeService, fetchWith, newUser, throwing } from "./helpers";

// The echo stands in for a service without being it: it is asked on paths no service documents (`…/echo`), which the
// registry still routes by prefix, so the response contract check (documented operations only) leaves its answers alone.
const echo = () =>
  fakeService(async (req) => {
    const body = req.method === "GET" || req.method === "HEAD" ? null : await req.text();
    return Response.json(
      { method: req.method, url: req.url, body, headers: Object.fromEntries(req.headers) },
      { status: 201, headers: { "X-Service": "catalog", Connection: "x-secret", "X-Secret": "hop", "Keep-Alive": "timeout=5" } },
    );
  });

describe("the proxy", () => {
  it("keeps method, path, query and body; forwards Authorization, X-Request-Id, X-Correlation-Id; strips hop-by-hop", async () => {
    const user = await newUser();
    const catalog = echo();
    const res = await fetchWith({ CATALOG: catalog.binding }, "/commerce/v1/products/prd_1/echo?x=1&y=2", {
      method: "PATCH",
      headers: {
        ...bearer(user.token),
        "Content-Type": "application/json",
        "X-Request-Id": "req-abc_123",
        "X-Correlation-Id": "ord_42",
        Connection: "X-Drop-Me",
        "X-Drop-Me": "1",
        "Proxy-Authorization": "Basic x",
        "X-Kept": "yes",
      },
      body: JSON.stringify({ name: "new" }),
    });
    expect(res.status).toBe(201);
    const seen = (await res.json()) as { method: string; url: string; body: string; headers: Record<string, string> };
    expect(seen.method).toBe("PATCH");
    expect(new URL(seen.url).pathname + new URL(seen.url).search).toBe("/commerce/v1/products/prd_1/echo?x=1&y=2");
    expect(seen.body).toBe('{"name":"new"}');
    expect(seen.headers.authorization).toBe(`Bearer ${user.token}`);
    expect(seen.headers["x-request-id"]).toBe("req-abc_123");
    expect(seen.headers["x-correlation-id"]).toBe("ord_42");
    expect(seen.headers["x-kept"]).toBe("yes");
    expect(seen.headers["x-drop-me"]).toBeUndefined();
    expect(seen.headers["proxy-authorization"]).toBeUndefined();
    expect(seen.headers.connection).toBeUndefined();
    // the answer: the service's own headers, minus hop-by-hop (and what Connection named), plus ours
    expect(res.headers.get("X-Service")).toBe("catalog");
    expect(res.headers.get("X-Secret")).toBeNull();
    expect(res.headers.get("Keep-Alive")).toBeNull();
    expect(res.headers.get("X-Request-Id")).toBe("req-abc_123");
    expect(res.headers.get("RateLimit-Limit")).toBe("600");
  });

  it("creates a request id when none (or a bad one) is sent, and takes the correlation id from an order path", async () => {
    const user = await newUser();
    const orders = echo();
    const res = await fetchWith({ ORDERS: orders.binding }, "/commerce/v1/orders/ord_77/echo", {
      headers: { ...bearer(user.token), "X-Request-Id": "bad id with spaces", "X-Correlation-Id": "bad id" },
    });
    const seen = (await res.json()) as { headers: Record<string, string> };
    expect(seen.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get("X-Request-Id")).toBe(seen.headers["x-request-id"]);
    expect(seen.headers["x-correlation-id"]).toBe("ord_77");
  });

  it("streams a large body through unchanged", async () => {
    const user = await newUser();
    const catalog = echo();
    const big = "x".repeat(900_000);
    const res = await fetchWith({ CATALOG: catalog.binding }, "/commerce/v1/products/prd_1/echo", {
      method: "POST",
      headers: { ...bearer(user.token), "Content-Type": "text/plain" },
      body: big,
    });
    expect(((await res.json()) as { body: string }).body).toBe(big);
  });

  it("refuses a body over 1 MiB with 413 before the service", async () => {
    const user = await newUser();
    const catalog = echo();
    await api.problem(
      fetchWith({ CATALOG: catalog.binding }, "/commerce/v1/products", {
        method: "POST",
        headers: { ...bearer(user.token), "Content-Type": "application/json" },
        body: JSON.stringify({ name: "x".repeat(2 * 1024 * 1024) }),
      }),
      413,
      "payload_too_large",
    );
    expect(catalog.seen).toHaveLength(0);
  });

  it("an unknown path is a 404 problem with credentials, without asking any service", async () => {
    const user = await newUser();
    const catalog = echo();
    await api.problem(
      fetchWith({ CATALOG: catalog.binding }, "/commerce/v1/nothing-here", { headers: bearer(user.token) }),
      404,
      "not_found",
    );
    await api.problem(fetchWith({ CATALOG: catalog.binding }, "/commerce/v1/productsx", { headers: bearer(user.token) }), 404, "not_found");
    expect(catalog.seen).toHaveLength(0);
  });

  it("a service that throws is a 503 problem with Retry-After, no stack", async () => {
    const user = await newUser();
    const res = await fetchWith({ CART: throwing().binding }, "/commerce/v1/cart", { headers: bearer(user.token) });
    const problem = await expectUnavailable(res, "cart");
    expect(JSON.stringify(problem)).not.toContain("connection refused");
  });

  it("a service answering a 5xx that is not a problem is a 502 problem (its body never shown)", async () => {
    const user = await newUser();
    const broken = fakeService(() => new Response("Error 1101: Worker threw exception at line 42", { status: 500 }));
    const res = await fetchWith({ CART: broken.binding }, "/commerce/v1/cart", { headers: bearer(user.token) });
    expect(res.status).toBe(502);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 502, code: "bad_gateway", service: "cart", type: "https://edgeworks.dev/problems/bad-gateway" });
    expect(JSON.stringify(body)).not.toContain("line 42");
  });

  it("a service's own problem (a 4xx or 5xx problem+json) passes through unchanged", async () => {
    const user = await newUser();
    const problem = { type: "x", title: "Conflict", status: 409, detail: "Product is inactive", code: "conflict" };
    const cart = fakeService(
      () => new Response(JSON.stringify(problem), { status: 409, headers: { "Content-Type": "application/problem+json" } }),
    );
    const res = await fetchWith({ CART: cart.binding }, "/commerce/v1/cart/items/prd_1", {
      method: "PUT",
      headers: { ...bearer(user.token), "Content-Type": "application/json" },
      body: '{"quantity":1}',
    });
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual(problem);
  });

  it("a registry entry naming a binding the gateway does not have is a 503", async () => {
    const user = await newUser();
    await expectUnavailable(fetchWith({ USERS: undefined }, "/commerce/v1/me", { headers: bearer(user.token) }), "users");
  });
});
