import { IDEMPOTENCY_KEY_PATTERN, paginationQuery } from "@edgeworks/http";
import { z } from "@hono/zod-openapi";

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const id = (description: string, example: string) =>
  z.string().min(1).max(64).regex(ID, "1..64 letters, digits, _ or -").openapi({ description, example });
const isoOut = z.iso.datetime().openapi({ example: "2026-04-30T09:15:00.000Z" });

export const ORDER_STATUSES = ["pending", "awaiting_payment", "confirmed", "cancelled"] as const;
export const PAYMENT_STATUSES = ["none", "processing", "succeeded", "failed", "refunded"] as const;

export const orderLineSchema = z
  .object({ productId: z.string(), sku: z.string(), name: z.string(), quantity: z.number().int(), unitAmount: z.number().int() })
  .openapi("OrderLine");

export const orderSchema = z
  .object({
    id: z.string().openapi({ example: "ord_V1StGXR8_Z5jdHi6B-myT0" }),
    userId: z.string(),
    status: z.enum(ORDER_STATUSES),
    cancelReason: z
      .string()
      .nullable()
      .openapi({ description: "out_of_stock, unknown_product, payment_failed, payment_timeout or customer_request" }),
    lines: z.array(orderLineSchema),
    amount: z.number().int().openapi({ description: "Total in the currency's minor unit", example: 2500 }),
    currency: z.string().openapi({ example: "usd" }),
    paymentStatus: z.enum(PAYMENT_STATUSES),
    addressId: z.string().nullable(),
    createdAt: isoOut,
    updatedAt: isoOut,
  })
  .openapi("Order");

export const createOrderBody = z
  .strictObject({
    items: z
      .array(z.strictObject({ productId: id("Product id", "prd_V1StGXR8_Z5jdHi6B-myT"), quantity: z.number().int().min(1).max(1000) }))
      .min(1)
      .max(50)
      .optional()
      .openapi({ description: "1..50 lines, each product once; absent: the caller's cart" }),
    addressId: id("One of the caller's addresses (users service)", "adr_V1StGXR8_Z5jdHi6B-myT").optional(),
    paymentMethod: z
      .string()
      .min(1)
      .max(255)
      .regex(/^pm_[A-Za-z0-9_]+$/, "A Stripe PaymentMethod id (pm_…)")
      .optional()
      .openapi({ description: "A Stripe test PaymentMethod id; default pm_card_visa", example: "pm_card_visa" }),
  })
  .openapi("CreateOrder");
export type CreateOrderInput = z.output<typeof createOrderBody>;

/**
 * `Idempotency-Key` of POST /orders, REQUIRED (packages/http's `idempotencyKeyHeaders` documents it optional, as
 * every other route takes it): the same rules as the idempotency middleware (1..255 printable ASCII, the length
 * checked first), so the document says `required: true` and a missing key is the validation hook's 422 problem.
 */
export const createHeaders = z.object({
  "idempotency-key": z
    .string({ error: "Required: one Idempotency-Key per order attempt" })
    .max(255)
    .regex(IDEMPOTENCY_KEY_PATTERN, "Must be 1..255 printable ASCII characters")
    .openapi({
      description: "Required: one value per order attempt; a retry within 24 h replays the first answer",
      example: "order-3f1c2a7e",
    }),
});

export const orderIdParams = z.object({
  orderId: z
    .string()
    .regex(ID, "Must be an id of 1-64 URL-safe characters")
    .openapi({ param: { name: "orderId", in: "path" }, description: "Order id", example: "ord_V1StGXR8_Z5jdHi6B-myT0" }),
});

export const listOrdersQuery = z.object({ ...paginationQuery, status: z.enum(ORDER_STATUSES).optional() });
export type ListOrdersQuery = z.output<typeof listOrdersQuery>;

export const timelineSchema = z
  .object({
    orderId: z.string(),
    status: z.enum(ORDER_STATUSES),
    steps: z.array(
      z.object({
        id: z.string(),
        at: isoOut,
        kind: z.enum(["event_in", "event_out", "step"]),
        type: z.string().openapi({ example: "inventory.reserved" }),
        service: z.string().openapi({ example: "catalog" }),
        causationId: z.string().nullable(),
        summary: z.string(),
        payload: z.unknown(),
      }),
    ),
  })
  .openapi("OrderTimeline");

const sagaState = z.object({
  status: z.enum(ORDER_STATUSES),
  paymentStatus: z.enum(PAYMENT_STATUSES),
  cancelReason: z.string().nullable(),
});
export const replaySchema = z
  .object({
    orderId: z.string(),
    stored: sagaState,
    replayed: sagaState,
    steps: z.array(
      z.object({ eventId: z.string(), type: z.string(), outcome: z.enum(["applied", "stale", "early"]), from: z.string(), to: z.string() }),
    ),
    differences: z.array(z.object({ field: z.string(), stored: z.unknown(), replayed: z.unknown() })),
    consistent: z.boolean(),
  })
  .openapi("OrderReplay");
