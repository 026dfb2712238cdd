import { isoDateTime, pageSchema, paginationQuery, problemSchema } from "@edgeworks/http";
import { z } from "@hono/zod-openapi";
import { MAX_LINE_QUANTITY } from "./cart-types";

// Request and response schemas of the cart and coupon routes. Patterns are linear and length-checked first.

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const CODE = /^[A-Za-z0-9_-]{1,40}$/;
const CURRENCY = /^[A-Z]{3}$/;

/** An id in a body: 1..64 URL-safe characters. */
const id = (description: string) =>
  z
    .string()
    .max(64, "Must be at most 64 characters")
    .regex(ID, "Must be an id of 1-64 URL-safe characters")
    .openapi({ description, example: "V1StGXR8_Z5jdHi6B-myT" });

const quantity = z
  .number()
  .int("Must be an integer")
  .min(1, "Must be at least 1")
  .max(MAX_LINE_QUANTITY, `Must be at most ${MAX_LINE_QUANTITY}`)
  .openapi({ description: `1..${MAX_LINE_QUANTITY} units`, example: 2 });

/** A coupon code: 1..40 of A-Z, 0-9, `_`, `-`; case-insensitive (stored uppercased). */
export const couponCode = z
  .string()
  .max(40, "Must be at most 40 characters")
  .regex(CODE, "Must be 1..40 letters, digits, _ or -")
  .transform((s) => s.toUpperCase())
  .openapi({ description: "Case-insensitive: 1..40 letters, digits, `_` or `-`", example: "SPRING10" });

/** POST /cart/items: a variant and how many to add. */
export const addItemBody = z
  .object({ variantId: id("The variant to add"), quantity })
  .strict()
  .openapi("AddCartItem");
/** PATCH /cart/items/{id}: the line's new quantity. */
export const setQuantityBody = z.object({ quantity }).strict().openapi("SetCartItemQuantity");
/** PUT /cart/coupon: the code to apply. */
export const couponBody = z.object({ code: couponCode }).strict().openapi("CartCoupon");

/** The `{id}` of a cart line (422 when it cannot be an id). */
export const lineIdParams = z.object({
  id: z
    .string()
    .max(64)
    .regex(ID, "Must be an id of 1-64 URL-safe characters")
    .openapi({ param: { name: "id", in: "path" }, description: "Cart line id", example: "V1StGXR8_Z5jdHi6B-myT" }),
});

const isoOut = z.iso.datetime().openapi({ example: "2026-04-30T09:15:00.000Z" });
const money = z.number().int().openapi({ description: "Minor units of the cart's currency", example: 1999 });

/** One line of the cart as the API shows it. */
export const cartLineSchema = z
  .object({
    id: z.string(),
    productId: z.string(),
    variantId: z.string(),
    sku: z.string(),
    title: z.string(),
    quantity: z.number().int(),
    unitPrice: money,
    currency: z.string().openapi({ example: "USD" }),
    lineTotal: money,
    reserved: z.boolean().openapi({ description: "Whether the stock of this line is held for the cart now (false after 15 idle minutes)" }),
  })
  .openapi("CartLine");

/** The cart as the API shows it: lines, totals and the coupon's estimated discount. */
export const cartSchema = z
  .object({
    id: z.string().openapi({ description: "The cart's id" }),
    lines: z.array(cartLineSchema),
    currency: z.string().nullable().openapi({ description: "The one currency of the cart; null while empty", example: "USD" }),
    subtotal: money,
    coupon: z
      .object({
        code: z.string(),
        applies: z.boolean(),
        reason: z.string().nullable().openapi({ description: "Why it does not apply now (e.g. `min_subtotal`); null when it does" }),
        discount: money,
      })
      .nullable()
      .openapi({ description: "The coupon and its estimated discount (checked again at checkout)" }),
    discount: money,
    total: money.openapi({ description: "subtotal − discount, before tax and shipping" }),
    updatedAt: isoOut,
  })
  .openapi("Cart");
/** The body of every cart route. */
export type CartResponse = z.infer<typeof cartSchema>;

/** The 409 of a cart change that needs more stock than is left. */
export const stockProblemSchema = problemSchema
  .extend({
    variantId: z.string(),
    available: z.number().int().openapi({ description: "The most this cart can hold of the variant now" }),
  })
  .openapi("StockProblem");

// ---- coupons (admin) ----

const KINDS = ["percent", "fixed"] as const;
const ids = (what: string) =>
  z
    .array(id(`A ${what} id`))
    .max(100, "At most 100")
    .openapi({ description: `Restricts the discount to these ${what}s` });
const limit = (description: string) =>
  z.number().int("Must be an integer").min(1, "Must be at least 1").max(1_000_000_000).openapi({ description });
const time = (description: string) => isoDateTime().openapi({ description, example: "2026-05-01T00:00:00Z" });

const couponFields = {
  code: couponCode,
  kind: z.enum(KINDS).openapi({ description: "`percent` (value 1..100) or `fixed` (value in minor units of `currency`)" }),
  value: z.number().int("Must be an integer").min(1, "Must be at least 1").max(100_000_000).openapi({ example: 10 }),
  currency: z
    .string()
    .length(3, "Must be 3 letters")
    .regex(CURRENCY, "Must be an uppercase ISO 4217 code")
    .nullable()
    .openapi({ description: "Required for `fixed`, null for `percent`", example: "USD" }),
  minSubtotal: z.number().int().min(0).max(1_000_000_000).openapi({ description: "Minimum cart subtotal (minor units)" }),
  startsAt: time("Valid from (inclusive)").nullable(),
  endsAt: time("Valid until (exclusive)").nullable(),
  perCustomerLimit: limit("Uses per customer").nullable(),
  usageCap: limit("Uses in total").nullable(),
  productIds: ids("product"),
  categoryIds: ids("category"),
  active: z.boolean(),
};

/** POST /admin/coupons. */
export const createCouponBody = z
  .object({
    ...couponFields,
    currency: couponFields.currency.optional(),
    minSubtotal: couponFields.minSubtotal.optional(),
    startsAt: couponFields.startsAt.optional(),
    endsAt: couponFields.endsAt.optional(),
    perCustomerLimit: couponFields.perCustomerLimit.optional(),
    usageCap: couponFields.usageCap.optional(),
    productIds: couponFields.productIds.optional(),
    categoryIds: couponFields.categoryIds.optional(),
    active: couponFields.active.optional(),
  })
  .strict()
  .openapi("CreateCoupon");
/** A validated coupon creation. */
export type CreateCouponInput = z.infer<typeof createCouponBody>;

/** PATCH /admin/coupons/{id}: only the given fields change. */
export const updateCouponBody = z
  .object({
    code: couponFields.code.optional(),
    kind: couponFields.kind.optional(),
    value: couponFields.value.optional(),
    currency: couponFields.currency.optional(),
    minSubtotal: couponFields.minSubtotal.optional(),
    startsAt: couponFields.startsAt.optional(),
    endsAt: couponFields.endsAt.optional(),
    perCustomerLimit: couponFields.perCustomerLimit.optional(),
    usageCap: couponFields.usageCap.optional(),
    productIds: couponFields.productIds.optional(),
    categoryIds: couponFields.categoryIds.optional(),
    active: couponFields.active.optional(),
  })
  .strict()
  .openapi("UpdateCoupon");
/** A validated coupon change. */
export type UpdateCouponInput = z.infer<typeof updateCouponBody>;

/** A coupon as the admin API shows it. */
export const couponSchema = z
  .object({
    id: z.string(),
    code: z.string(),
    kind: z.enum(KINDS),
    value: z.number().int(),
    currency: z.string().nullable(),
    minSubtotal: z.number().int(),
    startsAt: isoOut.nullable(),
    endsAt: isoOut.nullable(),
    perCustomerLimit: z.number().int().nullable(),
    usageCap: z.number().int().nullable(),
    used: z.number().int(),
    productIds: z.array(z.string()),
    categoryIds: z.array(z.string()),
    active: z.boolean(),
    createdAt: isoOut,
    updatedAt: isoOut,
  })
  .openapi("Coupon");
/** The API shape of a coupon. */
export type Coupon = z.infer<typeof couponSchema>;

/** A page of coupons. */
export const couponPage = pageSchema(couponSchema).openapi("CouponPage");
/** GET /admin/coupons: `limit` and `cursor`. */
export const listCouponsQuery = z.object(paginationQuery);
/** The `{id}` of a coupon. */
export const couponIdParams = lineIdParams.extend({
  id: lineIdParams.shape.id.openapi({ param: { name: "id", in: "path" }, description: "Coupon id" }),
});
