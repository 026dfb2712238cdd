import { describe, expect, it } from "vitest";
import { ftsMatchExpression } from "../src/search";

describe("ftsMatchExpression", () => {
  it("re-quotes every term, keeps prefixes and phrases, and turns FTS5 operators into words", () => {
    expect(ftsMatchExpression('budg* "launch plan" SKU-1')).toBe('"budg"* "launch plan" "SKU-1"');
    expect(ftsMatchExpression("a AND NEAR(b c) -d col:e")).toBe('"a" "AND" "NEAR(b" "c)" "-d" "col:e"');
    expect(ftsMatchExpression('say "hi there')).toBe('"say" "hi there"');
    expect(ftsMatchExpression('he said ""quoted""')).toBe('"he" "said" "quoted"');
  });

  it("is null when nothing is searchable, and stops at maxTerms", () => {
    expect(ftsMatchExpression('  *** --- "" ')).toBeNull();
    expect(ftsMatchExpression("a b c d", 2)).toBe('"a" "b"');
  });

  it("answers a long hostile query (the pattern is checked linear by scripts/check-regex.mjs)", () => {
    expect(ftsMatchExpression(`${'"'.repeat(50_001)}x`)).toBe('"x"');
    expect(ftsMatchExpression(`${"*".repeat(50_000)}`)).toBeNull();
  });
});
