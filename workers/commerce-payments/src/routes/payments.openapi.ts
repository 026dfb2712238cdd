import { errors, jsonResponse, pageSchema } from "@edgeworks/http";
import { createRoute } from "@hono/zod-openapi";
import { listPaymentsQuery, paymentIdParams, paymentSchema } from "../validation";

const base = { tags: ["Payments"], security: [{ bearerAuth: [] }] };
const paymentPage = pageSchema(paymentSchema).openapi("PaymentPage");

export const listPaymentsRoute = createRoute({
  operationId: "listPayments",
  ...base,
  method: "get",
  path: "/payments",
  summary: "List my payments",
  description: "The caller's payments, newest first, keyset-paginated (`nextCursor` → `cursor`); `orderId` narrows to one order.",
  request: { query: listPaymentsQuery },
  responses: { 200: jsonResponse(paymentPage, "A page of payments"), ...errors(401, 403, 422) },
});

export const getPaymentRoute = createRoute({
  operationId: "getPayment",
  ...base,
  method: "get",
  path: "/payments/{paymentId}",
  summary: "Get one of my payments",
  description: "Another user's payment is 404, like an unknown one.",
  request: { params: paymentIdParams },
  responses: { 200: jsonResponse(paymentSchema, "The payment"), ...errors(401, 403, 404, 422) },
});
