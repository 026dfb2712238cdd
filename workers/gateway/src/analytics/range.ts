import { ApiError } from "@edgeworks/http";
import type { GroupBy } from "./queries";
import { RETENTION_MS } from "./retention";

/** The default range: the last hour. */
export const DEFAULT_RANGE_MS = 60 * 60 * 1000;
/** groupBy=minute answers at most this many minutes (one row each). */
export const MAX_MINUTE_RANGE_MS = 24 * 60 * 60 * 1000;

const invalid = (path: "from" | "to", message: string) =>
  new ApiError("validation_failed", message, { errors: [{ path, location: "query", message }] });

/**
 * The analytics range from the query (epoch ms; `to` defaults to now, `from` to an hour before `to`):
 * 422 when `from` is not before `to` or the range is longer than the retention (24 h for minutes).
 *
 * @example checkRange({ groupBy: "route" }, Date.now()) // the last hour
 */
export function checkRange(q: { from?: number; to?: number; groupBy: GroupBy }, now: number): { from: number; to: number } {
  const to = q.to ?? now;
  const from = q.from ?? to - DEFAULT_RANGE_MS;
  if (from >= to) throw invalid("from", "Must be before `to`");
  const max = q.groupBy === "minute" ? MAX_MINUTE_RANGE_MS : RETENTION_MS;
  if (to - from > max)
    throw invalid("from", `The range may be at most ${max / 3_600_000} hours${q.groupBy === "minute" ? " with groupBy=minute" : ""}`);
  return { from, to };
}
