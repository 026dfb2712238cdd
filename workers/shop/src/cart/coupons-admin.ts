import { ApiError, decodeCursor, encodeCursor, notFound, toPage } from "@edgeworks/http";
import { and, desc, eq, lt, notExists, or, type SQL } from "drizzle-orm";
import { nanoid } from "nanoid";
import type { Db } from "../deps";
import type { CouponRow } from "./coupons";
import { couponRedemptions, coupons } from "./schema";
import type { Coupon, CreateCouponInput, UpdateCouponInput } from "./validation";

// The admin side of coupons: create, read, list, change, delete. The shop's customers only apply codes.

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const idsOf = (json: string): string[] => {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
};

/** The API shape of a coupon row. */
export function toCoupon(row: CouponRow): Coupon {
  return {
    id: row.id,
    code: row.code,
    kind: row.kind,
    value: row.value,
    currency: row.currency,
    minSubtotal: row.minSubtotal,
    startsAt: iso(row.startsAt),
    endsAt: iso(row.endsAt),
    perCustomerLimit: row.perCustomerLimit,
    usageCap: row.usageCap,
    used: row.used,
    productIds: idsOf(row.productIds),
    categoryIds: idsOf(row.categoryIds),
    active: row.active,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}

const fieldError = (path: string, message: string) =>
  new ApiError("validation_failed", message, { errors: [{ path, location: "body", message }] });

/** The rules across fields: percent 1..100 without a currency, fixed with one, the window in order. */
function checkCoupon(c: Pick<CouponRow, "kind" | "value" | "currency" | "startsAt" | "endsAt">): void {
  if (c.kind === "percent" && c.value > 100) throw fieldError("value", "A percent coupon's value is 1..100");
  if (c.kind === "percent" && c.currency !== null) throw fieldError("currency", "A percent coupon has no currency");
  if (c.kind === "fixed" && c.currency === null) throw fieldError("currency", "A fixed coupon needs a currency");
  if (c.startsAt !== null && c.endsAt !== null && c.endsAt <= c.startsAt) throw fieldError("endsAt", "Must be after startsAt");
}

const isUniqueViolation = (err: unknown): boolean => {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e.message.includes("UNIQUE constraint failed")) return true;
  }
  return false;
};
const codeTaken = () =>
  new ApiError("conflict", "Another coupon has this code", { errors: [{ path: "code", location: "body", message: "Taken" }] });

/** Creates a coupon (409 when the code, in any case, is taken). */
export async function createCoupon(db: Db, input: CreateCouponInput, now: number): Promise<Coupon> {
  const row: CouponRow = {
    id: nanoid(),
    code: input.code,
    kind: input.kind,
    value: input.value,
    currency: input.currency ?? null,
    minSubtotal: input.minSubtotal ?? 0,
    startsAt: input.startsAt ?? null,
    endsAt: input.endsAt ?? null,
    perCustomerLimit: input.perCustomerLimit ?? null,
    usageCap: input.usageCap ?? null,
    used: 0,
    productIds: JSON.stringify([...new Set(input.productIds ?? [])]),
    categoryIds: JSON.stringify([...new Set(input.categoryIds ?? [])]),
    active: input.active ?? true,
    createdAt: now,
    updatedAt: now,
  };
  checkCoupon(row);
  try {
    await db.insert(coupons).values(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw codeTaken();
    throw err;
  }
  return toCoupon(row);
}

/** A coupon by id, or 404. */
export async function getCoupon(db: Db, id: string): Promise<Coupon> {
  const row = await db.select().from(coupons).where(eq(coupons.id, id)).get();
  if (!row) throw notFound("Coupon");
  return toCoupon(row);
}

/** Coupons, newest first, keyset-paginated. */
export async function listCoupons(db: Db, q: { limit: number; cursor?: string }): Promise<{ items: Coupon[]; nextCursor: string | null }> {
  const scope = "coupons:createdAt:desc";
  let where: SQL | undefined;
  if (q.cursor !== undefined) {
    const [at, id] = decodeCursor(scope, q.cursor, 2);
    if (typeof at !== "number" || typeof id !== "string") throw new ApiError("validation_failed", "The cursor is invalid");
    where = or(lt(coupons.createdAt, at), and(eq(coupons.createdAt, at), lt(coupons.id, id)));
  }
  const rows = await db
    .select()
    .from(coupons)
    .where(where)
    .orderBy(desc(coupons.createdAt), desc(coupons.id))
    .limit(q.limit + 1)
    .all();
  const page = toPage(rows, q.limit, (last) => encodeCursor(scope, [last.createdAt, last.id]));
  return { items: page.items.map(toCoupon), nextCursor: page.nextCursor };
}

/** Changes the given fields (the cross-field rules are checked on the result); 404, 409 on a taken code. */
export async function updateCoupon(db: Db, id: string, input: UpdateCouponInput, now: number): Promise<Coupon> {
  const row = await db.select().from(coupons).where(eq(coupons.id, id)).get();
  if (!row) throw notFound("Coupon");
  const next: CouponRow = {
    ...row,
    ...Object.fromEntries(Object.entries(input).filter(([k, v]) => v !== undefined && k !== "productIds" && k !== "categoryIds")),
    ...(input.productIds !== undefined ? { productIds: JSON.stringify([...new Set(input.productIds)]) } : {}),
    ...(input.categoryIds !== undefined ? { categoryIds: JSON.stringify([...new Set(input.categoryIds)]) } : {}),
    updatedAt: now,
  };
  checkCoupon(next);
  try {
    await db
      .update(coupons)
      .set({
        code: next.code,
        kind: next.kind,
        value: next.value,
        currency: next.currency,
        minSubtotal: next.minSubtotal,
        startsAt: next.startsAt,
        endsAt: next.endsAt,
        perCustomerLimit: next.perCustomerLimit,
        usageCap: next.usageCap,
        productIds: next.productIds,
        categoryIds: next.categoryIds,
        active: next.active,
        updatedAt: now,
      })
      .where(eq(coupons.id, id));
  } catch (err) {
    if (isUniqueViolation(err)) throw codeTaken();
    throw err;
  }
  return getCoupon(db, id);
}

/** Deletes a coupon no order has used (409 otherwise: deactivate it instead); 404 when unknown. */
export async function deleteCoupon(db: Db, id: string): Promise<void> {
  // one statement: a claim racing the delete either lands first (409 here) or finds no coupon
  const gone = await db
    .delete(coupons)
    .where(
      and(
        eq(coupons.id, id),
        notExists(db.select({ id: couponRedemptions.id }).from(couponRedemptions).where(eq(couponRedemptions.couponId, id))),
      ),
    )
    .returning({ id: coupons.id });
  if (gone.length > 0) return;
  const row = await db.select({ id: coupons.id }).from(coupons).where(eq(coupons.id, id)).get();
  if (!row) throw notFound("Coupon");
  throw new ApiError("conflict", "This coupon has been used by orders; set active: false instead");
}
