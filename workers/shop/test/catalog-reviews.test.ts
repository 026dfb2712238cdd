import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { api, call, newAdmin, newUser } from "./helpers";

// Reviews (only buyers who received the product, one each, exact rating) and the wishlist (own only,
// idempotent add). Orders are rows inserted here the way helper E's checkout writes them (0004_orders.sql).

interface Review {
  id: string;
  rating: number;
  title: string | null;
  body: string;
  mine: boolean;
}
interface Product {
  id: string;
  variants: { id: string; sku: string }[];
  rating: { average: number | null; count: number };
}

let admin = { id: "", token: "" };
const uniq = () => crypto.randomUUID().slice(0, 8);
let orderNumber = 900_000 + Math.floor(Math.random() * 90_000);

const newProduct = async (status = "active") =>
  api.ok<Product>(
    call("POST", "/products", admin.token, {
      title: `Reviewed ${uniq()}`,
      currency: "USD",
      status,
      variants: [{ sku: `RV-${uniq()}`, title: "one", price: 1000 }],
    }),
    201,
  );

/** An order of `userId` with one line of the product; delivered unless said otherwise. */
async function order(userId: string, product: Product, delivered = true): Promise<void> {
  const id = `ord_${uniq()}${uniq()}`;
  const now = Date.now();
  const variant = product.variants[0];
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO orders (id, number, user_id, state, currency, subtotal, total, country, shipping_method, created_at, updated_at, delivered_at)
       VALUES (?, ?, ?, ?, 'USD', 1000, 1000, 'US', 'standard', ?, ?, ?)`,
    ).bind(id, orderNumber++, userId, delivered ? "delivered" : "paid", now, now, delivered ? now : null),
    env.DB.prepare(
      "INSERT INTO order_lines (id, order_id, product_id, variant_id, sku, title, unit_price, quantity, total) VALUES (?, ?, ?, ?, ?, 'one', 1000, 1, 1000)",
    ).bind(`line_${uniq()}${uniq()}`, id, product.id, variant?.id ?? "", variant?.sku ?? ""),
  ]);
}

const ratingOf = async (id: string) => (await api.ok<Product>(call("GET", `/products/${id}`))).rating;

beforeAll(async () => {
  admin = await newAdmin();
});

describe("reviews", () => {
  it("only a customer who received the product may review it, once; the rating is exact", async () => {
    const product = await newProduct();
    const [buyer, other, waiting, stranger] = await Promise.all([newUser(), newUser(), newUser(), newUser()]);
    await order(buyer.id, product);
    await order(other.id, product);
    await order(waiting.id, product, false);
    await api.problem(call("POST", `/products/${product.id}/reviews`, stranger.token, { rating: 5, body: "great" }), 403, "forbidden");
    await api.problem(call("POST", `/products/${product.id}/reviews`, waiting.token, { rating: 5, body: "great" }), 403, "forbidden");
    const mine = await api.ok<Review>(
      call("POST", `/products/${product.id}/reviews`, buyer.token, { rating: 4, title: "Nice", body: "Fits well" }),
      201,
    );
    expect(mine).toMatchObject({ rating: 4, title: "Nice", body: "Fits well", mine: true });
    await api.problem(call("POST", `/products/${product.id}/reviews`, buyer.token, { rating: 1, body: "again" }), 409, "conflict");
    await api.ok(call("POST", `/products/${product.id}/reviews`, other.token, { rating: 1, body: "meh" }), 201);
    expect(await ratingOf(product.id)).toEqual({ average: 2.5, count: 2 });

    // edit: only its author; another customer gets 404
    await api.problem(call("PATCH", `/reviews/${mine.id}`, other.token, { rating: 1 }), 404, "not_found");
    await api.problem(call("DELETE", `/reviews/${mine.id}`, other.token), 404, "not_found");
    await api.ok(call("PATCH", `/reviews/${mine.id}`, buyer.token, { rating: 5, title: null }));
    expect(await ratingOf(product.id)).toEqual({ average: 3, count: 2 });

    const page = await api.ok<{ items: Review[] }>(call("GET", `/products/${product.id}/reviews`, buyer.token));
    expect(page.items.map((r) => [r.rating, r.mine])).toEqual([
      [1, false],
      [5, true],
    ]);
    const anon = await api.ok<{ items: Review[] }>(call("GET", `/products/${product.id}/reviews`));
    expect(anon.items.every((r) => !r.mine)).toBe(true);
    expect(anon.items[1]?.title).toBeNull();

    await api.ok(call("DELETE", `/reviews/${mine.id}`, buyer.token), 204);
    expect(await ratingOf(product.id)).toEqual({ average: 1, count: 1 });
    await api.problem(call("PATCH", `/reviews/${mine.id}`, buyer.token, { rating: 2 }), 404, "not_found");
    const row = await env.DB.prepare("SELECT rating_sum, rating_count FROM products WHERE id = ?").bind(product.id).first();
    expect(row).toEqual({ rating_sum: 1, rating_count: 1 });
  });

  it("a retried review with the same Idempotency-Key is replayed, not a 409; the rating counts it once", async () => {
    const product = await newProduct();
    const buyer = await newUser();
    await order(buyer.id, product);
    const key = { "Idempotency-Key": `review-${uniq()}` };
    const body = { rating: 2, body: "Once" };
    const first = await api.ok<Review>(call("POST", `/products/${product.id}/reviews`, buyer.token, body, key), 201);
    const retry = await call("POST", `/products/${product.id}/reviews`, buyer.token, body, key);
    expect(retry.status).toBe(201);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(((await retry.json()) as Review).id).toBe(first.id);
    expect(await ratingOf(product.id)).toEqual({ average: 2, count: 1 });
    // the same key on the wishlist is another request: 422, not a replay
    await api.problem(call("PUT", `/wishlist/${product.id}`, buyer.token, undefined, key), 422, "validation_failed");
  });

  it("keeps rating_sum/rating_count exact under concurrent reviews", async () => {
    const product = await newProduct();
    const buyers = await Promise.all(Array.from({ length: 8 }, () => newUser()));
    for (const b of buyers) await order(b.id, product);
    const results = await Promise.all(
      buyers.map((b, i) => call("POST", `/products/${product.id}/reviews`, b.token, { rating: (i % 5) + 1, body: `r${i}` })),
    );
    expect(results.map((r) => r.status)).toEqual(buyers.map(() => 201));
    const sum = buyers.reduce((s, _b, i) => s + (i % 5) + 1, 0);
    const row = await env.DB.prepare("SELECT rating_sum, rating_count FROM products WHERE id = ?").bind(product.id).first();
    expect(row).toEqual({ rating_sum: sum, rating_count: 8 });
  });

  it("paginates newest first with a cursor; validates input; 401 and 404", async () => {
    const product = await newProduct();
    const buyers = await Promise.all(Array.from({ length: 3 }, () => newUser()));
    for (const [i, b] of buyers.entries()) {
      await order(b.id, product);
      await api.ok(call("POST", `/products/${product.id}/reviews`, b.token, { rating: 3, body: `number ${i}` }), 201);
    }
    await env.DB.prepare("UPDATE reviews SET created_at = 5 WHERE product_id = ?").bind(product.id).run();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Review[]; nextCursor: string | null } = await api.ok(
        call("GET", `/products/${product.id}/reviews?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`),
      );
      seen.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(3);
    expect([...seen].sort().reverse()).toEqual(seen);
    const b = buyers[0];
    for (const body of [
      { rating: 0, body: "x" },
      { rating: 6, body: "x" },
      { rating: 2.5, body: "x" },
      { rating: 3 },
      { rating: 3, body: "  " },
      { rating: "5", body: "x" },
    ]) {
      await api.problem(call("POST", `/products/${product.id}/reviews`, b?.token, body), 422, "validation_failed");
    }
    await api.problem(call("POST", `/products/${product.id}/reviews`, undefined, { rating: 3, body: "x" }), 401, "unauthorized");
    await api.problem(call("POST", "/products/unknown/reviews", b?.token, { rating: 3, body: "x" }), 404, "not_found");
    await api.problem(call("GET", "/products/unknown/reviews"), 404, "not_found");
    const draft = await newProduct("draft");
    await api.problem(call("GET", `/products/${draft.id}/reviews`), 404, "not_found");
    await api.problem(call("GET", `/products/${product.id}/reviews?cursor=bad`), 422, "validation_failed", ["cursor"]);
  });
});

describe("wishlist", () => {
  it("adds idempotently (201, then 200), lists own items newest first, removes (204, then 404)", async () => {
    const [me, other] = await Promise.all([newUser(), newUser()]);
    const a = await newProduct();
    const b = await newProduct();
    await api.ok(call("PUT", `/wishlist/${a.id}`, me.token), 201);
    await api.ok(call("PUT", `/wishlist/${a.id}`, me.token), 200);
    const added = await api.ok<{ productId: string; product: { id: string } }>(call("PUT", `/wishlist/${b.id}`, me.token), 201);
    expect(added.product.id).toBe(b.id);
    await env.DB.prepare("UPDATE wishlist_items SET created_at = created_at - 1000 WHERE user_id = ? AND product_id = ?")
      .bind(me.id, a.id)
      .run();
    const mine = await api.ok<{ items: { productId: string }[] }>(call("GET", "/wishlist", me.token));
    expect(mine.items.map((i) => i.productId)).toEqual([b.id, a.id]);
    const page = await api.ok<{ items: { productId: string }[]; nextCursor: string }>(call("GET", "/wishlist?limit=1", me.token));
    const rest = await api.ok<{ items: { productId: string }[] }>(
      call("GET", `/wishlist?limit=1&cursor=${encodeURIComponent(page.nextCursor)}`, me.token),
    );
    expect([...page.items, ...rest.items].map((i) => i.productId)).toEqual([b.id, a.id]);
    // isolation: the other customer sees nothing and cannot remove mine
    expect((await api.ok<{ items: unknown[] }>(call("GET", "/wishlist", other.token))).items).toEqual([]);
    await api.problem(call("DELETE", `/wishlist/${a.id}`, other.token), 404, "not_found");
    await api.ok(call("DELETE", `/wishlist/${a.id}`, me.token), 204);
    await api.problem(call("DELETE", `/wishlist/${a.id}`, me.token), 404, "not_found");
    // a deleted product drops out
    await api.ok(call("DELETE", `/products/${b.id}`, admin.token), 204);
    expect((await api.ok<{ items: unknown[] }>(call("GET", "/wishlist", me.token))).items).toEqual([]);
  });

  it("404 for unknown or draft products; 401 without a token", async () => {
    const me = await newUser();
    const draft = await newProduct("draft");
    await api.problem(call("PUT", `/wishlist/${draft.id}`, me.token), 404, "not_found");
    await api.problem(call("PUT", "/wishlist/unknown", me.token), 404, "not_found");
    await api.problem(call("PUT", "/wishlist/bad%20id", me.token), 422, "validation_failed");
    await api.problem(call("GET", "/wishlist"), 401, "unauthorized");
  });
});
