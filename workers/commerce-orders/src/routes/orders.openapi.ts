import { errors, IDEMPOTENCY_NOTE, idempotency, jsonBody, jsonResponse, pageSchema, problemSchema } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import type { CommerceOrdersEnv } from "../product";
import { createHeaders, createOrderBody, listOrdersQuery, orderIdParams, orderSchema, replaySchema, timelineSchema } from "../validation";

const base = { tags: ["Orders"], security: [{ bearerAuth: [] }] };
const unavailable = {
  503: {
    description: "A service the order needs (catalog, cart, users) is unavailable; nothing was ordered",
    content: { "application/problem+json": { schema: problemSchema } },
  },
};

export const createOrderRoute = createRoute({
  operationId: "placeOrder",
  ...base,
  method: "post",
  path: "/orders",
  summary: "Place an order (starts the saga)",
  description:
    "Prices the lines with catalog (the given `items`, or the caller's cart when absent), checks `addressId` with users, " +
    "writes the order `pending` with `order.created` and answers **202**: stock is reserved, the card charged and the order " +
    "confirmed or cancelled asynchronously (poll the order or its timeline). Unknown or inactive products, mixed currencies, " +
    "a total under 50 and an empty cart are 422. `Idempotency-Key` is required (422 without it). " +
    IDEMPOTENCY_NOTE,
  middleware: [idempotency<CommerceOrdersEnv>({ database: (env) => env.DB })] as const,
  request: { headers: createHeaders, body: jsonBody(createOrderBody) },
  responses: {
    202: {
      description: "Accepted: the order, pending",
      headers: z.object({
        Location: z.string().openapi({ example: "/commerce/v1/orders/ord_V1StGXR8_Z5jdHi6B-myT0" }),
        "Idempotent-Replayed": z.string().optional().openapi({ description: "`true` on a replayed response" }),
      }),
      content: { "application/json": { schema: orderSchema } },
    },
    ...errors(400, 401, 403, 413, 415, 422, 429),
    ...unavailable,
  },
});

export const listOrdersRoute = createRoute({
  operationId: "listOrders",
  ...base,
  method: "get",
  path: "/orders",
  summary: "The caller's orders, newest first",
  request: { query: listOrdersQuery },
  responses: { 200: jsonResponse(pageSchema(orderSchema).openapi("OrderPage"), "A page of orders"), ...errors(401, 403, 422) },
});

export const getOrderRoute = createRoute({
  operationId: "getOrder",
  ...base,
  method: "get",
  path: "/orders/{orderId}",
  summary: "One order",
  description: "The caller's own order (an operator with `commerce:admin` may read any); another user's order is 404.",
  request: { params: orderIdParams },
  responses: { 200: jsonResponse(orderSchema, "The order"), ...errors(401, 403, 404, 422) },
});

export const cancelOrderRoute = createRoute({
  operationId: "cancelOrder",
  ...base,
  method: "post",
  path: "/orders/{orderId}/cancel",
  summary: "Cancel an order",
  description:
    "pending or awaiting_payment → cancelled (`customer_request`; the stock is released, a PaymentIntent in flight cancelled); " +
    "confirmed → cancelled with a refund (payments refunds, catalog puts the stock back). Already cancelled: 409. Answers 202: " +
    "the compensation runs asynchronously.",
  request: { params: orderIdParams },
  responses: { 202: jsonResponse(orderSchema, "The order, cancelled"), ...errors(401, 403, 404, 409, 422, 429) },
});

export const timelineRoute = createRoute({
  operationId: "getOrderTimeline",
  ...base,
  method: "get",
  path: "/orders/{orderId}/timeline",
  summary: "The saga timeline of an order",
  description:
    "Every event produced (`event_out`) and consumed (`event_in`, with the service that produced it) and every step " +
    "(payment requested, timeout fired, cancel requested, cart cleared, replay), oldest first.",
  request: { params: orderIdParams },
  responses: { 200: jsonResponse(timelineSchema, "The timeline"), ...errors(401, 403, 404, 422) },
});

export const replayRoute = createRoute({
  operationId: "replayOrder",
  ...base,
  tags: ["Admin"],
  method: "post",
  path: "/admin/orders/{orderId}/replay",
  summary: "Replay an order's saga from its stored events (commerce:admin)",
  description:
    "Folds the order's stored inputs (consumed events, timeout and cancel steps) through the saga's state machine and reports " +
    "each step and any difference from the stored order (`consistent`). The replay is recorded on the timeline; nothing else changes.",
  request: { params: orderIdParams },
  responses: { 200: jsonResponse(replaySchema, "The replay report"), ...errors(401, 403, 404, 422, 429) },
});
