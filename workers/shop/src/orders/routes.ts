// The orders API on shop.v1: checkout, the customer's orders, admin lists and transitions, refunds.
import { hasRole, type Principal } from "@edgeworks/auth";
import {
  ApiError,
  createRouter,
  errors,
  IDEMPOTENCY_NOTE,
  idempotency,
  idempotencyKeyHeaders,
  idParam,
  jsonBody,
  jsonResponse,
  NOT_BLANK_NO_CONTROL,
  pageSchema,
  paginationQuery,
  problemSchema,
  textField,
} from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import { drizzle } from "drizzle-orm/d1";
import { adminOnly, SHOP_ADMIN } from "../catalog/common";
import type { Db } from "../deps";
import type { ShopEnv } from "../product";
import { checkout } from "./checkout";
import { advanceOrder, assertCustomerMayCancel, cancelOrder } from "./lifecycle";
import { drainShopOutboxLater } from "./outbox";
import { SHIPPING_METHODS, TAX_RATES_BPS } from "./pricing";
import { refundOrder } from "./refunds";
import { ORDER_STATES } from "./schema";
import { type Actor, findOrder, findOwnOrder, listOrders, orderView, refundsOf } from "./service";

const bearer: Record<string, string[]>[] = [{ bearerAuth: [] }];

const idempotent = idempotency<ShopEnv>({ database: (env) => env.DB });

/**
 * Checkout refuses to run without a key: a retried checkout must never create a second order. Checked in
 * the handler, after the body was validated, so a malformed body is still its own 400/422.
 */
function requireIdempotencyKey(header: string | undefined): void {
  if (header === undefined) {
    throw new ApiError("validation_failed", "Checkout requires an Idempotency-Key header (any unique value per checkout attempt)", {
      errors: [{ path: "idempotency-key", location: "header", message: "Required" }],
    });
  }
}

// optional in the schema even when required: the handler says so after the body was validated
const keyHeader = (required: boolean) =>
  idempotencyKeyHeaders({
    description: required
      ? "Required: one value per checkout attempt; a retry replays the first answer"
      : "Makes a retry replay the first answer",
    example: "checkout-3f1c2a7e",
  });

const COUNTRY = /^[A-Z]{2}$/;
const checkoutBody = z
  .strictObject({
    country: z
      .string()
      .length(2)
      .regex(COUNTRY, "An ISO 3166-1 alpha-2 code in capitals")
      .openapi({
        description: `Destination country (ISO 3166-1 alpha-2). Served: ${Object.keys(TAX_RATES_BPS).join(", ")}`,
        example: "DE",
      }),
    shippingMethod: z.enum(SHIPPING_METHODS).default("standard"),
    couponCode: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_-]+$/, "Letters, digits, _ and -")
      .optional()
      .openapi({ description: "Overrides the cart's coupon" }),
    email: z.email().max(254).optional().openapi({ description: "Where the receipt goes (default: the account's verified address)" }),
  })
  .openapi("CheckoutRequest");

const lineSchema = z.object({
  id: z.string(),
  productId: z.string(),
  variantId: z.string(),
  sku: z.string(),
  title: z.string(),
  unitPrice: z.number().int(),
  quantity: z.number().int(),
  total: z.number().int(),
  refundedQuantity: z.number().int(),
});
const summaryShape = {
  id: z.string(),
  number: z.number().int(),
  state: z.enum(ORDER_STATES),
  currency: z.string().openapi({ example: "USD" }),
  subtotal: z.number().int(),
  discount: z.number().int(),
  tax: z.number().int(),
  taxRateBps: z.number().int().openapi({ description: "Tax rate in basis points of the discounted subtotal" }),
  shipping: z.number().int(),
  total: z.number().int(),
  amountPaid: z.number().int(),
  amountRefunded: z.number().int(),
  country: z.string(),
  shippingMethod: z.string(),
  couponCode: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  paidAt: z.string().nullable(),
  fulfilledAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
};
const orderSummarySchema = z.object(summaryShape).openapi("OrderSummary");
const refundSchema = z
  .object({
    id: z.string(),
    amount: z.number().int(),
    currency: z.string(),
    reason: z.string(),
    state: z.enum(["pending", "succeeded", "failed"]),
    source: z.enum(["api", "stripe", "system"]),
    restock: z.boolean(),
    stripeRefundId: z.string().nullable(),
    failure: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("Refund");
const orderSchema = z
  .object({
    ...summaryShape,
    email: z.string().nullable(),
    lines: z.array(lineSchema),
    payment: z.object({
      paymentIntentId: z.string().nullable(),
      error: z.string().nullable().openapi({ description: "Why the last payment attempt failed (the order stays pending_payment)" }),
      holdExpiresAt: z.string().nullable().openapi({ description: "An unpaid order is cancelled (stock released) after this" }),
      refundable: z.number().int(),
    }),
    refunds: z.array(refundSchema),
    timeline: z.array(
      z.object({
        type: z.string(),
        from: z.string().nullable(),
        to: z.string().nullable(),
        actor: z.string().openapi({ description: "user:<id>, admin:<id>, stripe or system" }),
        reason: z.string().nullable(),
        at: z.string(),
      }),
    ),
  })
  .openapi("Order");

const orderParams = z.object({ id: idParam("Order id") });
const reasonBody = z.strictObject({
  reason: textField({ min: 1, max: 500, pattern: NOT_BLANK_NO_CONTROL, rule: "1-500 characters, no control characters" }).optional(),
});
const optionalReason = { required: false, content: { "application/json": { schema: reasonBody } } };

const refundBody = z
  .strictObject({
    amount: z
      .number()
      .int()
      .min(1)
      .max(100_000_000_000)
      .optional()
      .openapi({ description: "Minor units; default: the lines' value, or everything still refundable" }),
    lines: z
      .array(
        z.strictObject({
          lineId: idParam("Order line id").openapi({ param: undefined }),
          quantity: z.number().int().min(1).max(1_000_000),
        }),
      )
      .min(1)
      .max(100)
      .optional(),
    reason: textField({ min: 1, max: 500, pattern: NOT_BLANK_NO_CONTROL, rule: "1-500 characters, no control characters" }),
    restock: z.boolean().optional().openapi({ description: "Put the refunded lines' units back in stock" }),
  })
  .openapi("RefundRequest");

const listQuery = z.object({ ...paginationQuery });
const adminListQuery = z.object({
  ...paginationQuery,
  state: z.enum(ORDER_STATES).optional().openapi({ description: "Only orders in this state" }),
});

const checkoutRoute = createRoute({
  method: "post",
  path: "/checkout",
  operationId: "checkout",
  tags: ["Orders"],
  security: bearer,
  summary: "Check out the cart: create the order and its PaymentIntent",
  description:
    "Re-prices the cart against the catalog (changed prices: 409 with the new `totals`, and the cart's prices updated), applies " +
    "the coupon (exact usage cap: 409 when it was just used up), tax from the flat per-country table on the discounted subtotal, " +
    "flat shipping per method and currency; creates the order (`pending_payment`, stock held for 30 minutes) and a Stripe " +
    "PaymentIntent, and answers its `clientSecret`. 409 with `variantId` and `available` when stock ran out. " +
    "`Idempotency-Key` is required (422 without it). " +
    IDEMPOTENCY_NOTE,
  middleware: [idempotent] as const,
  request: { headers: keyHeader(true), body: jsonBody(checkoutBody) },
  responses: {
    201: jsonResponse(
      z.object({ order: orderSchema, clientSecret: z.string().nullable() }).openapi("CheckoutResult"),
      "The order and the PaymentIntent's client secret",
    ),
    ...errors(400, 401, 403, 409, 413, 415, 422, 429),
    503: {
      description: "Payments unavailable (nothing kept)",
      content: { "application/problem+json": { schema: z.object({ detail: z.string() }) } },
    },
  },
});

const listRoute = createRoute({
  method: "get",
  path: "/orders",
  operationId: "listOrders",
  tags: ["Orders"],
  security: bearer,
  summary: "The caller's orders, newest first",
  request: { query: listQuery },
  responses: { 200: jsonResponse(pageSchema(orderSummarySchema), "A page of orders"), ...errors(401, 403, 422) },
});

const getRoute = createRoute({
  method: "get",
  path: "/orders/{id}",
  operationId: "getOrder",
  tags: ["Orders"],
  security: bearer,
  summary: "One order with lines, totals, payment, refunds and timeline",
  description: "The caller's own order (a shop admin may read any); another customer's order is 404.",
  request: { params: orderParams },
  responses: { 200: jsonResponse(orderSchema, "The order"), ...errors(401, 403, 404, 422) },
});

const transitionRoute = (action: "fulfill" | "deliver" | "cancel", summary: string, description: string) =>
  createRoute({
    method: "post",
    path: `/orders/{id}/${action}`,
    operationId: `${action}Order`,
    tags: ["Orders"],
    security: bearer,
    summary,
    description: `${description} Every other state is 409. ${IDEMPOTENCY_NOTE}`,
    middleware: action === "cancel" ? ([idempotent] as const) : ([adminOnly, idempotent] as const),
    request: { params: orderParams, headers: keyHeader(false), body: optionalReason },
    responses: { 200: jsonResponse(orderSchema, "The order after the change"), ...errors(400, 401, 403, 404, 409, 413, 415, 422, 429) },
  });

const fulfillRoute = transitionRoute(
  "fulfill",
  "Mark a paid order fulfilled (admin)",
  "paid → fulfilled. A partially refunded order that has not shipped yet gets its `fulfilledAt` and stays partially_refunded.",
);
const deliverRoute = transitionRoute(
  "deliver",
  "Mark a fulfilled order delivered (admin)",
  "fulfilled → delivered. A partially refunded order that was fulfilled gets its `deliveredAt` and stays partially_refunded.",
);
const cancelRoute = transitionRoute(
  "cancel",
  "Cancel an order",
  "pending_payment → cancelled (stock and coupon released, PaymentIntent cancelled) or paid → cancelled (stock returned, payment refunded). " +
    "A customer may cancel only their own unpaid order; a shop admin any.",
);

const refundRoute = createRoute({
  method: "post",
  path: "/orders/{id}/refunds",
  operationId: "refundOrder",
  tags: ["Orders"],
  security: bearer,
  summary: "Refund an order, fully or partly (admin)",
  description:
    "`lines` refunds those units (price × quantity), `amount` a sum, neither everything still refundable. Never above paid − refunded " +
    "(409 with `refundable`). Creates a Stripe refund (idempotency key from the refund id); the order becomes refunded or " +
    `partially_refunded and the customer gets an email. Allowed from paid, fulfilled, delivered, partially_refunded. ${IDEMPOTENCY_NOTE}`,
  middleware: [adminOnly, idempotent] as const,
  request: { params: orderParams, headers: keyHeader(false), body: jsonBody(refundBody) },
  responses: {
    201: jsonResponse(refundSchema, "The refund"),
    ...errors(400, 401, 403, 404, 409, 413, 415, 422, 429),
    503: {
      description: "Stripe could not be reached: the refund stays pending and the cron retries it (Retry-After)",
      content: { "application/problem+json": { schema: problemSchema } },
    },
  },
});

const refundsRoute = createRoute({
  method: "get",
  path: "/orders/{id}/refunds",
  operationId: "listOrderRefunds",
  tags: ["Orders"],
  security: bearer,
  summary: "The refunds of an order",
  request: { params: orderParams },
  responses: { 200: jsonResponse(z.object({ items: z.array(refundSchema) }), "Its refunds, oldest first"), ...errors(401, 403, 404, 422) },
});

const adminListRoute = createRoute({
  method: "get",
  path: "/admin/orders",
  operationId: "listAllOrders",
  tags: ["Orders"],
  security: bearer,
  summary: "Every order, newest first (admin)",
  middleware: [adminOnly] as const,
  request: { query: adminListQuery },
  responses: { 200: jsonResponse(pageSchema(orderSummarySchema), "A page of orders"), ...errors(401, 403, 422) },
});

const isAdmin = (auth: Principal) => hasRole(auth, SHOP_ADMIN);
const actorOf = (auth: Principal): Actor => (isAdmin(auth) ? `admin:${auth.userId}` : `user:${auth.userId}`);

/** The order the caller may see: their own, or any for an admin (404 otherwise). */
const visibleOrder = (db: Db, auth: Principal, id: string) => (isAdmin(auth) ? findOrder(db, id) : findOwnOrder(db, auth.userId, id));

/** The orders routes (mounted on shop.v1 by src/orders/mount.ts). */
export const ordersRouter = createRouter<ShopEnv>()
  .openapi(checkoutRoute, async (c) => {
    requireIdempotencyKey(c.req.header("Idempotency-Key"));
    const db = drizzle(c.env.DB);
    const result = await checkout(c.env, db, c.var.auth.userId, c.req.valid("json"), Date.now());
    drainShopOutboxLater(c.env, c.executionCtx);
    return c.json({ order: await orderView(db, result.order), clientSecret: result.clientSecret }, 201);
  })
  .openapi(listRoute, async (c) => {
    const q = c.req.valid("query");
    return c.json(await listOrders(drizzle(c.env.DB), { userId: c.var.auth.userId }, q.limit, q.cursor), 200);
  })
  .openapi(adminListRoute, async (c) => {
    const q = c.req.valid("query");
    return c.json(await listOrders(drizzle(c.env.DB), { states: q.state ? [q.state] : undefined }, q.limit, q.cursor), 200);
  })
  .openapi(getRoute, async (c) => {
    const db = drizzle(c.env.DB);
    return c.json(await orderView(db, await visibleOrder(db, c.var.auth, c.req.valid("param").id)), 200);
  })
  .openapi(refundsRoute, async (c) => {
    const db = drizzle(c.env.DB);
    const order = await visibleOrder(db, c.var.auth, c.req.valid("param").id);
    return c.json({ items: await refundsOf(db, order.id) }, 200);
  })
  .openapi(fulfillRoute, async (c) => {
    const db = drizzle(c.env.DB);
    const { id } = c.req.valid("param");
    await advanceOrder(db, id, "fulfill", actorOf(c.var.auth), c.req.valid("json")?.reason ?? null, Date.now());
    return c.json(await orderView(db, await findOrder(db, id)), 200);
  })
  .openapi(deliverRoute, async (c) => {
    const db = drizzle(c.env.DB);
    const { id } = c.req.valid("param");
    await advanceOrder(db, id, "deliver", actorOf(c.var.auth), c.req.valid("json")?.reason ?? null, Date.now());
    return c.json(await orderView(db, await findOrder(db, id)), 200);
  })
  .openapi(cancelRoute, async (c) => {
    const db = drizzle(c.env.DB);
    const { id } = c.req.valid("param");
    const order = await visibleOrder(db, c.var.auth, id);
    if (!isAdmin(c.var.auth)) assertCustomerMayCancel(order);
    await cancelOrder(c.env, db, id, actorOf(c.var.auth), c.req.valid("json")?.reason ?? null, Date.now());
    drainShopOutboxLater(c.env, c.executionCtx);
    return c.json(await orderView(db, await findOrder(db, id)), 200);
  })
  .openapi(refundRoute, async (c) => {
    const db = drizzle(c.env.DB);
    const { id } = c.req.valid("param");
    const refund = await refundOrder(c.env, db, id, c.req.valid("json"), actorOf(c.var.auth), Date.now());
    drainShopOutboxLater(c.env, c.executionCtx);
    const [view] = (await refundsOf(db, id)).filter((r) => r.id === refund.id);
    if (!view) throw new ApiError("internal", "The refund was not recorded");
    return c.json(view, 201);
  });
