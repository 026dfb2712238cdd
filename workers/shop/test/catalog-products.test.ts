import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { inventoryOf } from "../src/cart/inventory-client";
import { api, call, newAdmin, newUser } from "./helpers";

// Categories (tree, moves, cycles, deletes) and products with variants (CRUD, visibility, stock through the
// Inventory Durable Object, min_price, SKU/slug conflicts, idempotency).

interface Category {
  id: string;
  parentId: string | null;
  slug: string;
  name: string;
}
interface Node extends Category {
  children: Node[];
}
interface Variant {
  id: string;
  sku: string;
  price: number;
  currency: string;
  attributes: Record<string, string>;
  available: number;
  stock?: number;
}
interface Product {
  id: string;
  slug: string;
  status: string;
  currency: string;
  minPrice: number;
  rating: { average: number | null; count: number };
  variants: Variant[];
  images: unknown[];
}

let admin = { id: "", token: "" };
let customer = { id: "", token: "" };
const uniq = () => crypto.randomUUID().slice(0, 8).toLowerCase();

const createCategory = async (name: string, parentId?: string) =>
  api.ok<Category>(call("POST", "/categories", admin.token, { name, slug: `${name}-${uniq()}`, ...(parentId ? { parentId } : {}) }), 201);

const createProduct = async (over: Record<string, unknown> = {}) =>
  api.ok<Product>(
    call("POST", "/products", admin.token, {
      title: `Tee ${uniq()}`,
      currency: "USD",
      status: "active",
      variants: [
        { sku: `TEE-${uniq()}`, title: "S", price: 1500, stock: 3, attributes: { Color: "Red", size: "S" } },
        { sku: `TEE-${uniq()}`, title: "M", price: 1200, stock: 0, attributes: { color: "blue", size: "M" } },
      ],
      ...over,
    }),
    201,
  );

beforeAll(async () => {
  admin = await newAdmin();
  customer = await newUser();
});

describe("categories", () => {
  it("builds a tree, a breadcrumb and moves subtrees (descendant paths follow)", async () => {
    const root = await createCategory("clothes");
    const mid = await createCategory("tops", root.id);
    const leaf = await createCategory("tees", mid.id);
    const other = await createCategory("sale");
    const detail = await api.ok<{ ancestors: Category[]; children: Category[] }>(call("GET", `/categories/${leaf.id}`));
    expect(detail.ancestors.map((a) => a.id)).toEqual([root.id, mid.id]);
    const tree = await api.ok<{ items: Node[] }>(call("GET", "/categories"));
    const found = tree.items.find((n) => n.id === root.id);
    expect(found?.children[0]?.id).toBe(mid.id);
    expect(found?.children[0]?.children[0]?.id).toBe(leaf.id);

    // move "tops" (with "tees") under "sale"
    await api.ok(call("PATCH", `/categories/${mid.id}`, admin.token, { parentId: other.id }));
    const moved = await api.ok<{ ancestors: Category[] }>(call("GET", `/categories/${leaf.id}`));
    expect(moved.ancestors.map((a) => a.id)).toEqual([other.id, mid.id]);
    const paths = await env.DB.prepare("SELECT id, path FROM categories WHERE id IN (?, ?)")
      .bind(mid.id, leaf.id)
      .all<{ id: string; path: string }>();
    expect(Object.fromEntries(paths.results.map((r) => [r.id, r.path]))).toEqual({
      [mid.id]: `/${other.id}/${mid.id}/`,
      [leaf.id]: `/${other.id}/${mid.id}/${leaf.id}/`,
    });
    // a cycle: under itself or its own descendant
    await api.problem(call("PATCH", `/categories/${mid.id}`, admin.token, { parentId: leaf.id }), 409, "conflict");
    await api.problem(call("PATCH", `/categories/${mid.id}`, admin.token, { parentId: mid.id }), 409, "conflict");
    // back to the root
    await api.ok(call("PATCH", `/categories/${mid.id}`, admin.token, { parentId: null }));
    const rooted = await api.ok<{ ancestors: Category[] }>(call("GET", `/categories/${leaf.id}`));
    expect(rooted.ancestors.map((a) => a.id)).toEqual([mid.id]);
  });

  it("refuses duplicate slugs (409), bad slugs and unknown parents (422)", async () => {
    const a = await createCategory("dup");
    await api.problem(call("POST", "/categories", admin.token, { name: "x", slug: a.slug }), 409, "conflict");
    await api.problem(call("POST", "/categories", admin.token, { name: "x", slug: "Not A Slug" }), 422, "validation_failed", ["slug"]);
    await api.problem(call("POST", "/categories", admin.token, { name: "x", parentId: "nope" }), 422, "validation_failed", ["parentId"]);
    await api.problem(call("POST", "/categories", admin.token, { name: "   " }), 422, "validation_failed", ["name"]);
    const b = await createCategory("dup2");
    await api.problem(call("PATCH", `/categories/${b.id}`, admin.token, { slug: a.slug }), 409, "conflict");
  });

  it("derives a slug from the name", async () => {
    const made = await api.ok<Category>(call("POST", "/categories", admin.token, { name: `Größe Sale ${uniq()}` }), 201);
    expect(made.slug).toMatch(/^grosse-sale-[a-z0-9]+$/);
  });

  it("deletes only empty categories (409 with children or products)", async () => {
    const parent = await createCategory("parent");
    const child = await createCategory("child", parent.id);
    await api.problem(call("DELETE", `/categories/${parent.id}`, admin.token), 409, "conflict");
    const p = await createProduct({ categoryId: child.id });
    await api.problem(call("DELETE", `/categories/${child.id}`, admin.token), 409, "conflict");
    await api.ok(call("DELETE", `/products/${p.id}`, admin.token), 204);
    await api.ok(call("DELETE", `/categories/${child.id}`, admin.token), 204);
    await api.ok(call("DELETE", `/categories/${parent.id}`, admin.token), 204);
    await api.problem(call("GET", `/categories/${parent.id}`), 404, "not_found");
    await api.problem(call("DELETE", `/categories/${parent.id}`, admin.token), 404, "not_found");
  });

  it("writes need a token (401) and the shop:admin role (403)", async () => {
    await api.problem(call("POST", "/categories", undefined, { name: "x" }), 401, "unauthorized");
    await api.problem(call("POST", "/categories", customer.token, { name: "x" }), 403, "forbidden");
    const c = await createCategory("guarded");
    await api.problem(call("PATCH", `/categories/${c.id}`, customer.token, { name: "y" }), 403, "forbidden");
    await api.problem(call("DELETE", `/categories/${c.id}`, customer.token), 403, "forbidden");
    await api.ok(call("GET", `/categories/${c.id}`, customer.token));
  });
});

describe("products", () => {
  it("creates a product with variants; stock lives in the Inventory object; anonymous readers see available only", async () => {
    const p = await createProduct();
    expect(p.minPrice).toBe(1200);
    expect(p.variants.map((v) => [v.price, v.currency, v.available, v.stock])).toEqual([
      [1500, "USD", 3, 3],
      [1200, "USD", 0, 0],
    ]);
    expect(p.variants[0]?.attributes).toEqual({ Color: "Red", size: "S" });
    const anon = await api.ok<Product>(call("GET", `/products/${p.slug}`));
    expect(anon.id).toBe(p.id);
    expect(anon.variants[0]).not.toHaveProperty("stock");
    expect(anon.variants[0]?.available).toBe(3);
    expect(anon.rating).toEqual({ average: null, count: 0 });
    // the D1 mirror written by the Inventory object
    const mirror = await env.DB.prepare("SELECT stock, available FROM variants WHERE id = ?").bind(p.variants[0]?.id).first();
    expect(mirror).toEqual({ stock: 3, available: 3 });
  });

  it("available on the product is exact (the Inventory object's holds count at once), never negative", async () => {
    const p = await createProduct();
    const variantId = p.variants[0]?.id ?? "";
    const held = await inventoryOf(env, p.id).reserve(`cart:${uniq()}`, variantId, 2, 60_000);
    expect(held.ok).toBe(true);
    const seen = await api.ok<Product>(call("GET", `/products/${p.id}`, admin.token));
    expect(seen.variants[0]).toMatchObject({ stock: 3, available: 1 });
    // stock lowered below what is held: available stays at 0
    await api.ok(call("PATCH", `/products/${p.id}/variants/${variantId}`, admin.token, { stock: 1 }));
    const after = await api.ok<Product>(call("GET", `/products/${p.id}`));
    expect(after.variants[0]?.available).toBe(0);
  });

  it("hides drafts from everyone but admins (404)", async () => {
    const p = await createProduct({ status: "draft" });
    await api.problem(call("GET", `/products/${p.id}`), 404, "not_found");
    await api.problem(call("GET", `/products/${p.id}`, customer.token), 404, "not_found");
    const seen = await api.ok<Product>(call("GET", `/products/${p.id}`, admin.token));
    expect(seen.status).toBe("draft");
    await api.ok(call("PATCH", `/products/${p.id}`, admin.token, { status: "active" }));
    await api.ok(call("GET", `/products/${p.id}`));
  });

  it("validates money, currency and SKUs", async () => {
    const bad = (variants: unknown[], extra: Record<string, unknown> = {}) =>
      call("POST", "/products", admin.token, { title: "Bad", currency: "USD", variants, ...extra });
    const v = { sku: `OK-${uniq()}`, title: "v", price: 100 };
    await api.problem(bad([{ ...v, price: -1 }]), 422, "validation_failed", ["variants.0.price"]);
    await api.problem(bad([{ ...v, price: 1.5 }]), 422, "validation_failed", ["variants.0.price"]);
    await api.problem(bad([v], { currency: "usd" }), 422, "validation_failed", ["currency"]);
    await api.problem(bad([v], { currency: "XYZ" }), 422, "validation_failed", ["currency"]);
    await api.problem(bad([{ ...v, currency: "EUR" }]), 422, "validation_failed", ["variants.0.currency"]);
    // a real currency that checkout cannot sell in (no shipping rate): refused at creation, naming the accepted ones (found by H)
    const bhd = await api.problem(bad([v], { currency: "BHD", status: "active" }), 422, "validation_failed", ["currency"]);
    expect(bhd.errors?.find((e) => e.path === "currency")?.message).toMatch(/USD, EUR, .*JPY/);
    await api.problem(bad([{ ...v, currency: "BHD" }]), 422, "validation_failed", ["variants.0.currency"]);
    await api.problem(bad([v, { ...v }]), 422, "validation_failed", ["variants.1.sku"]);
    await api.problem(bad([{ ...v, sku: "has space" }]), 422, "validation_failed", ["variants.0.sku"]);
    await api.problem(bad([]), 422, "validation_failed", ["variants"]);
    await api.problem(bad([{ ...v, attributes: { Color: "a", color: "b" } }]), 422, "validation_failed", ["variants.0.attributes"]);
    const p = await createProduct();
    await api.problem(bad([{ ...v, sku: p.variants[0]?.sku }]), 409, "conflict");
    await api.problem(
      call("POST", "/products", admin.token, { title: "x", slug: p.slug, currency: "USD", variants: [v] }),
      409,
      "conflict",
    );
    await api.problem(
      call("POST", "/products", admin.token, { title: "x", categoryId: "nope", currency: "USD", variants: [v] }),
      422,
      "validation_failed",
      ["categoryId"],
    );
  });

  it("variants: add, change price and stock, delete (min_price follows; last variant stays)", async () => {
    const p = await createProduct();
    const added = await api.ok<Variant>(
      call("POST", `/products/${p.id}/variants`, admin.token, {
        sku: `XL-${uniq()}`,
        title: "XL",
        price: 900,
        stock: 5,
        attributes: { size: "XL" },
      }),
      201,
    );
    expect(added).toMatchObject({ price: 900, currency: "USD", available: 5, stock: 5 });
    const minOf = async () => (await api.ok<Product>(call("GET", `/products/${p.id}`))).minPrice;
    expect(await minOf()).toBe(900);
    const changed = await api.ok<Variant>(call("PATCH", `/products/${p.id}/variants/${added.id}`, admin.token, { price: 2000, stock: 1 }));
    expect(changed).toMatchObject({ price: 2000, available: 1, stock: 1 });
    expect(await minOf()).toBe(1200);
    await api.problem(call("PATCH", `/products/${p.id}/variants/${added.id}`, admin.token, { sku: p.variants[0]?.sku }), 409, "conflict");
    await api.problem(
      call("POST", `/products/${p.id}/variants`, admin.token, { sku: `E-${uniq()}`, title: "e", price: 1, currency: "EUR" }),
      422,
      "validation_failed",
      ["currency"],
    );
    await api.ok(call("DELETE", `/products/${p.id}/variants/${p.variants[1]?.id}`, admin.token), 204);
    expect(await minOf()).toBe(1500);
    await api.ok(call("DELETE", `/products/${p.id}/variants/${p.variants[0]?.id}`, admin.token), 204);
    await api.problem(call("DELETE", `/products/${p.id}/variants/${added.id}`, admin.token), 409, "conflict");
    await api.problem(call("DELETE", `/products/${p.id}/variants/${p.variants[0]?.id}`, admin.token), 404, "not_found");
    const after = await api.ok<Product>(call("GET", `/products/${p.id}`));
    expect(after.variants.map((v) => v.id)).toEqual([added.id]);
    await api.problem(call("PATCH", `/products/${p.id}/variants/nope`, admin.token, { price: 1 }), 404, "not_found");
  });

  it("deletes softly: hidden, 404 on a second delete, the row kept for orders", async () => {
    const p = await createProduct();
    await api.ok(call("DELETE", `/products/${p.id}`, admin.token), 204);
    await api.problem(call("GET", `/products/${p.id}`, admin.token), 404, "not_found");
    await api.problem(call("DELETE", `/products/${p.id}`, admin.token), 404, "not_found");
    const row = await env.DB.prepare("SELECT deleted_at FROM products WHERE id = ?").bind(p.id).first<{ deleted_at: number | null }>();
    expect(row?.deleted_at).toBeTypeOf("number");
  });

  it("admin writes: 401 without a token, 403 for customers", async () => {
    const p = await createProduct();
    await api.problem(call("POST", "/products", undefined, {}), 401, "unauthorized");
    await api.problem(call("POST", "/products", customer.token, { title: "x", currency: "USD", variants: [] }), 403, "forbidden");
    await api.problem(call("PATCH", `/products/${p.id}`, customer.token, { title: "x" }), 403, "forbidden");
    await api.problem(call("DELETE", `/products/${p.id}`, customer.token), 403, "forbidden");
    await api.problem(call("POST", `/products/${p.id}/variants`, customer.token, { sku: "A", title: "a", price: 1 }), 403, "forbidden");
    await api.problem(call("PATCH", `/products/${p.id}/variants/${p.variants[0]?.id}`, customer.token, { price: 1 }), 403, "forbidden");
    await api.problem(call("DELETE", `/products/${p.id}/variants/${p.variants[0]?.id}`, customer.token), 403, "forbidden");
    await api.problem(call("GET", `/products/${p.id}`, "not-a-token"), 401, "unauthorized");
  });

  it("replays a create with the same Idempotency-Key; another body is 422", async () => {
    const key = `create-${uniq()}`;
    const body = { title: `Idem ${uniq()}`, currency: "EUR", variants: [{ sku: `ID-${uniq()}`, title: "one", price: 5 }] };
    const first = await call("POST", "/products", admin.token, body, { "Idempotency-Key": key });
    expect(first.status).toBe(201);
    const again = await call("POST", "/products", admin.token, body, { "Idempotency-Key": key });
    expect(again.status).toBe(201);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(((await again.json()) as Product).id).toBe(((await first.json()) as Product).id);
    await api.problem(
      call("POST", "/products", admin.token, { ...body, title: "other" }, { "Idempotency-Key": key }),
      422,
      "validation_failed",
    );
  });
});

describe("races and the API document", () => {
  it("two crossing moves (A under B, B under A) never make a cycle: one wins, the other is 409", async () => {
    for (let round = 0; round < 3; round++) {
      const a = await createCategory("race-a");
      const b = await createCategory("race-b");
      const [x, y] = await Promise.all([
        call("PATCH", `/categories/${a.id}`, admin.token, { parentId: b.id }),
        call("PATCH", `/categories/${b.id}`, admin.token, { parentId: a.id }),
      ]);
      expect([x.status, y.status].sort()).toEqual([200, 409]);
      const rows = await env.DB.prepare("SELECT id, parent_id, path FROM categories WHERE id IN (?, ?)")
        .bind(a.id, b.id)
        .all<{ id: string; parent_id: string | null; path: string }>();
      const roots = rows.results.filter((r) => r.parent_id === null);
      expect(roots).toHaveLength(1);
      const child = rows.results.find((r) => r.parent_id !== null);
      expect(child?.path).toBe(`/${roots[0]?.id}/${child?.id}/`);
    }
  });

  it("documents every catalog route with its errors, and the category tree as a recursive schema", async () => {
    const doc = await api.ok<{
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown> };
    }>(call("GET", "http://shop.test/shop/openapi.json"));
    const expected: [string, string, string[]][] = [
      ["/shop/v1/categories", "get", ["200", "401", "403"]],
      ["/shop/v1/categories", "post", ["201", "401", "403", "409", "422"]],
      ["/shop/v1/categories/{id}", "patch", ["200", "401", "403", "404", "409", "422"]],
      ["/shop/v1/products", "get", ["200", "401", "403", "422"]],
      ["/shop/v1/products/{id}", "get", ["200", "404"]],
      ["/shop/v1/products/{id}/variants/{variantId}", "delete", ["204", "403", "404", "409"]],
      ["/shop/v1/products/{id}/images", "post", ["201", "403", "404", "413", "415", "422"]],
      ["/shop/v1/images/{id}", "get", ["200", "206", "304", "404", "416"]],
      ["/shop/v1/products/{id}/reviews", "post", ["201", "401", "403", "404", "409", "422"]],
      ["/shop/v1/reviews/{id}", "delete", ["204", "401", "404"]],
      ["/shop/v1/wishlist/{id}", "put", ["200", "201", "401", "404"]],
    ];
    for (const [path, method, statuses] of expected) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      for (const s of statuses) expect(op?.responses, `${method} ${path} ${s}`).toHaveProperty(s);
    }
    // the tree nests: a node's children are nodes
    expect(JSON.stringify(doc.components.schemas.CategoryNode)).toContain(
      '"children":{"type":"array","items":{"$ref":"#/components/schemas/CategoryNode"}}',
    );
  });
});
