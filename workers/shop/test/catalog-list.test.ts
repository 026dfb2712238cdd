import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { api, call, newAdmin, newUser } from "./helpers";

// GET /products: filters (category with descendants, price, currency, attributes, inStock, q), sorts
// (newest, price, -price, rating, relevance) and keyset cursors (ties, foreign and forged cursors).

interface Summary {
  id: string;
  title: string;
  minPrice: number;
  status: string;
  inStock: boolean;
  rating: { average: number | null; count: number };
}
interface Page {
  items: Summary[];
  nextCursor: string | null;
}

let admin = { id: "", token: "" };
let customer = { id: "", token: "" };
const uniq = () => crypto.randomUUID().slice(0, 8).toLowerCase();

const category = async (parentId?: string) =>
  (await api.ok<{ id: string }>(call("POST", "/categories", admin.token, { name: `c ${uniq()}`, ...(parentId ? { parentId } : {}) }), 201))
    .id;

interface Make {
  title?: string;
  description?: string;
  categoryId?: string;
  status?: string;
  currency?: string;
  variants?: { price: number; stock?: number; attributes?: Record<string, string>; sku?: string }[];
}
const product = async (m: Make = {}) =>
  api.ok<{ id: string; variants: { id: string }[] }>(
    call("POST", "/products", admin.token, {
      title: m.title ?? `Item ${uniq()}`,
      description: m.description ?? "",
      categoryId: m.categoryId,
      status: m.status ?? "active",
      currency: m.currency ?? "USD",
      variants: (m.variants ?? [{ price: 1000 }]).map((v) => ({
        sku: v.sku ?? `S-${uniq()}`,
        title: "v",
        price: v.price,
        stock: v.stock ?? 1,
        attributes: v.attributes ?? {},
      })),
    }),
    201,
  );

const list = (query: string, token?: string) => api.ok<Page>(call("GET", `/products?${query}`, token));

/** Every page of a query, following nextCursor with `limit`. */
async function all(query: string, limit: number, token?: string): Promise<Summary[]> {
  const out: Summary[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 50; i++) {
    const page: Page = await list(`${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, token);
    out.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return out;
}

beforeAll(async () => {
  admin = await newAdmin();
  customer = await newUser();
});

describe("filters", () => {
  it("category includes its descendants, not its siblings", async () => {
    const root = await category();
    const child = await category(root);
    const grandchild = await category(child);
    const sibling = await category();
    const a = await product({ categoryId: root });
    const b = await product({ categoryId: grandchild });
    await product({ categoryId: sibling });
    const ids = (await list(`category=${root}`)).items.map((p) => p.id).sort();
    expect(ids).toEqual([a.id, b.id].sort());
    expect((await list(`category=${child}`)).items.map((p) => p.id)).toEqual([b.id]);
    expect((await list("category=unknown")).items).toEqual([]);
  });

  it("price range, currency, inStock and attributes (per variant, case-insensitive)", async () => {
    const cat = await category();
    const cheapRed = await product({ categoryId: cat, variants: [{ price: 500, stock: 2, attributes: { Color: "Red", size: "S" } }] });
    const dearBlue = await product({
      categoryId: cat,
      variants: [
        { price: 5000, stock: 0, attributes: { color: "blue", size: "M" } },
        { price: 7000, stock: 4, attributes: { color: "red", size: "L" } },
      ],
    });
    const euro = await product({ categoryId: cat, currency: "EUR", variants: [{ price: 800, stock: 1, attributes: { color: "green" } }] });
    const ids = async (q: string) => (await list(`category=${cat}&${q}`)).items.map((p) => p.id).sort();
    expect(await ids("minPrice=600")).toEqual([dearBlue.id, euro.id].sort());
    expect(await ids("maxPrice=800")).toEqual([cheapRed.id, euro.id].sort());
    expect(await ids("minPrice=600&maxPrice=800")).toEqual([euro.id]);
    expect(await ids("currency=EUR")).toEqual([euro.id]);
    expect(await ids("attr=color:RED")).toEqual([cheapRed.id, dearBlue.id].sort());
    // one variant must match every name: blue is size M, so blue+L matches nothing
    expect(await ids("attr=color:blue&attr=size:l")).toEqual([]);
    expect(await ids("attr=color:blue&attr=size:M")).toEqual([dearBlue.id]);
    // the same name twice: any of its values
    expect(await ids("attr=color:blue&attr=color:green")).toEqual([dearBlue.id, euro.id].sort());
    // in stock and the attribute on the same variant: the blue one has none
    expect(await ids("attr=color:blue&inStock=true")).toEqual([]);
    expect(await ids("inStock=true")).toEqual([cheapRed.id, dearBlue.id, euro.id].sort());
    await api.ok(call("PATCH", `/products/${euro.id}/variants/${euro.variants[0]?.id}`, admin.token, { stock: 0 }));
    expect(await ids("inStock=true")).toEqual([cheapRed.id, dearBlue.id].sort());
    const row = (await list(`category=${cat}&currency=EUR`)).items[0];
    expect(row?.inStock).toBe(false);
  });

  it("non-admins see active products only; admins every status", async () => {
    const cat = await category();
    const active = await product({ categoryId: cat });
    const draft = await product({ categoryId: cat, status: "draft" });
    const archived = await product({ categoryId: cat, status: "archived" });
    expect((await list(`category=${cat}`)).items.map((p) => p.id)).toEqual([active.id]);
    expect((await list(`category=${cat}`, customer.token)).items.map((p) => p.id)).toEqual([active.id]);
    expect((await list(`category=${cat}`, admin.token)).items.map((p) => p.id).sort()).toEqual([active.id, draft.id, archived.id].sort());
    expect((await list(`category=${cat}&status=draft`, admin.token)).items.map((p) => p.id)).toEqual([draft.id]);
    await api.problem(call("GET", `/products?category=${cat}&status=draft`, customer.token), 403, "forbidden");
    await api.ok(call("DELETE", `/products/${active.id}`, admin.token), 204);
    expect((await list(`category=${cat}`)).items).toEqual([]);
  });

  it("validates the query (422)", async () => {
    for (const q of [
      "limit=0",
      "limit=101",
      "minPrice=-1",
      "minPrice=abc",
      "sort=cheapest",
      "attr=color",
      "attr=:red",
      "inStock=yes",
      "currency=usd",
      "sort=relevance",
    ]) {
      await api.problem(call("GET", `/products?${q}`), 422, "validation_failed");
    }
    await api.problem(call("GET", "/products?minPrice=10&maxPrice=5"), 422, "validation_failed", ["maxPrice"]);
    await api.problem(call("GET", `/products?q=${encodeURIComponent('"" ** ---')}`), 422, "validation_failed", ["q"]);
  });
});

describe("sorts and cursors", () => {
  it("price and -price page through ties by id, every product once", async () => {
    const cat = await category();
    const prices = [300, 100, 300, 200, 300, 100];
    const made = [];
    for (const price of prices) made.push({ id: (await product({ categoryId: cat, variants: [{ price }] })).id, price });
    const asc = await all(`category=${cat}&sort=price`, 2);
    const expected = [...made].sort((a, b) => a.price - b.price || (a.id < b.id ? -1 : 1));
    expect(asc.map((p) => p.id)).toEqual(expected.map((p) => p.id));
    const desc = await all(`category=${cat}&sort=-price`, 4);
    expect(desc.map((p) => p.id)).toEqual([...expected].reverse().map((p) => p.id));
  });

  it("newest breaks equal times by id", async () => {
    const cat = await category();
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await product({ categoryId: cat })).id);
    // three share one created_at
    await env.DB.prepare("UPDATE products SET created_at = 1000 WHERE id IN (?, ?, ?)").bind(ids[0], ids[2], ids[4]).run();
    const page = await all(`category=${cat}`, 1);
    const tied = [ids[0], ids[2], ids[4]].sort().reverse();
    expect(page.map((p) => p.id)).toEqual([ids[3], ids[1], ...tied]);
  });

  it("rating: highest average first, unrated last, ties by id", async () => {
    const cat = await category();
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push((await product({ categoryId: cat })).id);
    const rate = (id: string | undefined, sum: number, count: number) =>
      env.DB.prepare("UPDATE products SET rating_sum = ?, rating_count = ? WHERE id = ?").bind(sum, count, id).run();
    await rate(ids[0], 9, 2); // 4.5
    await rate(ids[1], 5, 1); // 5
    await rate(ids[2], 18, 4); // 4.5
    const sorted = await all(`category=${cat}&sort=rating`, 1);
    const tie = [ids[0], ids[2]].sort().reverse();
    expect(sorted.map((p) => p.id)).toEqual([ids[1], ...tie, ids[3]]);
    expect(sorted[0]?.rating).toEqual({ average: 5, count: 1 });
  });

  it("a cursor only continues its own list: another sort, other filters or a forged one are 422", async () => {
    const cat = await category();
    for (let i = 0; i < 3; i++) await product({ categoryId: cat });
    const first = await list(`category=${cat}&sort=price&limit=1`);
    expect(first.nextCursor).not.toBeNull();
    const cursor = encodeURIComponent(first.nextCursor ?? "");
    await api.ok(call("GET", `/products?category=${cat}&sort=price&limit=1&cursor=${cursor}`));
    await api.problem(call("GET", `/products?category=${cat}&sort=newest&cursor=${cursor}`), 422, "validation_failed", ["cursor"]);
    await api.problem(call("GET", `/products?sort=price&cursor=${cursor}`), 422, "validation_failed", ["cursor"]);
    const forged = btoa(JSON.stringify(["products:price:x", "1 OR 1=1", "id"]));
    await api.problem(call("GET", `/products?sort=price&cursor=${encodeURIComponent(forged)}`), 422, "validation_failed", ["cursor"]);
    await api.problem(call("GET", "/products?cursor=%%%"), 422, "validation_failed", ["cursor"]);
  });
});

describe("full-text search", () => {
  it("matches title, description and SKUs; ranks title hits first; pages by relevance", async () => {
    const word = `zq${uniq().replace(/[^a-z]/g, "")}x`;
    const inTitle = await product({ title: `The ${word} jacket` });
    const inDescription = await product({ description: `Warm, goes well with a ${word} hat and other things to wear outside` });
    const bySku = await product({ variants: [{ price: 100, sku: `SKU-${word.toUpperCase()}` }] });
    await product({ title: "unrelated" });
    const found = await all(`q=${word}`, 1);
    expect(found.map((p) => p.id)).toEqual([inTitle.id, bySku.id, inDescription.id]);
    // prefix, phrases, operators as plain words, no 500 for FTS syntax
    expect((await list(`q=${word.slice(0, 5)}*`)).items.length).toBeGreaterThanOrEqual(3);
    expect((await list(`q=${encodeURIComponent(`"${word} jacket"`)}`)).items.map((p) => p.id)).toEqual([inTitle.id]);
    for (const hostile of [`${word} OR x`, `${word} NEAR(`, `"${word}`, `${word} -x`, `title:${word}`, `${word}) AND (`]) {
      await api.ok(call("GET", `/products?q=${encodeURIComponent(hostile)}`));
    }
    // a title change and a removed variant update the index
    await api.ok(call("PATCH", `/products/${inTitle.id}`, admin.token, { title: "Plain jacket" }));
    expect((await list(`q=${word}`)).items.map((p) => p.id)).toEqual([bySku.id, inDescription.id]);
    // sort=price with q
    expect((await list(`q=${word}&sort=price`)).items.length).toBe(2);
  });
});

describe("a larger catalog", () => {
  it("answers filtered, sorted and searched pages over 2000 products, each page in its order (speed is for pnpm bench)", async () => {
    const cat = await category();
    const sub = await category(cat);
    const words = ["linen", "wool", "cotton", "denim", "silk"];
    const now = Date.now();
    const statements: D1PreparedStatement[] = [];
    for (let i = 0; i < 2000; i++) {
      const id = `bulk_${uniq()}${i}`;
      statements.push(
        env.DB.prepare(
          "INSERT INTO products (id, slug, title, description, category_id, status, currency, min_price, rating_sum, rating_count, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'active', 'USD', ?, ?, ?, ?, ?)",
        ).bind(
          id,
          id.toLowerCase(),
          `${words[i % 5]} shirt ${i}`,
          `A ${words[(i + 2) % 5]} blend`,
          i % 2 ? sub : cat,
          (i * 37) % 10_000,
          i % 11,
          i % 3,
          now - i,
          now - i,
        ),
        env.DB.prepare(
          "INSERT INTO variants (id, product_id, sku, title, price, currency, attributes, stock, available, created_at, updated_at) VALUES (?, ?, ?, 'one', ?, 'USD', '{}', ?, ?, ?, ?)",
        ).bind(`${id}_v`, id, `BULK-${uniq()}-${i}`, (i * 37) % 10_000, i % 4, i % 4, now, now),
        env.DB.prepare("INSERT INTO variant_attributes (variant_id, product_id, name, value) VALUES (?, ?, 'color', ?)").bind(
          `${id}_v`,
          id,
          ["red", "blue"][i % 2],
        ),
      );
    }
    for (let i = 0; i < statements.length; i += 300) await env.DB.batch(statements.slice(i, i + 300));
    const queries = [
      `category=${cat}&limit=50`,
      `category=${cat}&sort=price&minPrice=1000&maxPrice=5000&limit=50`,
      `category=${cat}&sort=rating&inStock=true&attr=color:red&limit=50`,
      "q=wool&limit=50",
      `q=wool%20shirt&category=${cat}&sort=-price&limit=50`,
    ];
    for (const q of queries) {
      const page = await list(q);
      expect(page.items.length, q).toBe(50);
      expect(page.nextCursor, q).not.toBeNull();
    }
    const byPrice = await list(`category=${cat}&sort=price&minPrice=1000&maxPrice=5000&limit=50`);
    const prices = byPrice.items.map((p) => p.minPrice);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    expect(prices.every((p) => p >= 1000 && p <= 5000)).toBe(true);
  }, 120_000);
});

describe("summaries without a search (single-table query)", () => {
  const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]);
  interface Pictured {
    id: string;
    inStock: boolean;
    image: { id: string; alt: string } | null;
  }
  const find = async (query: string, id: string, token?: string) =>
    (await api.ok<{ items: Pictured[] }>(call("GET", `/products?${query}`, token))).items.find((i) => i.id === id);

  it("a plain list, inStock=true, attr= and the wishlist show inStock true and the first image (found by H)", async () => {
    const cat = await category();
    const made = await product({ categoryId: cat, variants: [{ price: 700, stock: 5, attributes: { color: "teal" } }] });
    const upload = async (alt: string) =>
      (
        await api.ok<{ id: string }>(
          api.fetch(`/products/${made.id}/images?alt=${alt}`, {
            method: "POST",
            headers: { Authorization: `Bearer ${admin.token}`, "Content-Type": "image/png" },
            body: PNG,
          }),
          201,
        )
      ).id;
    const first = await upload("front");
    await upload("back");
    const soldOut = await product({ categoryId: cat, variants: [{ price: 700, stock: 0 }] });
    for (const query of [`category=${cat}`, `category=${cat}&inStock=true`, `category=${cat}&attr=color:teal`, "limit=100"]) {
      const item = await find(query, made.id);
      expect(item, query).toMatchObject({ inStock: true, image: { id: first, alt: "front" } });
    }
    expect(await find(`category=${cat}`, soldOut.id)).toMatchObject({ inStock: false, image: null });
    await api.ok(call("PUT", `/wishlist/${made.id}`, customer.token), 201);
    const wish = await api.ok<{ items: { productId: string; product: Pictured }[] }>(call("GET", "/wishlist", customer.token));
    expect(wish.items.find((i) => i.productId === made.id)?.product).toMatchObject({ inStock: true, image: { id: first } });
  });
});
