// @ts-check
// The calendar and proration arithmetic of billing, alone.
import { describe, expect, it } from "vitest";
import { addMonths, formatDate, formatMoney, nextBoundary, periodBoundary, prorate } from "../src/resources/billing-util.mjs";

const at = (/** @type {string} */ iso) => Date.parse(iso) / 1000;
const iso = (/** @type {number} */ s) => new Date(s * 1000).toISOString();

describe("billing periods", () => {
  it("months keep the anchor's day, clamped to short months: 31 Jan → 28/29 Feb → 31 Mar", () => {
    const anchor = at("2027-01-31T10:00:00Z");
    const monthly = { interval: /** @type {const} */ ("month"), interval_count: 1 };
    expect([1, 2, 3].map((n) => iso(periodBoundary(anchor, monthly, n)))).toEqual([
      "2027-02-28T10:00:00.000Z",
      "2027-03-31T10:00:00.000Z",
      "2027-04-30T10:00:00.000Z",
    ]);
    expect(iso(addMonths(at("2028-01-31T00:00:00Z"), 1))).toBe("2028-02-29T00:00:00.000Z");
    expect(iso(periodBoundary(at("2027-05-10T00:00:00Z"), { interval: "year", interval_count: 1 }, 1))).toBe("2028-05-10T00:00:00.000Z");
    expect(periodBoundary(1000, { interval: "week", interval_count: 2 }, 1)).toBe(1000 + 14 * 86_400);
    expect(iso(periodBoundary(anchor, monthly, -1))).toBe("2026-12-31T10:00:00.000Z");
  });

  it("nextBoundary is the end of the period that contains a time", () => {
    const anchor = at("2027-01-31T10:00:00Z");
    const monthly = { interval: /** @type {const} */ ("month"), interval_count: 1 };
    expect(iso(nextBoundary(anchor, monthly, at("2027-02-28T10:00:00Z")))).toBe("2027-03-31T10:00:00.000Z");
    expect(iso(nextBoundary(anchor, monthly, at("2027-02-28T09:59:59Z")))).toBe("2027-02-28T10:00:00.000Z");
  });
});

describe("proration", () => {
  it("is the share of the period left, to the second, rounded half away from zero", () => {
    const period = { start: 0, end: 1000 };
    expect(prorate(1000, period, 500)).toBe(500);
    expect(prorate(-1000, period, 500)).toBe(-500);
    expect(prorate(999, period, 500)).toBe(500);
    expect(prorate(1000, period, 999)).toBe(1);
    expect(prorate(1000, period, 1000)).toBe(0);
    expect(prorate(1000, period, -50)).toBe(1000);
  });

  it("formats dates and money the way Stripe's line descriptions do", () => {
    expect(formatDate(at("2026-12-05T23:59:59Z"))).toBe("05 Dec 2026");
    expect(formatMoney(1050, "usd")).toBe("$10.50");
    expect(formatMoney(1000, "jpy")).toBe("¥1,000");
    expect(formatMoney(-500, "eur")).toBe("-€5.00");
  });
});
