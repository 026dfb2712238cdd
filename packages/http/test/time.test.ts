import { describe, expect, it } from "vitest";
import { iso } from "../src";

describe("iso", () => {
  it("formats epoch ms as ISO-8601 UTC with milliseconds", () => {
    expect(iso(0)).toBe("1970-01-01T00:00:00.000Z");
    expect(iso(1_800_000_000_123)).toBe("2027-01-15T08:00:00.123Z");
  });

  it("keeps null as null (optional timestamps)", () => {
    expect(iso(null)).toBeNull();
  });
});
