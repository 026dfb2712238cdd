import { paginationQuery, textField } from "@edgeworks/http";
import { z } from "@hono/zod-openapi";
import { MAX_ON_HAND } from "./do/inventory";

// Field rules come from packages/http's builders: lengths count code points, and what the OpenAPI
// document says (minLength, maxLength, pattern) is exactly what is accepted.

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const entityId = (description: string) =>
  z.string().regex(ID, "Must be an id of 1-64 URL-safe characters").openapi({ description, example: "prd_V1StGXR8_Z5jdHi6B-myT" });

const sku = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "Must be 1..64 letters, digits, '.', '_' or '-', starting with a letter or digit")
  .openapi({ description: "Stock-keeping unit, unique among live products", example: "TEE-RED-M" });
const name = textField({ min: 1, max: 200, trim: true }).openapi({ description: "1..200 characters, trimmed", example: "Red tee" });
const description = textField({ min: 0, max: 2000, trim: true })
  .transform((s) => (s === "" ? null : s))
  .nullable()
  .openapi({ description: "Up to 2,000 characters; empty or null clears it" });
const unitAmount = z
  .number()
  .int("Must be an integer")
  .min(0)
  .max(99_999_999)
  .openapi({ description: "Price in the currency's minor unit (cents)", example: 1999 });
const currency = z
  .string()
  .regex(/^[a-z]{3}$/, "Must be a lower-case ISO 4217 code, e.g. usd")
  .openapi({ description: "Lower-case ISO 4217", example: "usd" });
const onHand = z.number().int("Must be an integer").min(0).max(MAX_ON_HAND);
const isoOut = z.iso.datetime().openapi({ example: "2026-04-30T09:15:00.000Z" });

export const productSchema = z
  .object({
    id: z.string().openapi({ example: "prd_V1StGXR8_Z5jdHi6B-myT" }),
    sku: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    categoryId: z.string().nullable(),
    unitAmount: z.number().int(),
    currency: z.string(),
    active: z.boolean(),
    available: z.number().int().openapi({ description: "On hand minus reserved (a hint: the reservation decides)" }),
    createdAt: isoOut,
    updatedAt: isoOut,
  })
  .openapi("Product");
export type Product = z.infer<typeof productSchema>;

export const createProductBody = z
  .strictObject({
    sku,
    name,
    description: description.optional(),
    categoryId: entityId("An existing category (422 otherwise)").nullable().optional(),
    unitAmount,
    currency,
    active: z.boolean().optional().openapi({ description: "Default true; an inactive product cannot be ordered" }),
    stock: onHand.optional().openapi({ description: "Units on hand to start with (default 0)", example: 10 }),
  })
  .openapi("CreateProduct");
export type CreateProductInput = z.output<typeof createProductBody>;

export const updateProductBody = z
  .strictObject({
    sku: sku.optional(),
    name: name.optional(),
    description: description.optional(),
    categoryId: entityId("An existing category, or null").nullable().optional(),
    unitAmount: unitAmount.optional(),
    currency: currency.optional(),
    active: z.boolean().optional(),
  })
  .openapi("UpdateProduct", {
    description: "A partial update: only the given fields change; `{}` changes nothing. Stock: PUT …/inventory",
  });
export type UpdateProductInput = z.output<typeof updateProductBody>;

export const productIdParams = z.object({
  productId: entityId("Product id").openapi({ param: { name: "productId", in: "path" } }),
});

export const listProductsQuery = z.object({
  category: z.string().regex(ID, "Must be a category id or slug").optional().openapi({ description: "A category id or slug" }),
  q: textField({ min: 1, max: 100, trim: true })
    .optional()
    .openapi({ description: "Substring of the name or SKU (case-insensitive for ASCII)" }),
  ...paginationQuery,
});
export type ListProductsQuery = z.output<typeof listProductsQuery>;

export const inventorySchema = z
  .object({
    productId: z.string(),
    onHand: z.number().int(),
    reserved: z.number().int(),
    available: z.number().int(),
  })
  .openapi("Inventory");
export type InventoryView = z.infer<typeof inventorySchema>;

export const setInventoryBody = z
  .strictObject({ onHand: onHand.openapi({ description: `Units on hand, 0..${MAX_ON_HAND}; below what is reserved is 409`, example: 10 }) })
  .openapi("SetInventory");

export const categorySchema = z
  .object({ id: z.string().openapi({ example: "cat_V1StGXR8_Z5jdHi6B-myT" }), slug: z.string(), name: z.string(), createdAt: isoOut })
  .openapi("Category");
export type Category = z.infer<typeof categorySchema>;

export const createCategoryBody = z
  .strictObject({
    slug: z
      .string()
      .max(64)
      .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "Must be lower-case letters and digits separated by single dashes")
      .openapi({ example: "t-shirts" }),
    name: textField({ min: 1, max: 100, trim: true }).openapi({ example: "T-shirts" }),
  })
  .openapi("CreateCategory");
export type CreateCategoryInput = z.output<typeof createCategoryBody>;
