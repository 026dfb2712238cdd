import { idParam, NO_CONTROL, NOT_BLANK_NO_CONTROL, paginationQuery, queryBoolean, textField } from "@edgeworks/http";
import { z } from "@hono/zod-openapi";
import { CHECKOUT_CURRENCIES } from "../orders/pricing";

// Request schemas of the catalog. Every pattern here is linear (scripts/check-regex.mjs) and every text
// field checks its length before its pattern (packages/http textField).

/** A URL slug: lower-case ASCII letters and digits in runs joined by single hyphens. */
export const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** A SKU: ASCII letters, digits, `.`, `_`, `-`, starting with a letter or digit (1..64). */
export const SKU = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** An attribute name: ASCII letters, digits, space, `_`, `-`, starting with a letter or digit (1..40; never `:`). */
export const ATTRIBUTE_NAME = /^[A-Za-z0-9][A-Za-z0-9 _-]{0,39}$/;
/** An ISO 4217 code as the shop writes it: three upper-case letters. */
const CURRENCY = /^[A-Z]{3}$/;

/** The currencies the runtime knows (ISO 4217); a well-formed code outside it is refused. */
const KNOWN_CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf("currency"));

/** The largest price (minor units) and stock a variant may have. */
export const MAX_PRICE = 100_000_000_000;
export const MAX_STOCK = 1_000_000;

export const slugField = () =>
  textField({ min: 1, max: 100, pattern: SLUG, rule: "Must be lower-case letters and digits joined by single hyphens" });

const oneLine = (max: number) =>
  textField({ min: 1, max, pattern: NOT_BLANK_NO_CONTROL, rule: "Must not be blank or contain control characters", trim: true });

/** A shop row id (nanoid) in a body: URL-safe characters only. */
const idField = (description: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "Must be an id of 1-64 URL-safe characters")
    .openapi({ description, example: "V1StGXR8_Z5jdHi6B-myT" });

export const currencyField = () =>
  z
    .string()
    .regex(CURRENCY, "Must be an upper-case ISO 4217 code, e.g. USD")
    .refine((c) => KNOWN_CURRENCIES.has(c), "Must be an ISO 4217 currency")
    .openapi({ description: "ISO 4217, upper case", example: "USD" });

const SELLABLE_CURRENCIES: ReadonlySet<string> = new Set(CHECKOUT_CURRENCIES);
const sellableRule = `Must be a currency checkout can sell in (one with shipping rates): ${CHECKOUT_CURRENCIES.join(", ")}`;

/** A product's or variant's price currency: ISO 4217 and one checkout sells in ({@link CHECKOUT_CURRENCIES}). */
export const saleCurrencyField = () =>
  currencyField()
    .refine((c) => SELLABLE_CURRENCIES.has(c), sellableRule)
    .openapi({ description: `ISO 4217, upper case; one checkout can sell in: ${CHECKOUT_CURRENCIES.join(", ")}`, example: "USD" });

const priceField = z
  .number()
  .int("Must be an integer (minor units)")
  .min(0, "Must not be negative")
  .max(MAX_PRICE, `Must be at most ${MAX_PRICE}`)
  .openapi({ description: "Minor units of the product's currency", example: 1999 });
const stockField = z
  .number()
  .int("Must be an integer")
  .min(0, "Must not be negative")
  .max(MAX_STOCK, `Must be at most ${MAX_STOCK}`)
  .openapi({ description: "Units on hand (the Inventory Durable Object's stock)", example: 10 });

const attributeValue = oneLine(100);
export const attributesField = z
  .record(
    textField({ min: 1, max: 40, pattern: ATTRIBUTE_NAME, rule: "Must be letters, digits, spaces, _ or - (no colon)" }),
    attributeValue,
  )
  .refine((a) => Object.keys(a).length <= 20, "At most 20 attributes")
  .openapi({
    description: 'Attribute name → value, e.g. {"color": "red"}; filtered with `attr=color:red` (ASCII case ignored)',
    example: { color: "red", size: "M" },
  });

export const categoryIdParams = z.object({ id: idParam("Category id") });
export const productIdParams = z.object({
  id: idParam("Product id"),
});
// named `id` like the product's other routes (`/products/{id}/…`): one path template, which accepts a slug here
export const productRefParams = z.object({
  id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,100}$/, "Must be a product id or slug")
    .openapi({ param: { name: "id", in: "path" }, description: "Product id or slug", example: "blue-tee" }),
});
export const variantParams = z.object({
  id: idParam("Product id"),
  variantId: idParam("Variant id").openapi({ param: { name: "variantId", in: "path" } }),
});
export const imageParams = z.object({
  id: idParam("Product id"),
  imageId: idParam("Image id").openapi({ param: { name: "imageId", in: "path" } }),
});
export const imageIdParams = z.object({ id: idParam("Image id") });
export const reviewIdParams = z.object({ id: idParam("Review id") });

export const createCategoryBody = z
  .object({
    name: oneLine(100),
    slug: slugField().optional().openapi({ description: "Default: made from the name" }),
    parentId: idField("Parent category; null or absent: a root category").nullable().optional(),
    position: z.number().int().min(0).max(1_000_000).optional().openapi({ description: "Order among siblings (default 0)" }),
  })
  .strict()
  .openapi("CreateCategory");

export const updateCategoryBody = z
  .object({
    name: oneLine(100).optional(),
    slug: slugField().optional(),
    parentId: idField("Move under this category; null: make it a root").nullable().optional(),
    position: z.number().int().min(0).max(1_000_000).optional(),
  })
  .strict()
  .openapi("UpdateCategory", { description: "Only the given fields change; `parentId` moves the category with its subtree" });

export const variantInput = z
  .object({
    sku: textField({ min: 1, max: 64, pattern: SKU, rule: "Must be ASCII letters, digits, . _ - and start with a letter or digit" }),
    title: oneLine(200),
    price: priceField,
    currency: saleCurrencyField().optional().openapi({ description: "Must be the product's currency when given" }),
    stock: stockField.default(0),
    attributes: attributesField.default({}),
  })
  .strict()
  .openapi("VariantInput");

export const updateVariantBody = z
  .object({
    sku: textField({
      min: 1,
      max: 64,
      pattern: SKU,
      rule: "Must be ASCII letters, digits, . _ - and start with a letter or digit",
    }).optional(),
    title: oneLine(200).optional(),
    price: priceField.optional(),
    stock: stockField.optional(),
    attributes: attributesField.optional(),
    position: z.number().int().min(0).max(1_000_000).optional(),
  })
  .strict()
  .openapi("UpdateVariant", { description: "Only the given fields change; `stock` goes through the Inventory Durable Object" });

export const PRODUCT_STATUSES = ["draft", "active", "archived"] as const;

export const createProductBody = z
  .object({
    title: oneLine(200),
    slug: slugField().optional().openapi({ description: "Default: made from the title" }),
    description: textField({ min: 0, max: 20_000 }).default(""),
    categoryId: idField("The product's category").nullable().optional(),
    status: z.enum(PRODUCT_STATUSES).default("draft"),
    currency: saleCurrencyField(),
    variants: z.array(variantInput).min(1, "At least one variant").max(100, "At most 100 variants"),
  })
  .strict()
  .openapi("CreateProduct");

export const updateProductBody = z
  .object({
    title: oneLine(200).optional(),
    slug: slugField().optional(),
    description: textField({ min: 0, max: 20_000 }).optional(),
    categoryId: idField("The product's category; null: none").nullable().optional(),
    status: z.enum(PRODUCT_STATUSES).optional(),
  })
  .strict()
  .openapi("UpdateProduct", { description: "Only the given fields change (the currency is fixed at creation)" });

export const PRODUCT_SORTS = ["newest", "price", "-price", "rating", "relevance"] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];

/** One `attr=name:value` filter, split at its first colon; name and value ASCII-lower-cased as the index stores them. */
const attrFilter = textField({ min: 3, max: 141, pattern: NO_CONTROL, rule: "Must not contain control characters" })
  .refine((s) => {
    const at = s.indexOf(":");
    return at > 0 && at < s.length - 1 && ATTRIBUTE_NAME.test(s.slice(0, at));
  }, "Must be name:value, e.g. color:red")
  .openapi({ example: "color:red" });

/** A price in a query string: decimal digits only (no sign, exponent, hex or spaces), at most MAX_PRICE. */
const moneyQuery = z
  .string()
  .regex(/^\d{1,12}$/, "Must be a whole number of minor units")
  .transform(Number)
  .refine((n) => n <= MAX_PRICE, `Must be at most ${MAX_PRICE}`);

export const listProductsQuery = z.object({
  ...paginationQuery,
  category: idParam("Only products of this category or its descendants")
    .optional()
    .openapi({ param: { name: "category", in: "query" } }),
  minPrice: moneyQuery.optional().openapi({ description: "Lowest price (minor units) at least this" }),
  maxPrice: moneyQuery.optional().openapi({ description: "Lowest price (minor units) at most this" }),
  currency: currencyField().optional().openapi({ description: "Only products priced in this currency" }),
  attr: z
    .union([attrFilter, z.array(attrFilter).max(10, "At most 10 attribute filters")])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
    .openapi({
      description:
        "Repeatable `name:value`: products with a live variant having every named attribute (repeating a name means any of its values); ASCII case ignored",
    }),
  q: textField({ min: 1, max: 200 })
    .optional()
    .openapi({ description: 'Full-text search of title, description and SKUs (words, `prefix*`, "phrases")' }),
  inStock: queryBoolean().optional().openapi({ description: "`true`: only products with a live variant available now" }),
  sort: z
    .enum(PRODUCT_SORTS)
    .optional()
    .openapi({ description: "Default `relevance` with `q`, else `newest`. `relevance` needs `q`; `rating` is the average, unrated last" }),
  status: z
    .enum([...PRODUCT_STATUSES, "all"])
    .optional()
    .openapi({ description: "Admins only (default `all` for them); everyone else sees `active` products only" }),
});
export type ListProductsQuery = z.output<typeof listProductsQuery>;

export const reviewBody = z
  .object({
    rating: z.number().int("Must be an integer").min(1, "Must be 1..5").max(5, "Must be 1..5"),
    title: oneLine(200).nullable().optional(),
    body: textField({ min: 1, max: 5000, trim: true }),
  })
  .strict()
  .openapi("CreateReview");

export const updateReviewBody = z
  .object({
    rating: z.number().int("Must be an integer").min(1, "Must be 1..5").max(5, "Must be 1..5").optional(),
    title: oneLine(200).nullable().optional(),
    body: textField({ min: 1, max: 5000, trim: true }).optional(),
  })
  .strict()
  .openapi("UpdateReview");

export const pageQuery = z.object({ ...paginationQuery });

export const imageQuery = z.object({
  alt: textField({ min: 0, max: 300, pattern: NO_CONTROL, rule: "Must not contain control characters" })
    .optional()
    .openapi({ description: "Alternative text (default empty)" }),
  position: z.coerce
    .number()
    .int()
    .min(0)
    .max(1_000_000)
    .optional()
    .openapi({ description: "Order among the product's images (default: last)" }),
});

export const updateImageBody = z
  .object({
    alt: textField({ min: 0, max: 300, pattern: NO_CONTROL, rule: "Must not contain control characters" }).optional(),
    position: z.number().int().min(0).max(1_000_000).optional(),
  })
  .strict()
  .openapi("UpdateImage");

/**
 * A slug made from a title: ASCII-folded, lower case, runs of anything else turned into one hyphen,
 * at most 80 characters; empty when the title has no letter or digit left.
 *
 * @example slugify("Blue T-Shirt (Größe M)") // "blue-t-shirt-grosse-m"
 */
export function slugify(title: string): string {
  const folded = title
    .slice(0, 200)
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replaceAll("ß", "ss")
    .toLowerCase();
  const parts = folded.split(/[^a-z0-9]+/).filter((p) => p !== "");
  let slug = "";
  for (const part of parts) {
    const next = slug === "" ? part : `${slug}-${part}`;
    if (next.length > 80) break;
    slug = next;
  }
  return slug;
}

/** ASCII lower case (what the attribute index stores and filters compare). */
export const asciiLower = (s: string): string => s.replace(/[A-Z]/g, (ch) => ch.toLowerCase());
