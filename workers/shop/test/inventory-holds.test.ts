import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { unwrap } from "@edgeworks/realtime";
import { describe, expect, it } from "vitest";
import { inventoryOf } from "../src/cart/inventory-client";
import { levelOf, makeProduct, mirrorOf } from "./cart-fixtures";

describe("Inventory Durable Object", () => {
  it("setStock mirrors stock and available into D1", async () => {
    const { productId, variantIds } = await makeProduct([{ stock: 7 }]);
    const [v] = variantIds as [string];
    expect(await levelOf(productId, v)).toEqual({ variantId: v, stock: 7, available: 7 });
    expect(await mirrorOf(v)).toMatchObject({ stock: 7, available: 7 });
  });

  it("reserve is absolute per holder, release gives back exactly, available = stock − live holds", async () => {
    const { productId, variantIds } = await makeProduct([{ stock: 10 }]);
    const [v] = variantIds as [string];
    const inv = inventoryOf(env, productId);
    expect(unwrap(await inv.reserve("cart:a", v, 3, 60_000))).toEqual({ conflict: false, variantId: v, quantity: 3, available: 7 });
    expect(unwrap(await inv.reserve("cart:a", v, 5, 60_000))).toMatchObject({ conflict: false, quantity: 5, available: 5 });
    expect(unwrap(await inv.reserve("cart:b", v, 5, null))).toMatchObject({ conflict: false, available: 0 });
    // nothing left for c; a's conflict says how much a itself could hold (its own 5)
    expect(unwrap(await inv.reserve("cart:c", v, 1, null))).toEqual({ conflict: true, variantId: v, available: 0 });
    expect(unwrap(await inv.reserve("cart:a", v, 6, null))).toEqual({ conflict: true, variantId: v, available: 5 });
    expect((await levelOf(productId, v)).available).toBe(0);
    expect(await mirrorOf(v)).toMatchObject({ stock: 10, available: 0 });
    unwrap(await inv.release("cart:a"));
    expect((await levelOf(productId, v)).available).toBe(5);
    unwrap(await inv.reserve("cart:b", v, 0, null));
    expect(await levelOf(productId, v)).toMatchObject({ stock: 10, available: 10 });
    expect(await mirrorOf(v)).toMatchObject({ stock: 10, available: 10 });
  });

  it("an unknown variant has nothing to reserve; bad arguments are validation failures", async () => {
    const { productId } = await makeProduct([{ stock: 1 }]);
    const inv = inventoryOf(env, productId);
    expect(unwrap(await inv.reserve("cart:a", "nope", 1, null))).toMatchObject({ conflict: true, available: 0 });
    expect(await inv.reserve("cart:a", "v", -1, null)).toMatchObject({ ok: false, code: "validation_failed" });
    expect(await inv.reserve("bad holder", "v", 1, null)).toMatchObject({ ok: false, code: "validation_failed" });
    expect(await inv.setStock("v", 1.5)).toMatchObject({ ok: false, code: "validation_failed" });
  });

  it("lowering stock below the held units leaves available at 0, never negative", async () => {
    const { productId, variantIds } = await makeProduct([{ stock: 5 }]);
    const [v] = variantIds as [string];
    const inv = inventoryOf(env, productId);
    unwrap(await inv.reserve("cart:a", v, 4, null));
    expect(unwrap(await inv.setStock(v, 2))).toEqual({ variantId: v, stock: 2, available: 0 });
    expect(await mirrorOf(v)).toMatchObject({ stock: 2, available: 0 });
    expect(unwrap(await inv.reserve("cart:b", v, 1, null))).toMatchObject({ conflict: true, available: 0 });
  });

  it("expired holds stop counting at once and are purged by the alarm", async () => {
    const { productId, variantIds } = await makeProduct([{ stock: 3 }]);
    const [v] = variantIds as [string];
    const inv = inventoryOf(env, productId);
    unwrap(await inv.reserve("cart:a", v, 3, 60_000));
    expect(await mirrorOf(v)).toMatchObject({ available: 0 });
    // age the hold inside the object
    await runInDurableObject(inv, async (_i, state) => {
      state.storage.sql.exec("UPDATE holds SET expires_at = ?", Date.now() - 1);
    });
    expect((await levelOf(productId, v)).available).toBe(3);
    expect(await runDurableObjectAlarm(inv)).toBe(true);
    expect(unwrap(await inv.holdsOf("cart:a", true))).toEqual([]);
    expect(await mirrorOf(v)).toMatchObject({ stock: 3, available: 3 });
  });

  it("transfer is all or nothing and re-reserves what had expired", async () => {
    const { productId, variantIds } = await makeProduct([{ stock: 4 }, { stock: 2 }]);
    const [v1, v2] = variantIds as [string, string];
    const inv = inventoryOf(env, productId);
    unwrap(await inv.reserve("cart:a", v1, 2, 60_000));
    unwrap(await inv.reserve("cart:a", v2, 2, 60_000));
    unwrap(await inv.reserve("cart:other", v1, 1, null));
    // v2 asks for 3 of 2: nothing moves
    const short = unwrap(
      await inv.transfer(
        "cart:a",
        "order:o1",
        [
          { variantId: v1, quantity: 2 },
          { variantId: v2, quantity: 3 },
        ],
        60_000,
      ),
    );
    expect(short).toEqual({ conflict: true, shortages: [{ variantId: v2, available: 2 }] });
    expect(unwrap(await inv.holdsOf("cart:a"))).toEqual(
      [
        { variantId: v1, quantity: 2 },
        { variantId: v2, quantity: 2 },
      ].sort((a, b) => (a.variantId < b.variantId ? -1 : 1)),
    );
    expect(unwrap(await inv.holdsOf("order:o1"))).toEqual([]);
    // expire a's holds: they are still a's to move while nobody else took them
    await runInDurableObject(inv, async (_i, state) => {
      state.storage.sql.exec("UPDATE holds SET expires_at = ? WHERE holder = 'cart:a'", Date.now() - 1);
    });
    const moved = unwrap(
      await inv.transfer(
        "cart:a",
        "order:o1",
        [
          { variantId: v1, quantity: 2 },
          { variantId: v2, quantity: 2 },
        ],
        60_000,
      ),
    );
    expect(moved.conflict).toBe(false);
    expect(unwrap(await inv.holdsOf("cart:a", true))).toEqual([]);
    expect((await levelOf(productId, v1)).available).toBe(1);
    expect((await levelOf(productId, v2)).available).toBe(0);
  });

  it("commit sells the holds once; restock is once per key", async () => {
    const { productId, variantIds } = await makeProduct([{ stock: 5 }]);
    const [v] = variantIds as [string];
    const inv = inventoryOf(env, productId);
    unwrap(await inv.reserve("order:o2", v, 2, 60_000));
    expect(unwrap(await inv.commit("order:o2"))).toEqual({ lines: [{ variantId: v, quantity: 2 }], shortfall: [], replayed: false });
    expect(unwrap(await inv.commit("order:o2"))).toEqual({ lines: [{ variantId: v, quantity: 2 }], shortfall: [], replayed: true });
    expect(await levelOf(productId, v)).toMatchObject({ stock: 3, available: 3 });
    expect(await mirrorOf(v)).toMatchObject({ stock: 3, available: 3 });
    expect(unwrap(await inv.restock("refund:r1", [{ variantId: v, quantity: 2 }])).replayed).toBe(false);
    expect(unwrap(await inv.restock("refund:r1", [{ variantId: v, quantity: 2 }])).replayed).toBe(true);
    expect(await levelOf(productId, v)).toMatchObject({ stock: 5, available: 5 });
  });

  it("commit with the expected lines sells them even after the holds were purged, reporting what was not free", async () => {
    const { productId, variantIds } = await makeProduct([{ stock: 4 }]);
    const [v] = variantIds as [string];
    const inv = inventoryOf(env, productId);
    unwrap(await inv.reserve("order:late", v, 3, 60_000));
    // the hold expired and was purged; someone else holds 2 of the 4 now
    await runInDurableObject(inv, async (_i, state) => {
      state.storage.sql.exec("DELETE FROM holds WHERE holder = 'order:late'");
    });
    unwrap(await inv.reserve("cart:other", v, 2, null));
    const committed = unwrap(await inv.commit("order:late", [{ variantId: v, quantity: 3 }]));
    expect(committed).toEqual({ lines: [{ variantId: v, quantity: 3 }], shortfall: [{ variantId: v, quantity: 1 }], replayed: false });
    expect(await levelOf(productId, v)).toMatchObject({ stock: 1, available: 0 });
    expect(unwrap(await inv.commit("order:late", [{ variantId: v, quantity: 3 }]))).toMatchObject({
      replayed: true,
      shortfall: [{ quantity: 1 }],
    });
    expect((await levelOf(productId, v)).stock).toBe(1);
  });

  it("the D1 mirror never takes an older version's values", async () => {
    const { productId, variantIds } = await makeProduct([{ stock: 5 }]);
    const [v] = variantIds as [string];
    const before = await mirrorOf(v);
    // a late write of an old version does not land
    await env.DB.prepare("UPDATE variants SET stock = 99, available = 99, inventory_version = ?1 WHERE id = ?2 AND inventory_version < ?1")
      .bind(before.version, v)
      .run();
    expect(await mirrorOf(v)).toMatchObject({ stock: 5, available: 5 });
    unwrap(await inventoryOf(env, productId).setStock(v, 6));
    const after = await mirrorOf(v);
    expect(after.version).toBeGreaterThan(before.version);
    expect(after.stock).toBe(6);
  });
});
