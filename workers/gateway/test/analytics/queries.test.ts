import { env } from "cloudflare:test";
import { drizzle } from "drizzle-orm/d1";
import { beforeAll, describe, expect, it } from "vitest";
import { analytics } from "../../src/analytics/queries";
import { NOW, record, wsId } from "./records";
import { seed, seededSet } from "./seed";

// The analytics numbers, exact, for a seeded set (see seed.ts): counts, errors, error rate and nearest-rank
// percentiles per group and in total; the range bounds and other workspaces left out.
const ws = wsId("ws_q");
const range = { from: NOW - 60 * 60_000, to: NOW };
const db = () => drizzle(env.DB);
const stat = (count: number, errors: number, p50: number, p95: number, p99: number) => ({
  count,
  errors,
  errorRate: errors / count,
  p50,
  p95,
  p99,
});

beforeAll(async () => {
  await seed([
    ...seededSet(ws),
    // outside the range on both sides (to is exclusive), and another workspace inside it
    record({ workspaceId: ws, at: range.from - 1, latencyMs: 9999, status: 500 }),
    record({ workspaceId: ws, at: range.to, latencyMs: 9999, status: 500 }),
    record({ workspaceId: wsId("ws_other"), at: NOW - 1000, latencyMs: 9999, status: 500 }),
  ]);
});

describe("analytics over a range", () => {
  it("totals: 104 requests, 11 errors, p50 49 / p95 96 / p99 100 (nearest rank over all latencies)", async () => {
    const { totals } = await analytics(db(), ws, { ...range, groupBy: "route" });
    expect(totals).toEqual(stat(104, 11, 49, 96, 100));
  });

  it("groupBy route: rte_a (1..100 ms), rte_b (5, 7, 300 ms) and no route, by count", async () => {
    const { rows } = await analytics(db(), ws, { ...range, groupBy: "route" });
    expect(rows).toEqual([
      { key: "rte_a", ...stat(100, 10, 50, 95, 99) },
      { key: "rte_b", ...stat(3, 1, 7, 300, 300) },
      { key: null, ...stat(1, 0, 2, 2, 2) },
    ]);
  });

  it("groupBy consumer: anonymous (41..100 ms and the 404 at 2 ms), csm_1 (1..40 ms), csm_b", async () => {
    const { rows } = await analytics(db(), ws, { ...range, groupBy: "consumer" });
    expect(rows).toEqual([
      { key: null, ...stat(61, 6, 70, 97, 100) },
      { key: "csm_1", ...stat(40, 4, 20, 38, 40) },
      { key: "csm_b", ...stat(3, 1, 7, 300, 300) },
    ]);
  });

  it("groupBy status: 200, 500, then 404 and 502 (equal counts by key)", async () => {
    const { rows } = await analytics(db(), ws, { ...range, groupBy: "status" });
    expect(rows.map((r) => [r.key, r.count, r.errors])).toEqual([
      ["200", 92, 0],
      ["500", 10, 10],
      ["404", 1, 0],
      ["502", 1, 1],
    ]);
    expect(rows[1]).toEqual({ key: "500", ...stat(10, 10, 50, 100, 100) });
    // 200s: rte_a's 90 non-multiples of 10 plus 5 and 300 ms: rank 46 → 49, rank 88 → 96, rank 92 → 300
    expect(rows[0]).toEqual({ key: "200", ...stat(92, 0, 49, 96, 300) });
  });

  it("groupBy minute: one row per minute with traffic, in order, keyed by the minute's start", async () => {
    const { rows, totals } = await analytics(db(), ws, { ...range, groupBy: "minute" });
    // at = NOW - 30 min + i s for i = 1..104: i 1..59 → minute 0, 60..104 → minute 1
    const m0 = new Date(NOW - 30 * 60_000).toISOString();
    const m1 = new Date(NOW - 29 * 60_000).toISOString();
    expect(rows.map((r) => [r.key, r.count])).toEqual([
      [m0, 59],
      [m1, 45],
    ]);
    // minute 0 holds rte_a's 1..59 ms: 5 errors (10..50), p50 rank 30 → 30
    expect(rows[0]).toEqual({ key: m0, ...stat(59, 5, 30, 57, 59) });
    expect(totals.count).toBe(104);
  });

  it("an empty range has zero counts and null percentiles", async () => {
    const result = await analytics(db(), ws, { from: NOW + 1, to: NOW + 2, groupBy: "route" });
    expect(result).toEqual({ totals: { count: 0, errors: 0, errorRate: 0, p50: null, p95: null, p99: null }, rows: [] });
  });
});
