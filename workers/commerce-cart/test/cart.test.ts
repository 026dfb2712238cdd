import { env, runInDurableObject } from "cloudflare:test";
import { schemaVersion } from "@edgeworks/realtime";
import { describe, expect, it } from "vitest";
import { MAX_LINES } from "../src/do/cart";

const line = (productId: string, currency = "eur") => ({
  productId,
  sku: `S-${productId}`,
  name: `N ${productId}`,
  unitAmount: 100,
  currency,
  quantity: 1,
});
const fresh = () => env.CART.get(env.CART.idFromName(`user-${crypto.randomUUID()}`));

describe("the Cart Durable Object (CART)", () => {
  it("migrates its storage, sets and replaces quantities, keeps lines oldest first", async () => {
    const stub = fresh();
    expect(await stub.put(line("p1"), 1)).toMatchObject({ ok: true, value: [{ productId: "p1", quantity: 1, addedAt: 1 }] });
    await stub.put(line("p2"), 2);
    const replaced = await stub.put({ ...line("p1"), quantity: 7 }, 3);
    expect(replaced).toMatchObject({
      ok: true,
      value: [
        { productId: "p1", quantity: 7, addedAt: 1, updatedAt: 3 },
        { productId: "p2", quantity: 1 },
      ],
    });
    await runInDurableObject(stub, (_instance, state) => expect(schemaVersion(state.storage.sql)).toBe(2));
  });

  it("holds one currency and at most 50 products (409 as a Result), and 404 for removing a missing line", async () => {
    const stub = fresh();
    await stub.put(line("p0"), 1);
    expect(await stub.put(line("usd1", "usd"), 2)).toMatchObject({ ok: false, code: "conflict" });
    // the only line may change currency (it is the whole cart)
    expect(await stub.put(line("p0", "usd"), 2)).toMatchObject({ ok: true });
    for (let i = 1; i < MAX_LINES; i++) await stub.put(line(`p${i}`, "usd"), 3);
    expect(await stub.lines()).toHaveLength(MAX_LINES);
    expect(await stub.put(line("one-more", "usd"), 4)).toMatchObject({ ok: false, code: "conflict" });
    expect(await stub.put({ ...line("p3", "usd"), quantity: 5 }, 4)).toMatchObject({ ok: true });
    expect(await stub.remove("nope")).toMatchObject({ ok: false, code: "not_found" });
    expect(await stub.lines()).toHaveLength(MAX_LINES);
  });

  it("clears once per order id", async () => {
    const stub = fresh();
    await stub.put(line("p1"), 1);
    expect(await stub.clearForOrder("ord_1", 2)).toBe(true);
    expect(await stub.lines()).toEqual([]);
    await stub.put(line("p2"), 3);
    expect(await stub.clearForOrder("ord_1", 4)).toBe(false);
    expect(await stub.lines()).toHaveLength(1);
  });
});
