import { idParam, paginationQuery } from "@edgeworks/http";
import { z } from "@hono/zod-openapi";

const isoOut = z.iso.datetime().openapi({ example: "2026-04-30T09:15:00.000Z" });

export const paymentSchema = z
  .object({
    id: z.string().openapi({ example: "pay_V1StGXR8_Z5jdHi6B-myT" }),
    orderId: z.string().openapi({ example: "ord_V1StGXR8_Z5jdHi6B-myT" }),
    userId: z.string(),
    status: z.enum(["processing", "succeeded", "failed", "canceled", "refunded"]).openapi({
      description:
        "processing: confirming (or waiting for 3-D Secure); succeeded: captured; failed: declined (no money taken); " +
        "canceled: the order was cancelled before any money was taken; refunded: the money went back",
    }),
    amount: z.number().int().openapi({ description: "Minor units (cents)", example: 2500 }),
    amountRefunded: z.number().int(),
    currency: z.string().openapi({ example: "usd" }),
    paymentIntentId: z.string().nullable().openapi({ example: "pi_3Mtw…" }),
    failureCode: z.string().nullable().openapi({ example: "generic_decline" }),
    createdAt: isoOut,
    updatedAt: isoOut,
  })
  .openapi("Payment");
export type Payment = z.infer<typeof paymentSchema>;

export const paymentIdParams = z.object({ paymentId: idParam("Payment id").openapi({ param: { name: "paymentId", in: "path" } }) });

export const listPaymentsQuery = z.object({
  ...paginationQuery,
  orderId: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/)
    .optional()
    .openapi({ description: "Only the payment of this order", example: "ord_V1StGXR8_Z5jdHi6B-myT" }),
});
export type ListPaymentsQuery = z.output<typeof listPaymentsQuery>;
