import { z } from "@hono/zod-openapi";

const productId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, "Must be an id of 1-64 URL-safe characters")
  .openapi({ param: { name: "productId", in: "path" }, description: "Catalog product id", example: "prd_V1StGXR8_Z5jdHi6B-myT" });

export const productParams = z.object({ productId });

export const putItemBody = z
  .strictObject({
    quantity: z.number().int().min(1).max(1000).openapi({ example: 2, description: "1..1000: the quantity wanted (replaces the line's)" }),
  })
  .openapi("PutCartItem");
export type PutItemInput = z.output<typeof putItemBody>;

export const cartLineSchema = z
  .object({
    productId: z.string(),
    sku: z.string(),
    name: z.string(),
    quantity: z.number().int(),
    unitAmount: z
      .number()
      .int()
      .openapi({ description: "Catalog's price now, in minor units (the last known one when the product is gone)" }),
    currency: z.string().openapi({ example: "eur" }),
    lineAmount: z.number().int().openapi({ description: "unitAmount × quantity" }),
    available: z
      .number()
      .int()
      .openapi({ description: "On hand minus reserved now (a hint: the order's reservation decides); 0 when gone" }),
    active: z.boolean().openapi({ description: "false: the product is gone or inactive; the line stays listed and is not counted" }),
  })
  .openapi("CartLine");

export const cartWarningSchema = z
  .object({
    productId: z.string(),
    code: z.enum(["product_unavailable", "product_inactive", "insufficient_stock", "currency_mismatch"]),
    detail: z.string(),
  })
  .openapi("CartWarning");
export type CartWarning = z.infer<typeof cartWarningSchema>;

export const cartSchema = z
  .object({
    lines: z.array(cartLineSchema),
    itemCount: z.number().int().openapi({ description: "Sum of the active lines' quantities" }),
    amount: z.number().int().openapi({ description: "Sum of the active lines' lineAmount, minor units" }),
    currency: z.string().nullable().openapi({ description: "The cart's currency; null when empty" }),
    warnings: z.array(cartWarningSchema),
  })
  .openapi("Cart");
export type CartView = z.infer<typeof cartSchema>;
