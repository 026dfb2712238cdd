import { invalidField } from "@edgeworks/http";

/** Bucket sizes of the sales series. */
export const INTERVALS = ["day", "week"] as const;
/** One bucket size. */
export type Interval = (typeof INTERVALS)[number];

/** One UTC day in milliseconds. */
export const DAY_MS = 24 * 60 * 60 * 1000;
const WEEK_MS = 7 * DAY_MS;
/** The epoch (1970-01-01) was a Thursday: the first Monday 00:00 UTC is 4 days later. */
const MONDAY_OFFSET_MS = 4 * DAY_MS;
/** At most this long a range (`to − from`), in days. */
export const MAX_RANGE_DAYS = 366;
/** `from` when only `to` (or nothing) is given: 30 days before `to`. */
export const DEFAULT_SPAN_MS = 30 * DAY_MS;

/** Size of a bucket and its alignment (UTC midnight; weeks start on Monday). */
export const BUCKETS: Record<Interval, { size: number; offset: number }> = {
  day: { size: DAY_MS, offset: 0 },
  week: { size: WEEK_MS, offset: MONDAY_OFFSET_MS },
};

/** The start of the bucket holding `ms`. */
export function bucketStart(ms: number, interval: Interval): number {
  const { size, offset } = BUCKETS[interval];
  return Math.floor((ms - offset) / size) * size + offset;
}

/** A time range as the dashboard queries it: [from, to), epoch ms. */
export interface TimeRange {
  from: number;
  to: number;
}

/** A range rounded out to whole buckets: [start, end), epoch ms. */
export interface BucketRange {
  start: number;
  end: number;
  interval: Interval;
}

/**
 * The caller's `from`/`to` (epoch ms, either may be missing) checked: `to` defaults to now, `from` to 30 days
 * before `to`; `from` must be before `to` and the range at most {@link MAX_RANGE_DAYS} days (422 otherwise).
 *
 * @example resolveRange({ from: Date.parse("2026-01-01"), to: undefined }, Date.now())
 */
export function resolveRange(query: { from?: number; to?: number }, now: number): TimeRange {
  const to = query.to ?? now;
  const from = query.from ?? to - DEFAULT_SPAN_MS;
  if (from >= to) throw invalidField("from", "Must be before `to`", "query");
  if (to - from > MAX_RANGE_DAYS * DAY_MS) throw invalidField("to", `The range must be at most ${MAX_RANGE_DAYS} days`, "query");
  return { from, to };
}

/**
 * The range rounded out to whole UTC buckets: `start` is the bucket holding `from`, `end` the end of the
 * bucket holding the last millisecond before `to`.
 *
 * @example toBuckets({ from, to }, "week") // start on a Monday 00:00 UTC
 */
export function toBuckets(range: TimeRange, interval: Interval): BucketRange {
  const { size } = BUCKETS[interval];
  return { start: bucketStart(range.from, interval), end: bucketStart(range.to - 1, interval) + size, interval };
}

/** Every bucket start of a range, in order. */
export function bucketStarts(range: BucketRange): number[] {
  const { size } = BUCKETS[range.interval];
  const starts: number[] = [];
  for (let t = range.start; t < range.end; t += size) starts.push(t);
  return starts;
}
