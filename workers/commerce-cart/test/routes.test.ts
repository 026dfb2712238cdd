import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import { api, BASE, type Cart, call, EMPTY, newUser, putItem, seedProduct, storedLines, updateProduct } from "./helpers";

/** A request to the Worker with its CATALOG binding replaced (down, or answering off-contract). */
async function withCatalog(catalog: object, method: string, path: string, token: string, body?: unknown): Promise<Response> {
  const ctx = createExecutionContext();
  const init: RequestInit = { method, headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" } };
  if (body !== undefined) init.body = JSON.stringify(body);
  const res = await worker.fetch(new Request(`${BASE}${path}`, init), { ...env, CATALOG: catalog as unknown as Fetcher }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

const cartRow = (userId: string) =>
  env.DB.prepare("SELECT line_count, item_count, currency FROM carts WHERE user_id = ?").bind(userId).first();

describe("/commerce/v1/cart", () => {
  it("an empty cart without asking catalog; set, replace, remove and clear lines priced by catalog", async () => {
    const { id, token } = await newUser();
    expect(await api.ok(call("GET", "/cart", token))).toEqual(EMPTY);
    const a = await seedProduct({ unitAmount: 1250, onHand: 10 });
    const b = await seedProduct({ unitAmount: 300, onHand: 5, reserved: 2 });

    const one = await putItem(token, a.id, 2);
    expect(one).toEqual({
      lines: [
        {
          productId: a.id,
          sku: a.sku,
          name: a.name,
          quantity: 2,
          unitAmount: 1250,
          currency: "eur",
          lineAmount: 2500,
          available: 10,
          active: true,
        },
      ],
      itemCount: 2,
      amount: 2500,
      currency: "eur",
      warnings: [],
    });
    await putItem(token, b.id, 1);
    const replaced = await putItem(token, a.id, 3);
    expect(replaced).toMatchObject({ itemCount: 4, amount: 3 * 1250 + 300, currency: "eur", warnings: [] });
    expect(replaced.lines.map((l) => [l.productId, l.quantity, l.available])).toEqual([
      [a.id, 3, 10],
      [b.id, 1, 3],
    ]);
    expect(await api.ok(call("GET", "/cart", token))).toEqual(replaced);
    expect(await cartRow(id)).toEqual({ line_count: 2, item_count: 4, currency: "eur" });

    const removed: Cart = await api.ok(call("DELETE", `/cart/items/${a.id}`, token));
    expect(removed).toMatchObject({ itemCount: 1, amount: 300, lines: [{ productId: b.id }] });
    await api.problem(call("DELETE", `/cart/items/${a.id}`, token), 404, "not_found");

    expect((await call("DELETE", "/cart", token)).status).toBe(204);
    expect(await api.ok(call("GET", "/cart", token))).toEqual(EMPTY);
    expect(await cartRow(id)).toEqual({ line_count: 0, item_count: 0, currency: null });
  });

  it("reads prices on every read: a new price shows, a gone or inactive product stays listed with a warning", async () => {
    const { token } = await newUser();
    const a = await seedProduct({ unitAmount: 1000 });
    const b = await seedProduct({ unitAmount: 500 });
    const c = await seedProduct({ unitAmount: 200, onHand: 1 });
    await putItem(token, a.id, 1);
    await putItem(token, b.id, 2);
    await putItem(token, c.id, 3);
    await updateProduct(a.id, { unit_amount: 1100 });
    await updateProduct(b.id, { active: 0 });
    const cart: Cart = await api.ok(call("GET", "/cart", token));
    expect(cart.lines.map((l) => [l.productId, l.unitAmount, l.lineAmount, l.active])).toEqual([
      [a.id, 1100, 1100, true],
      [b.id, 500, 1000, false],
      [c.id, 200, 600, true],
    ]);
    expect(cart).toMatchObject({ itemCount: 4, amount: 1100 + 600 });
    expect(cart.warnings).toEqual([
      { productId: b.id, code: "product_inactive", detail: expect.any(String) },
      { productId: c.id, code: "insufficient_stock", detail: expect.stringContaining("Only 1") },
    ]);
    await updateProduct(a.id, { deleted_at: Date.now() });
    const gone: Cart = await api.ok(call("GET", "/cart", token));
    // the sku, name and price it was put with, not counted
    expect(gone.lines[0]).toEqual({
      productId: a.id,
      sku: a.sku,
      name: a.name,
      quantity: 1,
      unitAmount: 1000,
      currency: "eur",
      lineAmount: 1000,
      available: 0,
      active: false,
    });
    expect(gone).toMatchObject({ itemCount: 3, amount: 600 });
    expect(gone.warnings.map((w) => [w.productId, w.code])).toEqual([
      [a.id, "product_unavailable"],
      [b.id, "product_inactive"],
      [c.id, "insufficient_stock"],
    ]);
    // and can be removed
    expect(await api.ok(call("DELETE", `/cart/items/${a.id}`, token))).toMatchObject({ itemCount: 3 });
  });

  it("refuses an unknown product (404), an inactive one (409), another currency (409) and a 51st product (409), changing nothing", async () => {
    const { id, token } = await newUser();
    const eur = await seedProduct({ currency: "eur" });
    await putItem(token, eur.id, 1);
    await api.problem(call("PUT", "/cart/items/prd_unknown", token, { quantity: 1 }), 404, "not_found");
    const inactive = await seedProduct({ active: false });
    await api.problem(call("PUT", `/cart/items/${inactive.id}`, token, { quantity: 1 }), 409, "conflict");
    const usd = await seedProduct({ currency: "usd" });
    await api.problem(call("PUT", `/cart/items/${usd.id}`, token, { quantity: 1 }), 409, "conflict");
    expect(await storedLines(id)).toEqual([{ productId: eur.id, quantity: 1 }]);

    const many = await newUser();
    const products = await Promise.all(Array.from({ length: 51 }, () => seedProduct()));
    // 49 lines straight into the object (quicker than 49 requests), the 50th through the API
    const stub = env.CART.get(env.CART.idFromName(many.id));
    for (const p of products.slice(0, 49)) await stub.put({ ...p, productId: p.id, quantity: 1 }, Date.now());
    expect((await putItem(many.token, products[49]?.id ?? "", 1)).lines).toHaveLength(50);
    await api.problem(call("PUT", `/cart/items/${products[50]?.id}`, many.token, { quantity: 1 }), 409, "conflict");
    expect(await storedLines(many.id)).toHaveLength(50);
  });

  it("validates the quantity and the product id (422), JSON (400) and size (413), changing nothing", async () => {
    const { id, token } = await newUser();
    const p = await seedProduct();
    for (const body of [{}, { quantity: 0 }, { quantity: 1001 }, { quantity: 1.5 }, { quantity: "2" }])
      await api.problem(call("PUT", `/cart/items/${p.id}`, token, body), 422, "validation_failed", ["quantity"]);
    await api.problem(call("PUT", `/cart/items/${p.id}`, token, { quantity: 1, price: 1 }), 422, "validation_failed");
    await api.problem(call("PUT", "/cart/items/bad%20id", token, { quantity: 1 }), 422, "validation_failed", ["productId"]);
    await api.problem(call("PUT", `/cart/items/${p.id}`, token, '{"quantity":'), 400, "malformed_json");
    await api.problem(
      call("PUT", `/cart/items/${p.id}`, token, JSON.stringify({ quantity: 1, pad: "x".repeat(2 * 1024 * 1024) })),
      413,
      "payload_too_large",
    );
    expect(await storedLines(id)).toEqual([]);
  });

  it("is 401 without a token, 403 without the scope; each user has their own cart", async () => {
    await api.problem(call("GET", "/cart"), 401, "unauthorized");
    const p = await seedProduct();
    const reader = await newUser("commerce:read");
    await api.problem(call("PUT", `/cart/items/${p.id}`, reader.token, { quantity: 1 }), 403, "forbidden");
    await api.problem(call("DELETE", "/cart", reader.token), 403, "forbidden");
    const other = await newUser("commerce-cart:read commerce-cart:write");
    await api.problem(call("GET", "/cart", other.token), 403, "forbidden");
    expect(await storedLines(reader.id)).toEqual([]);

    const owner = await newUser();
    await putItem(owner.token, p.id, 2);
    const stranger = await newUser();
    expect(await api.ok(call("GET", "/cart", stranger.token))).toEqual(EMPTY);
    // another user's line is not theirs to remove: 404, the owner's cart untouched
    await api.problem(call("DELETE", `/cart/items/${p.id}`, stranger.token), 404, "not_found");
    expect((await call("DELETE", "/cart", stranger.token)).status).toBe(204);
    expect(await storedLines(owner.id)).toEqual([{ productId: p.id, quantity: 2 }]);
  });

  it("catalog down or off-contract is a 503 problem with Retry-After, never a 500, and changes nothing", async () => {
    const { id, token } = await newUser();
    const p = await seedProduct();
    const q = await seedProduct();
    await putItem(token, p.id, 1);
    await putItem(token, q.id, 1);
    const down = {
      getProducts: async () => {
        throw new Error("catalog is having a bad day");
      },
    };
    // an answer that does not parse with the contract (a negative price, an upper-case currency)
    const drifted = {
      getProducts: async () => ({
        products: [{ productId: p.id, sku: "X", name: "X", unitAmount: -1, currency: "EUR", active: true, available: 1 }],
      }),
    };
    for (const catalog of [down, drifted]) {
      const other = await seedProduct();
      for (const [method, path, body] of [
        ["GET", "/cart", undefined],
        ["PUT", `/cart/items/${other.id}`, { quantity: 1 }],
        ["PUT", `/cart/items/${p.id}`, { quantity: 5 }],
        ["DELETE", `/cart/items/${q.id}`, undefined],
      ] as const) {
        const res = await withCatalog(catalog, method, path, token, body);
        expect(res.status, `${method} ${path}`).toBe(503);
        expect(res.headers.get("Retry-After")).toBe("5");
        expect(await res.json()).toMatchObject({ code: "service_unavailable", status: 503 });
      }
    }
    expect(await storedLines(id)).toEqual([
      { productId: p.id, quantity: 1 },
      { productId: q.id, quantity: 1 },
    ]);
    // emptying needs no catalog
    expect((await withCatalog(down, "DELETE", "/cart", token)).status).toBe(204);
    expect(await storedLines(id)).toEqual([]);
  });
});
