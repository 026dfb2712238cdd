import { requireMethodScope, requireRole } from "@edgeworks/auth";
import { errors, jsonBody, jsonResponse, problemSchema } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import {
  dlqPageSchema,
  dlqQuery,
  healthSchema,
  logPageSchema,
  logsQuery,
  orderIdParams,
  queueParams,
  reconcileSchema,
  redriveBody,
  redriveSchema,
  registryEntry,
  summarySchema,
} from "../validation";

const secured = { security: [{ bearerAuth: [] }] };
const unavailable = {
  503: {
    description: "A service this answer needs is unavailable (`Retry-After`)",
    content: { "application/problem+json": { schema: problemSchema } },
  },
} as const;
const scoped = requireMethodScope("commerce");
const admin = requireRole("commerce:admin");

export const healthRoute = createRoute({
  operationId: "getServicesHealth",
  security: [],
  tags: ["Gateway"],
  method: "get",
  path: "/health",
  summary: "Health of every service (no authentication)",
  description:
    "Each registered service's `/commerce/health`, asked in parallel over its binding with a timeout (`HEALTH_TIMEOUT_MS`): " +
    "up, latency and the registry's version. 200 when all are up, 503 `degraded` otherwise.",
  responses: {
    200: jsonResponse(healthSchema, "Every service is up"),
    503: jsonResponse(healthSchema, "At least one service is down (degraded)"),
    ...errors(429),
  },
});

export const summaryRoute = createRoute({
  operationId: "getOrderSummary",
  ...secured,
  tags: ["Orders"],
  method: "get",
  path: "/orders/{orderId}/summary",
  summary: "An order with its payment and items (aggregated)",
  description:
    "orders.getOrder, payments.getPayment and catalog.getOrderItems in parallel. A service that fails leaves its part `null` " +
    "with an entry in `warnings` (200, partial). The order missing or not the caller's: 404. Operators (`commerce:admin`) see any order.",
  middleware: [scoped] as const,
  request: { params: orderIdParams },
  responses: {
    200: jsonResponse(summarySchema, "The summary (maybe partial: see warnings)"),
    ...errors(401, 403, 404, 422, 429),
    ...unavailable,
  },
});

export const listDlqRoute = createRoute({
  operationId: "listDeadLetters",
  ...secured,
  tags: ["Admin"],
  method: "get",
  path: "/admin/dlq/{queue}",
  summary: "Messages parked on a dead-letter queue (commerce:admin)",
  description:
    "Asked of the service that consumes the queue (contracts `DLQ_OWNERS`, its `deadLetters` RPC). `{queue}` is a key " +
    "(`orders-events`) or the queue's full name (`edgeworks-commerce-orders-events`, also with `-dlq`); the answer's `queue` is the key.",
  middleware: [scoped, admin] as const,
  request: { params: queueParams, query: dlqQuery },
  responses: { 200: jsonResponse(dlqPageSchema, "A page of dead letters"), ...errors(401, 403, 404, 422, 429), ...unavailable },
});

export const redriveDlqRoute = createRoute({
  operationId: "redriveDeadLetters",
  ...secured,
  tags: ["Admin"],
  method: "post",
  path: "/admin/dlq/{queue}/redrive",
  summary: "Send parked messages back to their queue (commerce:admin)",
  middleware: [scoped, admin] as const,
  request: { params: queueParams, body: { ...jsonBody(redriveBody), required: false } },
  responses: { 200: jsonResponse(redriveSchema, "What was redriven"), ...errors(400, 401, 403, 404, 413, 415, 422, 429), ...unavailable },
});

export const logsRoute = createRoute({
  operationId: "listLogs",
  ...secured,
  tags: ["Admin"],
  method: "get",
  path: "/admin/logs",
  summary: "Structured logs of every service (commerce:admin)",
  description:
    "From the log sink (D1, kept 7 days), oldest first. `correlationId` (an order id) gives one saga's logs across services; " +
    "`requestId` one request's.",
  middleware: [scoped, admin] as const,
  request: { query: logsQuery },
  responses: { 200: jsonResponse(logPageSchema, "A page of log entries"), ...errors(401, 403, 422, 429) },
});

export const reconcileRoute = createRoute({
  operationId: "reconcileLedgers",
  ...secured,
  tags: ["Admin"],
  method: "get",
  path: "/admin/reconcile",
  summary: "Orders against payments (commerce:admin)",
  description:
    "orders.ledger against payments.ledger: a confirmed order must have exactly its amount captured and kept, any other order " +
    "nothing. `totalDifference` is the sum of |difference|: 0 when consistent.",
  middleware: [scoped, admin] as const,
  responses: { 200: jsonResponse(reconcileSchema, "The reconciliation"), ...errors(401, 403, 429), ...unavailable },
});

export const registryRoute = createRoute({
  operationId: "getRegistry",
  ...secured,
  tags: ["Admin"],
  method: "get",
  path: "/admin/registry",
  summary: "The service registry (commerce:admin)",
  middleware: [scoped, admin] as const,
  responses: {
    200: jsonResponse(
      z.object({ source: z.enum(["kv", "default"]), services: z.array(registryEntry) }).openapi("Registry"),
      "Every service: binding, version, routes, public paths",
    ),
    ...errors(401, 403, 429),
  },
});
