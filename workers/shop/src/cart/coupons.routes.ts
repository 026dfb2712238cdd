import { requireRole } from "@edgeworks/auth";
import { createRouter, errors, IDEMPOTENCY_NOTE, idempotency, idempotencyKeyHeaders, jsonBody, jsonResponse } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import { depsOf, type ShopEnv } from "../product";
import { createCoupon, deleteCoupon, getCoupon, listCoupons, updateCoupon } from "./coupons-admin";
import { couponIdParams, couponPage, couponSchema, createCouponBody, listCouponsQuery, updateCouponBody } from "./validation";

/** The platform role of the shop's staff. */
const adminOnly = requireRole("shop:admin");
const idempotent = idempotency<ShopEnv>({ database: (env) => env.DB });
const base = { tags: ["Coupons (admin)"], security: [{ bearerAuth: [] }] };
const NOTE = `Needs the \`shop:admin\` role (403 otherwise). ${IDEMPOTENCY_NOTE}`;
const idempotencyHeaders = idempotencyKeyHeaders({ description: "Makes a retry within 24 h replay the first answer", example: "coupon-1" });

export const listCouponsRoute = createRoute({
  ...base,
  method: "get",
  path: "/admin/coupons",
  operationId: "listCoupons",
  summary: "List coupons (admin)",
  description: "Newest first, keyset-paginated. Needs the `shop:admin` role.",
  middleware: [adminOnly] as const,
  request: { query: listCouponsQuery },
  responses: { 200: jsonResponse(couponPage, "A page of coupons"), ...errors(401, 403, 422) },
});

export const createCouponRoute = createRoute({
  ...base,
  method: "post",
  path: "/admin/coupons",
  operationId: "createCoupon",
  summary: "Create a coupon (admin)",
  description: `Codes are case-insensitive and unique (409). ${NOTE}`,
  middleware: [adminOnly, idempotent] as const,
  request: { headers: idempotencyHeaders, body: jsonBody(createCouponBody) },
  responses: {
    201: {
      description: "Created",
      headers: z.object({ Location: z.string().openapi({ example: "/shop/v1/admin/coupons/V1StGXR8_Z5jdHi6B-myT" }) }),
      content: { "application/json": { schema: couponSchema } },
    },
    ...errors(400, 401, 403, 409, 413, 415, 422, 429),
  },
});

export const getCouponRoute = createRoute({
  ...base,
  method: "get",
  path: "/admin/coupons/{id}",
  operationId: "getCoupon",
  summary: "Get a coupon (admin)",
  middleware: [adminOnly] as const,
  request: { params: couponIdParams },
  responses: { 200: jsonResponse(couponSchema, "The coupon, with how often it was used"), ...errors(401, 403, 404, 422) },
});

export const updateCouponRoute = createRoute({
  ...base,
  method: "patch",
  path: "/admin/coupons/{id}",
  operationId: "updateCoupon",
  summary: "Change a coupon (admin)",
  description: `Only the given fields change; null clears an optional one. ${NOTE}`,
  middleware: [adminOnly, idempotent] as const,
  request: { headers: idempotencyHeaders, params: couponIdParams, body: jsonBody(updateCouponBody) },
  responses: { 200: jsonResponse(couponSchema, "The changed coupon"), ...errors(400, 401, 403, 404, 409, 413, 415, 422, 429) },
});

export const deleteCouponRoute = createRoute({
  ...base,
  method: "delete",
  path: "/admin/coupons/{id}",
  operationId: "deleteCoupon",
  summary: "Delete an unused coupon (admin)",
  description: `A coupon that orders used cannot be deleted (409): set \`active: false\`. ${NOTE}`,
  middleware: [adminOnly, idempotent] as const,
  request: { headers: idempotencyHeaders, params: couponIdParams },
  responses: { 204: { description: "Deleted" }, ...errors(401, 403, 404, 409, 422, 429) },
});

/** /admin/coupons: coupon administration (shop:admin). */
export const couponsAdminRouter = createRouter<ShopEnv>()
  .openapi(listCouponsRoute, async (c) => c.json(await listCoupons(depsOf(c).db, c.req.valid("query")), 200))
  .openapi(createCouponRoute, async (c) => {
    const deps = depsOf(c);
    const coupon = await createCoupon(deps.db, c.req.valid("json"), deps.now());
    c.header("Location", `/shop/v1/admin/coupons/${coupon.id}`);
    return c.json(coupon, 201);
  })
  .openapi(getCouponRoute, async (c) => c.json(await getCoupon(depsOf(c).db, c.req.valid("param").id), 200))
  .openapi(updateCouponRoute, async (c) => {
    const deps = depsOf(c);
    return c.json(await updateCoupon(deps.db, c.req.valid("param").id, c.req.valid("json"), deps.now()), 200);
  })
  .openapi(deleteCouponRoute, async (c) => {
    await deleteCoupon(depsOf(c).db, c.req.valid("param").id);
    return c.body(null, 204);
  });
