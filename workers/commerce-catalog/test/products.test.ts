import { describe, expect, it } from "vitest";
import { admin, api, call, createProduct, newAdmin, newUser, type Page, type Product, type Stock, stockOf, uniqueSku } from "./helpers";

const listAll = async (token: string, query = ""): Promise<Product[]> => {
  const out: Product[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<Product> = await api.ok(call("GET", `/products?limit=100${query}${cursor ? `&cursor=${cursor}` : ""}`, token));
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
};

describe("products", () => {
  it("an admin creates, reads, changes and deletes a product; customers read it", async () => {
    const { token } = await admin();
    const sku = uniqueSku("TEE");
    const res = await call("POST", "/products", token, {
      sku,
      name: "  Red tee ",
      description: "Cotton",
      unitAmount: 1999,
      currency: "usd",
      stock: 7,
    });
    const created: Product = await api.ok(res, 201);
    expect(created).toEqual({
      id: expect.stringMatching(/^prd_[A-Za-z0-9_-]{21}$/),
      sku,
      name: "Red tee",
      description: "Cotton",
      categoryId: null,
      unitAmount: 1999,
      currency: "usd",
      active: true,
      available: 7,
      createdAt: expect.any(String),
      updatedAt: created.createdAt,
    });
    expect(res.headers.get("Location")).toBe(`/commerce/v1/products/${created.id}`);
    const customer = await newUser();
    expect(await api.ok(call("GET", `/products/${created.id}`, customer.token))).toEqual(created);
    expect(await stockOf(created.id)).toEqual({ productId: created.id, onHand: 7, reserved: 0, available: 7 });

    const changed: Product = await api.ok(call("PATCH", `/products/${created.id}`, token, { unitAmount: 2500, description: null }));
    expect(changed).toMatchObject({ id: created.id, unitAmount: 2500, description: null, name: "Red tee" });
    expect(await api.ok(call("PATCH", `/products/${created.id}`, token, {}))).toEqual(changed);

    expect((await call("DELETE", `/products/${created.id}`, token)).status).toBe(204);
    await api.problem(call("GET", `/products/${created.id}`, token), 404, "not_found");
    await api.problem(call("DELETE", `/products/${created.id}`, token), 404, "not_found");
    await api.problem(call("GET", `/products/${created.id}/inventory`, token), 404, "not_found");
    // the SKU is free again once the product is deleted
    await api.ok(call("POST", "/products", token, { sku, name: "Red tee 2", unitAmount: 1, currency: "usd" }), 201);
  });

  it("inactive products are hidden from customers (404, not listed) and shown to admins", async () => {
    const { token } = await admin();
    const hidden = await createProduct({ active: false, name: "Hidden" });
    const customer = await newUser();
    await api.problem(call("GET", `/products/${hidden.id}`, customer.token), 404, "not_found");
    expect((await listAll(customer.token)).map((p) => p.id)).not.toContain(hidden.id);
    expect((await listAll(token)).map((p) => p.id)).toContain(hidden.id);
    expect(await api.ok(call("GET", `/products/${hidden.id}`, token))).toMatchObject({ active: false });
  });

  it("lists newest first with a keyset cursor, by category (id or slug) and by q", async () => {
    const { token } = await admin();
    const slug = `cat-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
    const category = await api.ok<{ id: string; slug: string; name: string; createdAt: string }>(
      call("POST", "/categories", token, { slug, name: "Hats" }),
      201,
    );
    expect(category).toEqual({ id: expect.stringMatching(/^cat_/), slug, name: "Hats", createdAt: expect.any(String) });
    const marker = `zq${Math.random().toString(36).slice(2, 8)}`;
    const made: Product[] = [];
    for (let i = 0; i < 3; i++) made.push(await createProduct({ categoryId: category.id, name: `Hat ${marker} ${i}` }));
    const first: Page<Product> = await api.ok(call("GET", `/products?category=${slug}&limit=2`, token));
    expect(first.items.map((p) => p.id)).toEqual([made[2]?.id, made[1]?.id]);
    const second: Page<Product> = await api.ok(call("GET", `/products?category=${slug}&limit=2&cursor=${first.nextCursor}`, token));
    expect(second).toEqual({ items: [made[0]], nextCursor: null });
    expect((await listAll(token, `&category=${category.id}`)).map((p) => p.id)).toEqual(made.map((p) => p.id).reverse());
    expect((await listAll(token, `&q=${marker.toUpperCase()}`)).length).toBe(3);
    expect(await listAll(token, "&q=%25%25nothing-like-this")).toEqual([]);
    expect(await listAll(token, "&category=no-such-category")).toEqual([]);
    const categories = await api.ok<{ items: { slug: string }[] }>(call("GET", "/categories", (await newUser()).token));
    expect(categories.items.map((c) => c.slug)).toContain(slug);
    await api.problem(call("POST", "/categories", token, { slug, name: "Again" }), 409, "conflict");
    await api.problem(call("GET", "/products?cursor=not-a-cursor", token), 422, "validation_failed", ["cursor"]);
    await api.problem(call("GET", "/products?limit=0", token), 422, "validation_failed", ["limit"]);
  });

  it("refuses invalid fields with 422 (and creates nothing)", async () => {
    const { token } = await newAdmin();
    const before = (await listAll(token)).length;
    const ok = { sku: uniqueSku(), name: "x", unitAmount: 100, currency: "usd" };
    await api.problem(call("POST", "/products", token, {}), 422, "validation_failed", ["sku", "name", "unitAmount", "currency"]);
    await api.problem(call("POST", "/products", token, { ...ok, sku: "bad sku!" }), 422, "validation_failed", ["sku"]);
    await api.problem(call("POST", "/products", token, { ...ok, currency: "USD" }), 422, "validation_failed", ["currency"]);
    await api.problem(call("POST", "/products", token, { ...ok, unitAmount: -1 }), 422, "validation_failed", ["unitAmount"]);
    await api.problem(call("POST", "/products", token, { ...ok, unitAmount: 1.5 }), 422, "validation_failed", ["unitAmount"]);
    await api.problem(call("POST", "/products", token, { ...ok, stock: -1 }), 422, "validation_failed", ["stock"]);
    await api.problem(call("POST", "/products", token, { ...ok, name: "   " }), 422, "validation_failed", ["name"]);
    await api.problem(call("POST", "/products", token, { ...ok, categoryId: "cat_nope" }), 422, "validation_failed", ["categoryId"]);
    await api.problem(call("POST", "/products", token, { ...ok, extra: 1 }), 422, "validation_failed");
    await api.problem(call("POST", "/categories", token, { slug: "Not A Slug", name: "x" }), 422, "validation_failed", ["slug"]);
    const product = await createProduct();
    await api.problem(call("PATCH", `/products/${product.id}`, token, { currency: "dollars" }), 422, "validation_failed", ["currency"]);
    await api.problem(call("PUT", `/products/${product.id}/inventory`, token, { onHand: -1 }), 422, "validation_failed", ["onHand"]);
    await api.problem(call("PUT", `/products/${product.id}/inventory`, token, {}), 422, "validation_failed", ["onHand"]);
    await api.problem(call("GET", "/products/..%2Fx", token), 422, "validation_failed");
    expect((await listAll(token)).length).toBe(before + 1);
    expect(await api.ok(call("GET", `/products/${product.id}`, token))).toEqual(product);
  });

  it("a SKU taken by a live product is 409", async () => {
    const { token } = await admin();
    const p = await createProduct();
    const other = await createProduct();
    await api.problem(call("POST", "/products", token, { sku: p.sku, name: "dup", unitAmount: 1, currency: "usd" }), 409, "conflict");
    await api.problem(call("PATCH", `/products/${other.id}`, token, { sku: p.sku }), 409, "conflict");
    expect(await api.ok(call("GET", `/products/${other.id}`, token))).toEqual(other);
  });

  it("is 401 without a token, 403 without the admin role, 404 for an unknown product", async () => {
    await api.problem(call("GET", "/products"), 401, "unauthorized");
    await api.problem(call("POST", "/products", undefined, { sku: "X", name: "x", unitAmount: 1, currency: "usd" }), 401, "unauthorized");
    const customer = await newUser();
    const p = await createProduct({ stock: 4 });
    const role = 'This action needs the "commerce:admin" role';
    const forbidden = [
      call("POST", "/products", customer.token, { sku: uniqueSku(), name: "x", unitAmount: 1, currency: "usd" }),
      call("PATCH", `/products/${p.id}`, customer.token, { name: "mine" }),
      call("DELETE", `/products/${p.id}`, customer.token),
      call("GET", `/products/${p.id}/inventory`, customer.token),
      call("PUT", `/products/${p.id}/inventory`, customer.token, { onHand: 0 }),
      call("POST", "/categories", customer.token, { slug: "nope", name: "x" }),
    ];
    for (const res of forbidden) expect((await api.problem(res, 403, "forbidden")).detail).toBe(role);
    // a token with a look-alike role is refused too
    const { token: lookalike } = await (await import("@edgeworks/testing")).newTestUser("*", "user_", [
      "commerce:admins",
      "COMMERCE:ADMIN",
    ]);
    await api.problem(call("DELETE", `/products/${p.id}`, lookalike), 403, "forbidden");
    expect(await api.ok(call("GET", `/products/${p.id}`, customer.token))).toEqual(p);
    expect(await stockOf(p.id)).toEqual({ productId: p.id, onHand: 4, reserved: 0, available: 4 });
    const { token } = await admin();
    for (const res of [
      call("GET", "/products/prd_nope", token),
      call("PATCH", "/products/prd_nope", token, { name: "x" }),
      call("DELETE", "/products/prd_nope", token),
      call("GET", "/products/prd_nope/inventory", token),
      call("PUT", "/products/prd_nope/inventory", token, { onHand: 1 }),
    ]) {
      await api.problem(res, 404, "not_found");
    }
    // platform:admin implies commerce:admin
    const platform = await (await import("@edgeworks/testing")).newTestUser("*", "root_", ["platform:admin"]);
    expect(await api.ok(call("GET", `/products/${p.id}/inventory`, platform.token))).toMatchObject({ onHand: 4 });
  });

  it("answers malformed JSON with 400 and a body over 1 MiB with 413", async () => {
    const { token } = await admin();
    const p = await createProduct({ stock: 2 });
    await api.problem(call("POST", "/products", token, '{"sku": "x",'), 400, "malformed_json");
    await api.problem(call("PATCH", `/products/${p.id}`, token, '{"name":'), 400, "malformed_json");
    await api.problem(call("PUT", `/products/${p.id}/inventory`, token, "{"), 400, "malformed_json");
    const huge = JSON.stringify({ sku: uniqueSku(), name: "x", unitAmount: 1, currency: "usd", description: "x".repeat(2 * 1024 * 1024) });
    await api.problem(call("POST", "/products", token, huge), 413, "payload_too_large");
    await api.problem(
      call("PUT", `/products/${p.id}/inventory`, token, JSON.stringify({ onHand: 1, pad: "x".repeat(2 * 1024 * 1024) })),
      413,
      "payload_too_large",
    );
    expect(await stockOf(p.id)).toEqual({ productId: p.id, onHand: 2, reserved: 0, available: 2 });
    expect(await api.ok(call("GET", `/products/${p.id}`, token))).toEqual(p);
  });

  it("PUT inventory sets the units on hand; below what is reserved is 409", async () => {
    const { token } = await admin();
    const p = await createProduct({ stock: 5 });
    const set: Stock = await api.ok(call("PUT", `/products/${p.id}/inventory`, token, { onHand: 9 }));
    expect(set).toEqual({ productId: p.id, onHand: 9, reserved: 0, available: 9 });
    expect(await api.ok(call("GET", `/products/${p.id}`, token))).toMatchObject({ available: 9 });
    const { env } = await import("cloudflare:test");
    const stub = env.INVENTORY.get(env.INVENTORY.idFromName(p.id));
    expect(await stub.reserve("ord_hold_for_409", 6)).toMatchObject({ ok: true, value: { status: "reserved" } });
    const refused = await api.problem(call("PUT", `/products/${p.id}/inventory`, token, { onHand: 5 }), 409, "conflict");
    expect(refused.detail).toContain("6 units are reserved");
    expect(await stockOf(p.id)).toEqual({ productId: p.id, onHand: 9, reserved: 6, available: 3 });
    expect(await api.ok(call("PUT", `/products/${p.id}/inventory`, token, { onHand: 6 }))).toEqual({
      productId: p.id,
      onHand: 6,
      reserved: 6,
      available: 0,
    });
  });
});
