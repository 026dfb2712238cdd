import { invalidField } from "@edgeworks/http";
import { and, desc, eq, gte, lt, sql } from "drizzle-orm";
import { HOUR_MS } from "../analytics/aggregate-clicks";
import type { Db } from "../deps";
import { clickDimensions, clicksHourly, type Dimension } from "../schema";

export const INTERVALS = ["hour", "day"] as const;
export type Interval = (typeof INTERVALS)[number];
const BUCKET_MS: Record<Interval, number> = { hour: HOUR_MS, day: 24 * HOUR_MS };
/** Default look-back when `from` is not given. */
const DEFAULT_SPAN_MS: Record<Interval, number> = { hour: 24 * HOUR_MS, day: 30 * 24 * HOUR_MS };
/** At most 31 days of hours or 366 days of days in one answer. */
export const MAX_BUCKETS: Record<Interval, number> = { hour: 31 * 24, day: 366 };
/** Values listed per dimension, most clicks first. */
export const TOP_VALUES = 50;

export interface Point {
  time: string;
  clicks: number;
  humans: number;
  bots: number;
}
export interface DimensionCount {
  value: string;
  clicks: number;
  humans: number;
}
export interface LinkStats {
  linkId: string;
  from: string;
  to: string;
  interval: Interval;
  clicks: number;
  humans: number;
  bots: number;
  timeseries: Point[];
  referrers: DimensionCount[];
  countries: DimensionCount[];
  cities: DimensionCount[];
  devices: DimensionCount[];
  browsers: DimensionCount[];
  os: DimensionCount[];
}

export interface StatsRange {
  /** Start of the first bucket (inclusive), epoch ms. */
  start: number;
  /** End of the last bucket (exclusive), epoch ms. */
  end: number;
  interval: Interval;
}

/**
 * Whole buckets covering [from, to): `to` defaults to now, `from` to a day (hour interval) or 30 days
 * (day interval) before it. Counts are kept per hour, so bounds are rounded out to whole buckets.
 */
export function resolveRange(query: { from?: number; to?: number; interval: Interval }, now: number): StatsRange {
  const bucket = BUCKET_MS[query.interval];
  const to = query.to ?? now;
  const from = query.from ?? to - DEFAULT_SPAN_MS[query.interval];
  if (from >= to) throw invalidField("from", "Must be before `to`", "query");
  const start = Math.floor(from / bucket) * bucket;
  const end = Math.ceil(to / bucket) * bucket;
  if ((end - start) / bucket > MAX_BUCKETS[query.interval]) {
    throw invalidField("from", `At most ${MAX_BUCKETS[query.interval]} ${query.interval}s in one request`, "query");
  }
  return { start, end, interval: query.interval };
}

const DIMENSION_FIELDS: Record<Dimension, keyof LinkStats> = {
  referrer: "referrers",
  country: "countries",
  city: "cities",
  device: "devices",
  browser: "browsers",
  os: "os",
};

/** Click statistics of one link (ownership already checked) over a range: totals, series, breakdowns. */
export async function getLinkStats(db: Db, linkId: string, range: StatsRange): Promise<LinkStats> {
  const bucket = BUCKET_MS[range.interval];
  const size = sql.raw(String(bucket)); // one of two constants, inlined so GROUP BY matches the column
  const bucketOf = sql<number>`(${clicksHourly.hour} / ${size}) * ${size}`;
  const inRange = and(eq(clicksHourly.linkId, linkId), gte(clicksHourly.hour, range.start), lt(clicksHourly.hour, range.end));
  const dimClicks = sql<number>`sum(${clickDimensions.clicks})`;
  const [series, dims] = await db.batch([
    db
      .select({
        bucket: bucketOf,
        clicks: sql<number>`sum(${clicksHourly.clicks})`,
        humans: sql<number>`sum(${clicksHourly.humans})`,
        bots: sql<number>`sum(${clicksHourly.bots})`,
      })
      .from(clicksHourly)
      .where(inRange)
      .groupBy(bucketOf),
    db
      .select({
        dimension: clickDimensions.dimension,
        value: clickDimensions.value,
        clicks: dimClicks,
        humans: sql<number>`sum(${clickDimensions.humans})`,
      })
      .from(clickDimensions)
      .where(and(eq(clickDimensions.linkId, linkId), gte(clickDimensions.hour, range.start), lt(clickDimensions.hour, range.end)))
      .groupBy(clickDimensions.dimension, clickDimensions.value)
      .orderBy(desc(dimClicks), clickDimensions.value),
  ]);

  const byBucket = new Map(series.map((r) => [Number(r.bucket), r]));
  const timeseries: Point[] = [];
  for (let t = range.start; t < range.end; t += bucket) {
    const r = byBucket.get(t);
    timeseries.push({
      time: new Date(t).toISOString(),
      clicks: Number(r?.clicks ?? 0),
      humans: Number(r?.humans ?? 0),
      bots: Number(r?.bots ?? 0),
    });
  }
  const stats: LinkStats = {
    linkId,
    from: new Date(range.start).toISOString(),
    to: new Date(range.end).toISOString(),
    interval: range.interval,
    clicks: timeseries.reduce((n, p) => n + p.clicks, 0),
    humans: timeseries.reduce((n, p) => n + p.humans, 0),
    bots: timeseries.reduce((n, p) => n + p.bots, 0),
    timeseries,
    referrers: [],
    countries: [],
    cities: [],
    devices: [],
    browsers: [],
    os: [],
  };
  for (const d of dims) {
    const list = stats[DIMENSION_FIELDS[d.dimension]] as DimensionCount[];
    if (list.length < TOP_VALUES) list.push({ value: d.value, clicks: Number(d.clicks), humans: Number(d.humans) });
  }
  return stats;
}
