import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { unwrap } from "@edgeworks/realtime";
import { describe, expect, it } from "vitest";
import { inventoryOf } from "../src/cart/inventory-client";
import { levelOf, makeProduct, mirrorOf } from "./cart-fixtures";

describe("the D1 mirror of the Inventory object", () => {
  it("a failed mirror write does not fail the change; the alarm writes the mirror again", async () => {
    const { productId, variantIds } = await makeProduct([{ stock: 5 }]);
    const [v] = variantIds as [string];
    const inv = inventoryOf(env, productId);
    // D1 refuses the write: the variants table is briefly not there
    await env.DB.exec("ALTER TABLE variants RENAME TO variants_away");
    try {
      expect(unwrap(await inv.setStock(v, 8))).toEqual({ variantId: v, stock: 8, available: 8 });
      expect(unwrap(await inv.reserve("cart:m", v, 3, null))).toMatchObject({ conflict: false, available: 5 });
    } finally {
      await env.DB.exec("ALTER TABLE variants_away RENAME TO variants");
    }
    expect(await mirrorOf(v)).toMatchObject({ stock: 5, available: 5 });
    const dirty = await runInDurableObject(
      inv,
      async (_i, state) => state.storage.sql.exec<{ dirty: number }>("SELECT dirty FROM mirror").one().dirty,
    );
    expect(dirty).toBe(1);
    expect(await runDurableObjectAlarm(inv)).toBe(true);
    expect(await mirrorOf(v)).toMatchObject({ stock: 8, available: 5 });
    expect(await levelOf(productId, v)).toMatchObject({ stock: 8, available: 5 });
  });

  it("mirror writes that land out of order keep the newest values", async () => {
    const { productId, variantIds } = await makeProduct([{ stock: 20 }]);
    const [v] = variantIds as [string];
    const inv = inventoryOf(env, productId);
    await Promise.all(Array.from({ length: 20 }, (_, i) => inv.reserve(`cart:h${i}`, v, 1, null)));
    expect(await levelOf(productId, v)).toMatchObject({ available: 0 });
    expect(await mirrorOf(v)).toMatchObject({ stock: 20, available: 0 });
    await Promise.all(Array.from({ length: 20 }, (_, i) => inv.release(`cart:h${i}`)));
    expect(await mirrorOf(v)).toMatchObject({ stock: 20, available: 20 });
  });
});
