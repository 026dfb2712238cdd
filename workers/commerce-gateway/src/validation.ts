import { deadLetterView, entityId, orderItems, orderView, paymentView } from "@edgeworks/commerce-contracts";
import { paginationQuery } from "@edgeworks/http";
import { z } from "@hono/zod-openapi";
import { DLQ_NAMES } from "./admin.service";

const isoOut = z.iso.datetime().openapi({ example: "2026-04-30T09:15:00.000Z" });

export const healthSchema = z
  .object({
    status: z.enum(["ok", "degraded"]),
    services: z.array(
      z.object({
        service: z.string(),
        up: z.boolean(),
        latencyMs: z.number().int().min(0),
        version: z.string(),
        detail: z.string().optional().openapi({ description: "Why it counts as down" }),
      }),
    ),
  })
  .openapi("CommerceHealth");

export const warningSchema = z.object({ service: z.string(), detail: z.string() }).openapi("SummaryWarning");

export const summarySchema = z
  .object({
    orderId: z.string(),
    order: orderView.nullable(),
    payment: paymentView.nullable(),
    items: orderItems.nullable(),
    warnings: z.array(warningSchema),
  })
  .openapi("OrderSummary");

export const orderIdParams = z.object({
  orderId: entityId.openapi({ param: { name: "orderId", in: "path" }, example: "ord_V1StGXR8_Z5jdHi6B-myT" }),
});

export const queueParams = z.object({
  queue: z
    .string()
    .max(100)
    .openapi({
      param: { name: "queue", in: "path" },
      example: "orders-events",
      description: `One of ${DLQ_NAMES.join(", ")} (or its full name \`edgeworks-commerce-<key>\`, also with \`-dlq\`); another is 404`,
    }),
});

export const dlqQuery = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});

export const dlqPageSchema = z
  .object({ queue: z.string(), items: z.array(deadLetterView), nextCursor: z.string().nullable() })
  .openapi("DeadLetterPage");

export const redriveBody = z
  .strictObject({
    ids: z
      .array(
        z
          .string()
          .min(1)
          .max(200)
          .regex(/^[\x21-\x7e]+$/, "A dead letter's id (printable ASCII)"),
      )
      .min(1)
      .max(100)
      .optional(),
  })
  .openapi("RedriveRequest", { description: "Without `ids`, every parked message of the queue (up to what the service redrives at once)" });

export const redriveSchema = z
  .object({ queue: z.string(), redriven: z.number().int().min(0), ids: z.array(z.string()) })
  .openapi("RedriveResult");

const idText = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9_.:=-]+$/);

export const logsQuery = z.object({
  correlationId: idText.optional().openapi({ description: "An order id: that saga's logs from every service" }),
  requestId: idText.optional(),
  service: z.enum(["gateway", "users", "catalog", "cart", "orders", "payments", "notifications"]).optional(),
  level: z.enum(["debug", "info", "warn", "error"]).optional(),
  cursor: paginationQuery.cursor,
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const logSchema = z
  .object({
    id: z.string(),
    time: isoOut,
    level: z.string(),
    service: z.string(),
    msg: z.string(),
    requestId: z.string().nullable(),
    correlationId: z.string().nullable(),
    fields: z.record(z.string(), z.unknown()),
  })
  .openapi("LogEntry");

export const logPageSchema = z.object({ items: z.array(logSchema), nextCursor: z.string().nullable() }).openapi("LogPage");

export const reconcileSchema = z
  .object({
    orders: z.number().int(),
    payments: z.number().int(),
    truncated: z.boolean(),
    differences: z.array(
      z.object({
        orderId: z.string(),
        orderStatus: z.string().nullable(),
        currency: z.string(),
        expected: z.number().int(),
        actual: z.number().int(),
        difference: z.number().int(),
      }),
    ),
    totalDifference: z.number().int().min(0),
  })
  .openapi("Reconciliation");

export { registryEntry } from "./registry";
