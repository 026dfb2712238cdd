import { ApiError } from "@edgeworks/http";
import { and, count, eq, inArray, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import { nanoid } from "nanoid";
import { categories, products } from "../catalog/schema";
import type { Db } from "../deps";
import { couponRedemptions, coupons } from "./schema";

/** A coupon row as drizzle reads it. */
export type CouponRow = typeof coupons.$inferSelect;

/** A priced cart or order line, as a coupon sees it. */
export interface CouponLine {
  productId: string;
  variantId: string;
  quantity: number;
  unitPrice: number;
}

/** What {@link evaluateCoupon} is asked about. */
export interface CouponQuery {
  code: string;
  /** The customer (per-customer limit); null for an anonymous cart (checked again at checkout). */
  userId: string | null;
  lines: readonly CouponLine[];
  /** Σ unitPrice × quantity of `lines`. */
  subtotal: number;
  currency: string;
  /** Epoch ms. */
  now: number;
}

/** An applicable coupon and the discount it gives these lines (minor units, ≤ the eligible subtotal). */
export interface CouponDiscount {
  couponId: string;
  code: string;
  discount: number;
}

/** Why a coupon does not apply (the `reason` member of the 422 problem). */
export type CouponRefusal =
  | "unknown"
  | "inactive"
  | "not_started"
  | "expired"
  | "currency"
  | "min_subtotal"
  | "exhausted"
  | "customer_limit"
  | "not_eligible";

const REFUSALS: Record<CouponRefusal, string> = {
  unknown: "No such coupon",
  inactive: "This coupon is not active",
  not_started: "This coupon is not valid yet",
  expired: "This coupon has expired",
  currency: "This coupon is for another currency",
  min_subtotal: "The subtotal is below this coupon's minimum",
  exhausted: "This coupon has been used up",
  customer_limit: "You have used this coupon as often as allowed",
  not_eligible: "No item in the cart is eligible for this coupon",
};

/** The 422 problem of a coupon that does not apply; `reason` says why. */
export function couponRefused(reason: CouponRefusal, extra: Record<string, unknown> = {}): ApiError {
  return new ApiError("validation_failed", REFUSALS[reason], {
    errors: [{ path: "code", location: "body", message: REFUSALS[reason] }],
    extensions: { reason, ...extra },
  });
}

/** Codes are case-insensitive: stored and compared uppercased (ASCII), trimmed. */
export const normalizeCode = (code: string): string => code.trim().toUpperCase();

const parseIds = (json: string): string[] => {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
};

/** The coupon with this code (any case), or undefined. */
export async function couponByCode(db: Db, code: string): Promise<CouponRow | undefined> {
  const normalized = normalizeCode(code);
  if (normalized.length === 0 || normalized.length > 64) return undefined;
  return db.select().from(coupons).where(eq(coupons.code, normalized)).get();
}

/**
 * The lines a coupon's restrictions allow: all of them when it names no product and no category,
 * otherwise those whose product is named or lies in a named category or one of its descendants.
 */
export async function eligibleLines(db: Db, coupon: CouponRow, lines: readonly CouponLine[]): Promise<CouponLine[]> {
  const productIds = parseIds(coupon.productIds);
  const categoryIds = parseIds(coupon.categoryIds);
  if (productIds.length === 0 && categoryIds.length === 0) return [...lines];
  const named = new Set(productIds);
  const rest = [...new Set(lines.map((l) => l.productId).filter((id) => !named.has(id)))];
  if (categoryIds.length > 0 && rest.length > 0) {
    const roots = await db.select({ path: categories.path }).from(categories).where(inArray(categories.id, categoryIds)).all();
    if (roots.length > 0) {
      // a product is in a named category's subtree when its category's path starts with that category's path;
      // compared here, not in SQL (≤ 100 roots × 2 parameters would pass D1's 100 bound parameters per statement)
      const rows = await db
        .select({ id: products.id, path: categories.path })
        .from(products)
        .innerJoin(categories, eq(categories.id, products.categoryId))
        .where(inArray(products.id, rest))
        .all();
      for (const row of rows) if (roots.some((r) => row.path.startsWith(r.path))) named.add(row.id);
    }
  }
  return lines.filter((l) => named.has(l.productId));
}

/** How many orders of this customer used the coupon. */
async function usesBy(db: Db, couponId: string, userId: string): Promise<number> {
  const row = await db
    .select({ n: count() })
    .from(couponRedemptions)
    .where(and(eq(couponRedemptions.couponId, couponId), eq(couponRedemptions.userId, userId)))
    .get();
  return row?.n ?? 0;
}

/**
 * Whether `code` applies to these lines now, and the discount it gives: percent of the eligible
 * subtotal (rounded down) or the fixed amount (at most the eligible subtotal). Refusals are ApiError 422
 * with a `reason` ({@link CouponRefusal}). Cap and per-customer limit are checked as they stand; the
 * exact check is {@link claimCoupon}'s, at checkout.
 */
export async function evaluateCoupon(db: Db, q: CouponQuery): Promise<CouponDiscount> {
  const coupon = await couponByCode(db, q.code);
  if (!coupon) throw couponRefused("unknown");
  if (!coupon.active) throw couponRefused("inactive");
  if (coupon.startsAt !== null && q.now < coupon.startsAt) throw couponRefused("not_started");
  if (coupon.endsAt !== null && q.now >= coupon.endsAt) throw couponRefused("expired");
  if (coupon.kind === "fixed" && coupon.currency !== q.currency) throw couponRefused("currency");
  if (q.subtotal < coupon.minSubtotal) throw couponRefused("min_subtotal", { minSubtotal: coupon.minSubtotal });
  if (coupon.usageCap !== null && coupon.used >= coupon.usageCap) throw couponRefused("exhausted");
  if (q.userId !== null && coupon.perCustomerLimit !== null && (await usesBy(db, coupon.id, q.userId)) >= coupon.perCustomerLimit) {
    throw couponRefused("customer_limit");
  }
  const eligible = await eligibleLines(db, coupon, q.lines);
  if (eligible.length === 0) throw couponRefused("not_eligible");
  const base = eligible.reduce((sum, l) => sum + l.unitPrice * l.quantity, 0);
  const discount = coupon.kind === "percent" ? Math.floor((base * coupon.value) / 100) : Math.min(coupon.value, base);
  return { couponId: coupon.id, code: coupon.code, discount };
}

/**
 * Records that `orderId` used the coupon, exactly: one conditional INSERT … SELECT checks the global
 * cap (redemptions so far < usage_cap) and the customer's limit inside the statement that writes, so
 * of any number of concurrent claims at most the cap succeed and a loser changes nothing; the same
 * batch then recounts `used`. True when this order holds a redemption afterwards (a repeated claim of
 * the same order is true and changes nothing); false when the cap or the limit was reached or the
 * coupon is inactive.
 */
export async function claimCoupon(db: Db, couponId: string, userId: string, orderId: string, now: number): Promise<boolean> {
  const r = couponRedemptions;
  const c = coupons;
  const redemptionsOf = (...where: SQL[]) =>
    db
      .select({ n: count() })
      .from(r)
      .where(and(eq(r.couponId, couponId), ...where));
  const [inserted] = await db.batch([
    db
      .insert(r)
      .select(
        db
          .select({
            id: sql<string>`${nanoid()}`.as("id"),
            couponId: c.id,
            userId: sql<string>`${userId}`.as("user_id"),
            orderId: sql<string>`${orderId}`.as("order_id"),
            createdAt: sql<number>`${now}`.as("created_at"),
          })
          .from(c)
          .where(
            and(
              eq(c.id, couponId),
              eq(c.active, true),
              or(isNull(c.usageCap), lt(redemptionsOf(), c.usageCap)),
              or(isNull(c.perCustomerLimit), lt(redemptionsOf(eq(r.userId, userId)), c.perCustomerLimit)),
            ),
          ),
      )
      .onConflictDoNothing({ target: r.orderId }),
    db
      .update(c)
      .set({ used: sql`(${redemptionsOf()})` })
      .where(eq(c.id, couponId)),
  ]);
  if (inserted.meta.changes > 0) return true;
  const mine = await db
    .select({ id: r.id })
    .from(r)
    .where(and(eq(r.orderId, orderId), eq(r.couponId, couponId)))
    .get();
  return mine !== undefined;
}

/** Gives back the coupon use of an order cancelled before payment (none: nothing happens). True when one was released. */
export async function releaseCoupon(db: Db, orderId: string): Promise<boolean> {
  const r = couponRedemptions;
  const gone = await db.delete(r).where(eq(r.orderId, orderId)).returning({ couponId: r.couponId });
  const couponId = gone[0]?.couponId;
  if (couponId === undefined) return false;
  await db
    .update(coupons)
    .set({ used: sql`(${db.select({ n: count() }).from(r).where(eq(r.couponId, couponId))})` })
    .where(eq(coupons.id, couponId));
  return true;
}
