import { z } from "@hono/zod-openapi";
import { iso } from "./common";
import type { categories, productImages, products } from "./schema";

// Response schemas of the catalog and the functions that shape rows into them.

const time = z.string().openapi({ format: "date-time", example: "2026-01-31T12:00:00.000Z" });

export const categorySchema = z
  .object({
    id: z.string(),
    parentId: z.string().nullable(),
    slug: z.string(),
    name: z.string(),
    position: z.number().int(),
    createdAt: time,
    updatedAt: time,
  })
  .openapi("Category");
export type CategoryView = z.infer<typeof categorySchema>;

/** A category with its subtree (the tree of GET /categories). */
export type CategoryNode = CategoryView & { children: CategoryNode[] };
export const categoryNodeSchema: z.ZodType<CategoryNode> = categorySchema
  .extend({
    get children(): z.ZodArray<z.ZodType<CategoryNode>> {
      return z.array(categoryNodeSchema);
    },
  })
  .openapi("CategoryNode");

export const categoryTreeSchema = z.object({ items: z.array(categoryNodeSchema) }).openapi("CategoryTree");

export const categoryDetailSchema = categorySchema
  .extend({
    ancestors: z.array(categorySchema).openapi({ description: "From the root down to the parent (a breadcrumb)" }),
    children: z.array(categorySchema),
  })
  .openapi("CategoryDetail");

export const toCategory = (row: typeof categories.$inferSelect): CategoryView => ({
  id: row.id,
  parentId: row.parentId,
  slug: row.slug,
  name: row.name,
  position: row.position,
  createdAt: iso(row.createdAt),
  updatedAt: iso(row.updatedAt),
});

export const ratingSchema = z
  .object({
    average: z.number().nullable().openapi({ description: "Mean of the stars (2 decimals); null without reviews", example: 4.5 }),
    count: z.number().int(),
  })
  .openapi("Rating");

export const ratingOf = (sum: number, count: number) => ({
  average: count === 0 ? null : Math.round((sum / count) * 100) / 100,
  count,
});

export const imageSchema = z
  .object({
    id: z.string(),
    url: z.string().openapi({ example: "/shop/v1/images/V1StGXR8_Z5jdHi6B-myT" }),
    alt: z.string(),
    contentType: z.string(),
    size: z.number().int(),
    position: z.number().int(),
  })
  .openapi("ProductImage");

/** Where an image is served (public, immutable). */
export const imageUrl = (id: string) => `/shop/v1/images/${id}`;

export const toImage = (row: typeof productImages.$inferSelect) => ({
  id: row.id,
  url: imageUrl(row.id),
  alt: row.alt,
  contentType: row.contentType,
  size: row.size,
  position: row.position,
});

export const variantSchema = z
  .object({
    id: z.string(),
    sku: z.string(),
    title: z.string(),
    price: z.number().int().openapi({ description: "Minor units" }),
    currency: z.string(),
    attributes: z.record(z.string(), z.string()),
    available: z.number().int().openapi({ description: "Units that can be bought now (stock − live reservations), never negative" }),
    stock: z.number().int().optional().openapi({ description: "Units on hand (admins only)" }),
    position: z.number().int(),
  })
  .openapi("Variant");
export type VariantView = z.infer<typeof variantSchema>;

const statusSchema = z.enum(["draft", "active", "archived"]);

export const productSchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    title: z.string(),
    description: z.string(),
    categoryId: z.string().nullable(),
    status: statusSchema,
    currency: z.string(),
    minPrice: z.number().int().openapi({ description: "The lowest live variant price (minor units)" }),
    rating: ratingSchema,
    variants: z.array(variantSchema),
    images: z.array(imageSchema),
    createdAt: time,
    updatedAt: time,
  })
  .openapi("Product");
export type ProductView = z.infer<typeof productSchema>;

export const productSummarySchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    title: z.string(),
    categoryId: z.string().nullable(),
    status: statusSchema,
    currency: z.string(),
    minPrice: z.number().int(),
    rating: ratingSchema,
    inStock: z.boolean().openapi({ description: "A live variant is available (the D1 mirror of the Inventory objects)" }),
    image: z.object({ id: z.string(), url: z.string(), alt: z.string() }).nullable().openapi({ description: "The first image" }),
    createdAt: time,
  })
  .openapi("ProductSummary");
export type ProductSummary = z.infer<typeof productSummarySchema>;

/** A product row with the summary's computed columns (see list.ts's summaryColumns). */
export type SummaryRow = Pick<
  typeof products.$inferSelect,
  "id" | "slug" | "title" | "categoryId" | "status" | "currency" | "minPrice" | "ratingSum" | "ratingCount" | "createdAt"
> & { inStock: number; image: string | null };

export function toSummary(row: SummaryRow): ProductSummary {
  const image = row.image === null ? null : (JSON.parse(row.image) as { id: string; alt: string });
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    categoryId: row.categoryId,
    status: row.status,
    currency: row.currency,
    minPrice: row.minPrice,
    rating: ratingOf(row.ratingSum, row.ratingCount),
    inStock: row.inStock === 1,
    image: image === null ? null : { id: image.id, url: imageUrl(image.id), alt: image.alt },
    createdAt: iso(row.createdAt),
  };
}

export const reviewSchema = z
  .object({
    id: z.string(),
    productId: z.string(),
    rating: z.number().int().min(1).max(5),
    title: z.string().nullable(),
    body: z.string(),
    mine: z.boolean().openapi({ description: "Written by the caller" }),
    createdAt: time,
    updatedAt: time,
  })
  .openapi("Review");

export const wishlistItemSchema = z
  .object({
    productId: z.string(),
    addedAt: time,
    product: productSummarySchema,
  })
  .openapi("WishlistItem");
