import { errors, jsonResponse } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import { dateTime } from "../fields";
import { QR_DEFAULT_SIZE, QR_FORMATS, QR_MAX_SIZE, QR_MIN_SIZE } from "../qr/qr-code";
import { INTERVALS, MAX_BUCKETS } from "../stats/stats.service";
import { linkIdParams } from "../validation";

const base = { tags: ["Analytics"], security: [{ bearerAuth: [] }] };

export const statsQuery = z.object({
  from: dateTime().optional().openapi({ description: "Start (ISO-8601); default: 24 h (hour) or 30 days (day) before `to`" }),
  to: dateTime().optional().openapi({ description: "End (ISO-8601); default: now" }),
  interval: z
    .enum(INTERVALS)
    .default("day")
    .openapi({ description: `Bucket size of the time series; at most ${MAX_BUCKETS.hour} hours or ${MAX_BUCKETS.day} days` }),
});

const count = z.object({ value: z.string(), clicks: z.number().int(), humans: z.number().int() }).openapi("DimensionCount");
const statsSchema = z
  .object({
    linkId: z.string(),
    from: z.iso.datetime().openapi({ description: "Start of the first bucket" }),
    to: z.iso.datetime().openapi({ description: "End of the last bucket (exclusive)" }),
    interval: z.enum(INTERVALS),
    clicks: z.number().int().openapi({ description: "Every redirect, bots included" }),
    humans: z.number().int(),
    bots: z.number().int().openapi({ description: "Crawlers, link-preview fetchers, HTTP libraries" }),
    timeseries: z.array(
      z
        .object({ time: z.iso.datetime(), clicks: z.number().int(), humans: z.number().int(), bots: z.number().int() })
        .openapi("StatsPoint"),
    ),
    referrers: z.array(count).openapi({ description: "Referrer host, or `direct`" }),
    countries: z.array(count),
    cities: z.array(count),
    devices: z.array(count).openapi({ description: "mobile, tablet, desktop, tv, bot, unknown" }),
    browsers: z.array(count),
    os: z.array(count),
  })
  .openapi("LinkStats");

export const statsRoute = createRoute({
  ...base,
  operationId: "getLinkStats",
  method: "get",
  path: "/links/{id}/stats",
  summary: "Click statistics",
  description:
    "Counted from the click Queue in batches, so clicks show up within seconds. Buckets are whole hours or UTC days; " +
    "each breakdown lists up to 50 values, most clicks first.",
  request: { params: linkIdParams, query: statsQuery },
  responses: { 200: jsonResponse(statsSchema, "Statistics"), ...errors(401, 403, 404, 422) },
});

export const statsChartRoute = createRoute({
  ...base,
  operationId: "getLinkStatsChart",
  method: "get",
  path: "/links/{id}/stats.svg",
  summary: "Click time series as an SVG chart",
  request: { params: linkIdParams, query: statsQuery },
  responses: {
    200: { description: "A bar chart (humans and bots)", content: { "image/svg+xml": { schema: z.string() } } },
    ...errors(401, 403, 404, 422),
  },
});

export const qrRoute = createRoute({
  ...base,
  operationId: "getLinkQrCode",
  method: "get",
  path: "/links/{id}/qr",
  summary: "QR code of the short URL",
  request: {
    params: linkIdParams,
    query: z.object({
      format: z.enum(QR_FORMATS).default("svg").openapi({ description: "Default svg" }),
      size: z.coerce
        .number()
        .int("Must be an integer")
        .min(QR_MIN_SIZE, `Must be at least ${QR_MIN_SIZE}`)
        .max(QR_MAX_SIZE, `Must be at most ${QR_MAX_SIZE}`)
        .default(QR_DEFAULT_SIZE)
        .openapi({ description: `Width and height in pixels, ${QR_MIN_SIZE}..${QR_MAX_SIZE}` }),
    }),
  },
  responses: {
    200: {
      description: "The QR code",
      content: {
        "image/svg+xml": { schema: z.string() },
        "image/png": { schema: z.string().openapi({ format: "binary" }) },
      },
    },
    ...errors(401, 403, 404, 422),
  },
});
