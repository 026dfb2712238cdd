import { env } from "cloudflare:test";
import { drizzle } from "drizzle-orm/d1";
import { nanoid } from "nanoid";
import { describe, expect, it } from "vitest";
import { claimCoupon, evaluateCoupon, releaseCoupon } from "../src/cart/coupons";
import { coupons } from "../src/cart/schema";
import { makeCategory, makeProduct } from "./cart-fixtures";

const db = drizzle(env.DB);

async function coupon(fields: Partial<typeof coupons.$inferInsert> = {}): Promise<{ id: string; code: string }> {
  const id = nanoid();
  const code = `C${nanoid(10)
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, "X")}`;
  const now = Date.now();
  await db.insert(coupons).values({ id, code, kind: "percent", value: 10, createdAt: now, updatedAt: now, ...fields });
  return { id, code };
}

const usedOf = (id: string) => env.DB.prepare("SELECT used FROM coupons WHERE id = ?").bind(id).first<number>("used");

describe("claimCoupon", () => {
  it("a cap of 5 under 50 concurrent claims: exactly 5 succeed and used is 5", async () => {
    const c = await coupon({ usageCap: 5 });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => claimCoupon(db, c.id, `user_${i}`, `order_${c.id}_${i}`, Date.now())),
    );
    expect(results.filter(Boolean)).toHaveLength(5);
    expect(await usedOf(c.id)).toBe(5);
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM coupon_redemptions WHERE coupon_id = ?").bind(c.id).first<number>("n");
    expect(rows).toBe(5);
  });

  it("the per-customer limit holds under concurrency, and a repeated claim of one order counts once", async () => {
    const c = await coupon({ perCustomerLimit: 2 });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => claimCoupon(db, c.id, "same_user", `o_${c.id}_${i}`, Date.now())),
    );
    expect(results.filter(Boolean)).toHaveLength(2);
    expect(await claimCoupon(db, c.id, "other_user", `o_${c.id}_x`, Date.now())).toBe(true);
    expect(await claimCoupon(db, c.id, "other_user", `o_${c.id}_x`, Date.now())).toBe(true);
    expect(await usedOf(c.id)).toBe(3);
  });

  it("releaseCoupon gives the use back", async () => {
    const c = await coupon({ usageCap: 1 });
    expect(await claimCoupon(db, c.id, "u1", `r_${c.id}_1`, Date.now())).toBe(true);
    expect(await claimCoupon(db, c.id, "u2", `r_${c.id}_2`, Date.now())).toBe(false);
    expect(await releaseCoupon(db, `r_${c.id}_1`)).toBe(true);
    expect(await releaseCoupon(db, `r_${c.id}_1`)).toBe(false);
    expect(await usedOf(c.id)).toBe(0);
    expect(await claimCoupon(db, c.id, "u2", `r_${c.id}_2`, Date.now())).toBe(true);
  });

  it("an inactive coupon cannot be claimed", async () => {
    const c = await coupon({ active: false });
    expect(await claimCoupon(db, c.id, "u", `i_${c.id}`, Date.now())).toBe(false);
  });
});

describe("evaluateCoupon", () => {
  const line = (productId: string, unitPrice: number, quantity = 1) => ({ productId, variantId: `v_${productId}`, unitPrice, quantity });
  const ask = (code: string, lines: ReturnType<typeof line>[], extra: { userId?: string | null; currency?: string; now?: number } = {}) =>
    evaluateCoupon(db, {
      code,
      userId: extra.userId ?? null,
      lines,
      subtotal: lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0),
      currency: extra.currency ?? "USD",
      now: extra.now ?? Date.now(),
    });
  const reason = async (p: Promise<unknown>) => {
    try {
      await p;
      return "applied";
    } catch (err) {
      return (err as { extensions?: { reason?: string } }).extensions?.reason;
    }
  };

  it("percent rounds down, fixed is capped by the subtotal, codes ignore case", async () => {
    const pct = await coupon({ kind: "percent", value: 15 });
    expect(await ask(pct.code.toLowerCase(), [line("p1", 999, 1)])).toEqual({ couponId: pct.id, code: pct.code, discount: 149 });
    const fixed = await coupon({ kind: "fixed", value: 5000, currency: "USD" });
    expect((await ask(fixed.code, [line("p1", 1200, 2)])).discount).toBe(2400);
    expect(await reason(ask(fixed.code, [line("p1", 1200)], { currency: "EUR" }))).toBe("currency");
  });

  it("refuses unknown, inactive, early, expired, below-minimum, exhausted and per-customer-used coupons", async () => {
    const now = Date.now();
    expect(await reason(ask("NOPE-NOT-HERE", [line("p", 100)]))).toBe("unknown");
    expect(await reason(ask((await coupon({ active: false })).code, [line("p", 100)]))).toBe("inactive");
    expect(await reason(ask((await coupon({ startsAt: now + 60_000 })).code, [line("p", 100)]))).toBe("not_started");
    expect(await reason(ask((await coupon({ endsAt: now - 1 })).code, [line("p", 100)]))).toBe("expired");
    expect(await reason(ask((await coupon({ minSubtotal: 5000 })).code, [line("p", 4999)]))).toBe("min_subtotal");
    expect(await reason(ask((await coupon({ usageCap: 1, used: 1 })).code, [line("p", 100)]))).toBe("exhausted");
    const limited = await coupon({ perCustomerLimit: 1 });
    expect(await claimCoupon(db, limited.id, "buyer", `l_${limited.id}`, now)).toBe(true);
    expect(await reason(ask(limited.code, [line("p", 100)], { userId: "buyer" }))).toBe("customer_limit");
    expect(await reason(ask(limited.code, [line("p", 100)], { userId: "someone_else" }))).toBe("applied");
  });

  it("restrictions: only named products and categories (with descendants) are discounted", async () => {
    const root = await makeCategory();
    const child = await makeCategory(root);
    const other = await makeCategory();
    const inChild = await makeProduct([{}], { categoryId: child.id });
    const inOther = await makeProduct([{}], { categoryId: other.id });
    const named = await makeProduct([{}]);
    const byCategory = await coupon({ kind: "percent", value: 50, categoryIds: JSON.stringify([root.id]) });
    const lines = [line(inChild.productId, 1000), line(inOther.productId, 1000), line(named.productId, 400)];
    expect((await ask(byCategory.code, lines)).discount).toBe(500);
    const byProduct = await coupon({ kind: "fixed", value: 1000, currency: "USD", productIds: JSON.stringify([named.productId]) });
    expect((await ask(byProduct.code, lines)).discount).toBe(400);
    expect(await reason(ask(byProduct.code, [line(inOther.productId, 1000)]))).toBe("not_eligible");
  });

  it("restricted to 100 categories, on a cart of 50 products (D1 binds at most 100 parameters per statement)", async () => {
    const cats = await Promise.all(Array.from({ length: 100 }, () => makeCategory()));
    const child = await makeCategory(cats[99]);
    const inChild = await makeProduct([{}], { categoryId: child.id });
    const outside = await Promise.all(Array.from({ length: 49 }, () => makeProduct([{}])));
    const wide = await coupon({ kind: "percent", value: 50, categoryIds: JSON.stringify(cats.map((c) => c.id)) });
    const lines = [line(inChild.productId, 1000), ...outside.map((p) => line(p.productId, 100))];
    expect((await ask(wide.code, lines)).discount).toBe(500);
  });
});
