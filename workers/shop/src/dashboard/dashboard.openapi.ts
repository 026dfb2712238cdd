import { requireRole } from "@edgeworks/auth";
import { errors, jsonResponse } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import { ORDER_STATES } from "../orders/schema";
import { INTERVALS, MAX_RANGE_DAYS } from "./range";

const base = { tags: ["Admin dashboard"], security: [{ bearerAuth: [] }] };
/** Only shop admins (or platform admins) see the dashboard: 403 for everyone else. */
const adminOnly = requireRole("shop:admin");
const readErrors = errors(401, 403, 422);

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A real calendar date: 2026-13-45 does not parse, and 2026-02-30 is not one, though Date.parse rolls it over. */
const isCalendarDate = (s: string) => {
  const ms = Date.parse(s);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === s;
};

/** `YYYY-MM-DD` (midnight UTC) or an ISO-8601 date-time with a time zone, as epoch ms. */
const instant = (description: string) =>
  z
    .string()
    .max(40)
    .refine(
      (s) => (DATE_ONLY.test(s) ? isCalendarDate(s) : DATE_TIME.test(s) && isCalendarDate(s.slice(0, 10)) && !Number.isNaN(Date.parse(s))),
      "Must be a date (2026-01-31, midnight UTC) or an ISO-8601 date-time with a time zone (2026-01-31T12:00:00Z)",
    )
    .transform((s) => Date.parse(s))
    .optional()
    .openapi({ description, example: "2026-01-01" });

const rangeQuery = {
  from: instant(`Start (inclusive); default 30 days before \`to\`. At most ${MAX_RANGE_DAYS} days before \`to\``),
  to: instant("End (exclusive); default now"),
};

const currencyQuery = z
  .string()
  .max(3)
  .regex(/^[A-Z]{3}$/, "Must be an uppercase ISO 4217 code, e.g. USD")
  .optional()
  .openapi({ description: "Only orders in this currency (uppercase ISO 4217)", example: "USD" });

const intervalQuery = z
  .enum(INTERVALS)
  .default("day")
  .openapi({ description: "Bucket size: UTC days, or weeks starting Monday 00:00 UTC" });

const count = (description: string) => z.number().int().openapi({ description });
const money = (description: string) =>
  z
    .number()
    .int()
    .openapi({ description: `${description} (minor units)` });

const figures = {
  orders: count("Orders paid (by `paid_at`)"),
  gross: money("What they paid"),
  refunded: money("What has been refunded of them since"),
  net: money("gross − refunded"),
};
const salesFiguresSchema = z.object(figures).openapi("SalesFigures");
const salesSchema = z
  .object({
    from: z.iso.datetime().openapi({ description: "Start of the first bucket" }),
    to: z.iso.datetime().openapi({ description: "End of the last bucket (exclusive)" }),
    interval: z.enum(INTERVALS),
    series: z.array(
      z
        .object({
          currency: z.string(),
          totals: salesFiguresSchema,
          buckets: z.array(z.object({ start: z.iso.datetime(), end: z.iso.datetime(), ...figures }).openapi("SalesBucket")),
        })
        .openapi("SalesSeries"),
    ),
  })
  .openapi("SalesReport");

export const salesQuery = z.object({ ...rangeQuery, interval: intervalQuery, currency: currencyQuery });

export const salesRoute = createRoute({
  ...base,
  method: "get",
  path: "/admin/dashboard/sales",
  operationId: "getSalesReport",
  summary: "Sales per day or week",
  description:
    "Paid orders by the UTC day or week (from Monday) of their payment, with what was refunded of them netted " +
    "against the same bucket. The range is rounded out to whole buckets; empty buckets are listed with zeros. " +
    "One series per currency (largest gross first); with `currency`, exactly that one. Needs the `shop:admin` role.",
  middleware: adminOnly,
  request: { query: salesQuery },
  responses: { 200: jsonResponse(salesSchema, "The sales series"), ...readErrors },
});

export const salesChartRoute = createRoute({
  ...base,
  method: "get",
  path: "/admin/dashboard/sales.svg",
  operationId: "getSalesChart",
  summary: "Sales per day or week as an SVG chart",
  description:
    "The sales series of one currency (`currency`, or the one with the largest gross; USD when nothing sold) as " +
    "a bar chart: net per bucket with the refunded part on top, axes, labels, `<title>` and `<desc>`. " +
    "No scripts or external references. Needs the `shop:admin` role.",
  middleware: adminOnly,
  request: { query: salesQuery },
  responses: {
    200: { description: "An SVG bar chart", content: { "image/svg+xml": { schema: z.string() } } },
    ...readErrors,
  },
});

export const topProductsQuery = z.object({
  ...rangeQuery,
  limit: z.coerce
    .number()
    .int("Must be an integer")
    .min(1, "Must be at least 1")
    .max(100, "Must be at most 100")
    .default(10)
    .openapi({ description: "How many products, 1..100", example: 10 }),
  by: z.enum(["revenue", "quantity"]).default("revenue").openapi({ description: "Rank by line revenue or by units sold" }),
  currency: currencyQuery,
});

const topProductSchema = z
  .object({
    productId: z.string(),
    title: z.string().openapi({ description: "The product's current title (the title as sold if it is gone)" }),
    currency: z.string(),
    quantity: count("Units sold"),
    refundedQuantity: count("Units refunded since"),
    revenue: money("Line totals of the units sold, before order discounts"),
    orders: count("Paid orders that had the product"),
  })
  .openapi("TopProduct");

export const topProductsRoute = createRoute({
  ...base,
  method: "get",
  path: "/admin/dashboard/top-products",
  operationId: "getTopProducts",
  summary: "Best-selling products",
  description:
    "Products ranked by revenue or units among the orders paid in the range, one row per product and currency " +
    "(pass `currency` to compare like with like). Needs the `shop:admin` role.",
  middleware: adminOnly,
  request: { query: topProductsQuery },
  responses: {
    200: jsonResponse(
      z
        .object({ from: z.iso.datetime(), to: z.iso.datetime(), by: z.enum(["revenue", "quantity"]), items: z.array(topProductSchema) })
        .openapi("TopProducts"),
      "The ranking",
    ),
    ...readErrors,
  },
});

export const lowStockQuery = z.object({
  threshold: z.coerce
    .number()
    .int("Must be an integer")
    .min(0, "Must be at least 0")
    .max(1_000_000, "Must be at most 1000000")
    .default(5)
    .openapi({ description: "Variants with at most this many available units", example: 5 }),
  limit: z.coerce
    .number()
    .int("Must be an integer")
    .min(1, "Must be at least 1")
    .max(500, "Must be at most 500")
    .default(100)
    .openapi({ description: "How many variants, 1..500 (least available first)", example: 100 }),
});

export const lowStockRoute = createRoute({
  ...base,
  method: "get",
  path: "/admin/dashboard/low-stock",
  operationId: "getLowStock",
  summary: "Variants running out",
  description:
    "Live variants of live products whose available units (stock − reservations, from the database mirror of " +
    "the Inventory objects) are at or below `threshold`, least available first. Needs the `shop:admin` role.",
  middleware: adminOnly,
  request: { query: lowStockQuery },
  responses: {
    200: jsonResponse(
      z
        .object({
          threshold: z.number().int(),
          items: z.array(
            z
              .object({
                variantId: z.string(),
                productId: z.string(),
                productTitle: z.string(),
                productStatus: z.string(),
                sku: z.string(),
                title: z.string(),
                stock: count("Units on hand"),
                available: count("Units not reserved"),
              })
              .openapi("LowStockVariant"),
          ),
        })
        .openapi("LowStock"),
      "The variants",
    ),
    ...readErrors,
  },
});

export const ordersByStateRoute = createRoute({
  ...base,
  method: "get",
  path: "/admin/dashboard/orders-by-state",
  operationId: "getOrdersByState",
  summary: "Orders per state",
  description: "How many orders are in each state right now (every state listed). Needs the `shop:admin` role.",
  middleware: adminOnly,
  responses: {
    200: jsonResponse(
      z
        .object({
          states: z.array(z.object({ state: z.enum(ORDER_STATES), count: z.number().int() }).openapi("OrderStateCount")),
          total: z.number().int(),
        })
        .openapi("OrdersByState"),
      "The counts",
    ),
    ...errors(401, 403),
  },
});
