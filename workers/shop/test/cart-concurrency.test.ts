import { env, runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { cartOf, userCartKey } from "../src/cart/cart-client";
import { levelOf, makeProduct, mirrorOf } from "./cart-fixtures";
import { api, newUser } from "./helpers";

describe("no oversell through the API", () => {
  it("200 customers add the same variant at once with 10 in stock: exactly 10 get it, 190 get a 409 with available 0", async () => {
    const { productId, variantIds } = await makeProduct([{ stock: 10 }]);
    const [v] = variantIds as [string];
    const users = await Promise.all(Array.from({ length: 200 }, () => newUser()));
    const responses = await Promise.all(users.map((u) => api.call("POST", "/cart/items", u.token, { variantId: v, quantity: 1 })));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(190);
    const conflicts = await Promise.all(
      responses.filter((r) => r.status === 409).map((r) => r.json() as Promise<{ available: number; variantId: string }>),
    );
    for (const c of conflicts) expect(c).toMatchObject({ available: 0, variantId: v });
    expect(await levelOf(productId, v)).toEqual({ variantId: v, stock: 10, available: 0 });
    expect(await mirrorOf(v)).toMatchObject({ stock: 10, available: 0 });
  }, 120_000);

  it("racing raises of one line in one cart never hold more than the line", async () => {
    const { productId, variantIds } = await makeProduct([{ stock: 50 }]);
    const [v] = variantIds as [string];
    const user = await newUser();
    const added = await api.ok<{ lines: { id: string }[] }>(api.call("POST", "/cart/items", user.token, { variantId: v, quantity: 1 }));
    const line = added.lines[0]?.id;
    await Promise.all(Array.from({ length: 20 }, (_, i) => api.call("PATCH", `/cart/items/${line}`, user.token, { quantity: i + 1 })));
    const cart = await api.ok<{ lines: { quantity: number }[] }>(api.call("GET", "/cart", user.token));
    const quantity = cart.lines[0]?.quantity ?? 0;
    expect((await levelOf(productId, v)).available).toBe(50 - quantity);
  }, 60_000);
});

describe("reservation expiry through the API", () => {
  it("an idle cart's stock comes back after the alarm; the next change reserves it again", async () => {
    const { productId, variantIds } = await makeProduct([{ stock: 3 }]);
    const [v] = variantIds as [string];
    const user = await newUser();
    const other = await newUser();
    await api.ok(api.call("POST", "/cart/items", user.token, { variantId: v, quantity: 3 }));
    expect((await api.call("POST", "/cart/items", other.token, { variantId: v, quantity: 1 })).status).toBe(409);
    expect((await levelOf(productId, v)).available).toBe(0);
    expect(await runDurableObjectAlarm(cartOf(env, userCartKey(user.id)))).toBe(true);
    expect(await levelOf(productId, v)).toMatchObject({ available: 3 });
    expect(await mirrorOf(v)).toMatchObject({ available: 3 });
    const idle = await api.ok<{ lines: { reserved: boolean; quantity: number }[] }>(api.call("GET", "/cart", user.token));
    expect(idle.lines).toMatchObject([{ reserved: false, quantity: 3 }]);
    // someone else takes one meanwhile: the idle cart can no longer hold all 3
    await api.ok(api.call("POST", "/cart/items", other.token, { variantId: v, quantity: 1 }));
    expect((await levelOf(productId, v)).available).toBe(2);
  });
});
