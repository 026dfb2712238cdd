import { describe, expect, it } from "vitest";
import { evenKeys, keyFor, type PlacementError, type Positioned } from "../src/positions";

const seq = (...keys: [string, string, boolean?][]): Positioned[] => keys.map(([id, pos, hidden]) => ({ id, pos, hidden }));

describe("keyFor", () => {
  const items = seq(["a", "a0"], ["x", "a1", true], ["b", "a2"], ["c", "a3"]);

  it("puts top before everything and bottom after everything (hidden items included)", () => {
    expect(keyFor(items, "top") < "a0").toBe(true);
    expect(keyFor(items, "bottom") > "a3").toBe(true);
    expect(keyFor([], "top")).toBe("a0");
  });

  it("places right after or right before a visible neighbour, never on a hidden item's key", () => {
    const afterA = keyFor(items, { after: "a" });
    expect(afterA > "a0" && afterA < "a1").toBe(true);
    const beforeB = keyFor(items, { before: "b" });
    expect(beforeB > "a1" && beforeB < "a2").toBe(true);
    // a and b are neighbours as the client sees them (x is archived)
    const between = keyFor(items, { after: "a", before: "b" });
    expect(between > "a0" && between < "a2" && between !== "a1").toBe(true);
  });

  it("refuses neighbours that are not adjacent, reversed, unknown or hidden", () => {
    const kind = (p: Parameters<typeof keyFor>[1]) => {
      try {
        keyFor(items, p);
        return "ok";
      } catch (e) {
        return (e as PlacementError).kind;
      }
    };
    expect(kind({ after: "a", before: "c" })).toBe("not_adjacent");
    expect(kind({ after: "b", before: "a" })).toBe("not_adjacent");
    expect(kind({ after: "a", before: "a" })).toBe("not_adjacent");
    expect(kind({ after: "zzz" })).toBe("unknown_neighbour");
    expect(kind({ before: "x" })).toBe("unknown_neighbour");
    expect(kind({ after: "b", before: "c" })).toBe("ok");
  });

  it("evenKeys are sorted, distinct and short", () => {
    const keys = evenKeys(1000);
    expect([...keys].sort()).toEqual(keys);
    expect(new Set(keys).size).toBe(1000);
    expect(Math.max(...keys.map((k) => k.length))).toBeLessThanOrEqual(4);
  });
});
